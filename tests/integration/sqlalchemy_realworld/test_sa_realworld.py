"""The real-world harness (sa_harness.py) as tests: one per package × check, compared with KNOWN_GAPS.txt.

A test fails on a finding no known-gap line explains (a new failure) and on a known-gap line that no longer
matches any finding (a fix landed: delete the line), so the list only shrinks. The packages come from
requirements.txt beside this file (installed by .ci/run).
"""

from __future__ import annotations

import re

import psycopg
import pytest
import sa_harness as h

_results: dict[str, h.Result] = {}


def _result(package: str) -> h.Result:
    """All five checks of a package run once (they share the databases), then read by its five tests."""
    if package not in _results:
        _results[package] = h.run_package(package)
    return _results[package]


@pytest.mark.pg
@pytest.mark.slow
@pytest.mark.parametrize("check", list(h.CHECKS), ids=[f"{c}-{h.CHECK_NAMES[c].replace(' ', '_')}" for c in h.CHECKS])
@pytest.mark.parametrize("package", sorted(h.PACKAGES))
def test_realworld(package: str, check: str, pg_available: bool) -> None:
    gaps = h.load_known_gaps()
    findings = _result(package).findings[check]
    new, stale = h.compare_with_gaps(package, check, findings, gaps)
    msg = []
    if new:
        msg.append(f"{len(new)} finding(s) of {package} check {check} ({h.CHECK_NAMES[check]}) not in "
                   "KNOWN_GAPS.txt:\n  " + "\n  ".join(new))
    if stale:
        msg.append("stale KNOWN_GAPS.txt line(s), matching no finding any more (a fix landed? delete them):\n  "
                   + "\n  ".join(f"line {g.line_no}: {g.package} {g.check} {g.pattern.pattern}" for g in stale))
    assert not msg, "\n".join(msg)


def test_known_gaps_file_is_well_formed() -> None:
    gaps = h.load_known_gaps()
    assert all(g.comment for g in gaps)
    assert all(re.search(r"item \d+", g.comment) for g in gaps), \
        [g.line_no for g in gaps if not re.search(r"item \d+", g.comment)]


def test_compare_with_gaps_flags_new_findings_and_stale_lines(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "gaps.txt"
    f.write_text("# cause (issue 13 item 16)\ncelery 4 rename$\ncelery 4 never-seen\n", encoding="utf-8")
    gaps = h.load_known_gaps(f)
    new, stale = h.compare_with_gaps("celery", "4", ["a rename", "a type change"], gaps)
    assert new == ["a type change"]
    assert [g.line_no for g in stale] == [3]
    assert h.compare_with_gaps("celery", "1", ["a rename"], gaps) == (["a rename"], [])


@pytest.mark.parametrize("text, message", [
    ("celery 4 x\n", "needs a comment"),
    ("# c\nnot_a_package 4 x\n", "known package"),
    ("# c\ncelery 7 x\n", "check 1-5"),
    ("# c\ncelery 4 (\n", "bad regex"),
])
def test_known_gaps_bad_lines_are_errors(tmp_path, text: str, message: str) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "gaps.txt"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        h.load_known_gaps(f)


@pytest.mark.pg
def test_dump_diff_names_the_object_and_line(pg_available: bool) -> None:
    """The dump comparison the checks rely on sees a changed column type, a renamed constraint and a
    missing index, each as a line naming its object."""
    with h.databases("sarw_selftest") as new_db:
        a, b = new_db("a"), new_db("b")
        for url, ddl in [(a, "CREATE TABLE t (id int PRIMARY KEY, n int UNIQUE); CREATE INDEX t_n_ix ON t (n)"),
                         (b, "CREATE TABLE t (id int PRIMARY KEY, n bigint CONSTRAINT t_n_unique UNIQUE)")]:
            with psycopg.connect(url, autocommit=True) as c:
                c.execute(ddl)
        findings = h.dump_diff(h.dump(a), h.dump(b), "dump")
    assert "dump: - [TABLE public.t]     n integer" in findings
    assert "dump: + [TABLE public.t]     n bigint" in findings
    assert any(x.startswith("dump: - [CONSTRAINT public.t t_n_key] only in create_all: ") for x in findings)
    assert any(x.startswith("dump: + [CONSTRAINT public.t t_n_unique] only in mizzle: ") for x in findings)
    assert any(x.startswith("dump: - [INDEX public.t_n_ix] only in create_all: CREATE INDEX t_n_ix") for x in findings)
    assert len(findings) == 5, findings
    assert h.dump_diff(["x"], ["x"], "dump") == []
