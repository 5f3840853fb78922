"""The real-world harness on SQLite (sa_harness_sqlite.py): one test per package × check, each clean (no known
gaps on SQLite: a failure here is new)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sa_harness as h
import sa_harness_sqlite as hs

_results: dict[str, h.Result] = {}


def _result(package: str) -> h.Result:
    if package not in _results:
        _results[package] = hs.run_package(package)
    return _results[package]


@pytest.mark.slow
@pytest.mark.parametrize("check", list(h.CHECKS), ids=[f"{c}-{h.CHECK_NAMES[c].replace(' ', '_')}" for c in h.CHECKS])
@pytest.mark.parametrize("package", sorted(h.PACKAGES))
def test_realworld_sqlite(package: str, check: str) -> None:
    findings = _result(package).findings[check]
    assert not findings, f"{package} check {check} ({h.CHECK_NAMES[check]}) on SQLite:\n  " + "\n  ".join(findings)


def test_structure_diff_sees_what_differs_and_not_the_spellings(tmp_path: Path) -> None:
    """The comparison the checks rely on: create_all's BOOLEAN / DEFAULT '0' against drizzle-kit's integer /
    DEFAULT 0 and its autoindex against a named unique index are the same; another affinity, a missing CHECK
    (column-level or not), a missing index and AUTOINCREMENT are findings."""
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    for path, ddl in [
        (a, "CREATE TABLE t (id INTEGER NOT NULL, flag BOOLEAN DEFAULT '0', n INTEGER CHECK (n > 0), "
            "email VARCHAR(20) UNIQUE, PRIMARY KEY (id)); CREATE INDEX ix_n ON t (n)"),
        (b, "CREATE TABLE `t` (`id` integer PRIMARY KEY NOT NULL, `flag` integer DEFAULT 0, `n` integer, "
            "`email` text(20), CONSTRAINT `t_check` CHECK(`n` > 0)); CREATE UNIQUE INDEX `t_email_unique` ON `t` "
            "(`email`); CREATE INDEX `ix_n` ON `t` (`n`)"),
        (c, "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, flag BOOLEAN DEFAULT '0', n TEXT, "
            "email VARCHAR(20) UNIQUE)"),
    ]:
        with sqlite3.connect(path) as con:
            con.executescript(ddl)
    assert hs.structure_diff(hs.structure(a), hs.structure(b), "s") == []
    found = hs.structure_diff(hs.structure(a), hs.structure(c), "s")
    assert [f.split(":")[1].strip().split(" - ")[0] for f in found] == [
        "t columns", "t indexes", "t checks", "t autoincrement"], found
