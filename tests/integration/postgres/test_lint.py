"""mizzle lint: the corpus (each file declares the rule hits it expects), folder context, ignores, the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mizzle.lint import RULES, LintContext, lint_file, load_rules

CORPUS = Path(__file__).parents[2] / "lint_corpus"
FILES = sorted(CORPUS.glob("*.sql"))


def expected(path: Path) -> list[str]:
    m = re.search(r"^-- expect: (.*)$", path.read_text(), re.M)
    assert m, f"{path.name}: no `-- expect:` header"
    spec = m.group(1).strip()
    return [] if spec == "none" else sorted(s.strip() for s in spec.split(","))


def test_corpus_is_big_enough() -> None:
    assert len(FILES) >= 40
    assert sum(1 for f in FILES if not expected(f)) >= 15  # good files
    hit = {r for f in FILES for r in expected(f)}
    assert hit == set(load_rules()), f"rules without a corpus file: {set(load_rules()) - hit}"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_corpus_file(path: Path) -> None:
    findings = lint_file(path)
    assert sorted(f.rule for f in findings) == expected(path), "\n".join(map(str, findings))
    for f in findings:
        assert f.file == str(path) and f.line and f.severity == RULES[f.rule].severity
        assert "\n" not in f.message and RULES[f.rule].fix in f.message or f.rule == "MZ002"


def test_unchecked_parse_builds_the_same_trees() -> None:
    """lint parses with pglast's per-attribute checks off (source.parse_sql): the trees must be the same, down to
    each value's type (the serialised form spells enum members apart from plain ints), and the checks back on."""
    import pglast
    from pglast import ast

    from mizzle.lint.source import parse_sql

    texts = [f.read_text() for f in FILES] + [
        "CREATE TABLE t (id serial PRIMARY KEY, a numeric(12, 2) DEFAULT 0 NOT NULL, b int[] CHECK (b <> '{}'))"]
    parsed = 0
    for text in texts:
        try:
            checked = pglast.parse_sql(text)
        except pglast.parser.ParseError:
            continue
        unchecked = parse_sql(text)
        assert [n() for n in unchecked] == [n() for n in checked]
        parsed += 1
    assert parsed >= 40
    assert ast.Node.__setattr__ is not object.__setattr__
    with pytest.raises(ValueError):
        ast.RangeVar(relname=42)


def test_finding_positions() -> None:
    findings = lint_file(CORPUS / "bad_29_syntax_error_second_statement.sql")
    assert [(f.rule, f.statement, f.line) for f in findings] == [("MZ001", 2, 4)]
    assert "syntax error at or near" in findings[0].message
    text = "SELECT 1;\n--> statement-breakpoint\n\n-- why\nDROP TABLE x;\n"
    [f] = lint_file(text, LintContext(file="t.sql"))
    assert (f.file, f.statement, f.line, f.severity) == ("t.sql", 2, 5, "error")
    assert str(f).startswith("t.sql:5: error MZ101 (statement 2): DROP TABLE public.x")


def test_ignore_semantics() -> None:
    # file-wide: in the header, separated from the first statement by a blank line
    assert lint_file("-- mizzle:lint-ignore MZ101\n\nDROP TABLE a;\n--> statement-breakpoint\nDROP TABLE b;") == []
    # right above the first statement: that statement only
    found = lint_file("-- mizzle:lint-ignore MZ101\nDROP TABLE a;\n--> statement-breakpoint\nDROP TABLE b;")
    assert [(f.rule, f.statement) for f in found] == [("MZ101", 2)]
    # a comment line between the directive and the statement is fine; lowercase ids and reasons too
    assert lint_file("SELECT 1;\n--> statement-breakpoint\n-- mizzle:lint-ignore mz101 -- backed up\n-- ok\n"
                     "DROP TABLE a;") == []


def test_folder_context_uses_previous_snapshot(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """In a migrations folder, the snapshot before the file says which tables exist and their types."""
    import pg_history
    from pg_project import fresh_config, write_project

    from mizzle.commands.generate import generate

    for n in range(1, len(pg_history.STEPS) + 1):
        write_project(tmp_path, pg_history.step(n))
        generate(fresh_config(tmp_path), name=f"step{n}", renames=pg_history.RENAMES.get(n, {}))
    all_files = sorted((tmp_path / "migrations").glob("*.sql"))
    files = [all_files[0], all_files[2], all_files[7]]
    assert [f.rule for f in lint_file(files[0])] == []  # the first migration: nothing existed
    step3 = {(f.rule, f.message.split(";")[0]) for f in lint_file(files[1])}
    # known old types: integer → bigint rewrites; varchar(40) → varchar(80) is safe; text → varchar(200) narrows
    assert ("MZ104", "type of public.users.legacy changed from integer to bigint") in step3
    assert ("MZ105", "type of public.posts.title narrowed from text to varchar(200)") in step3
    assert not any("nickname" in m for r, m in step3 if r in ("MZ104", "MZ105"))
    assert ("MZ202", "SET NOT NULL on public.users.nickname") in step3
    # lint of the lone text of the same file knows no types: every type change may rewrite
    lone = lint_file(files[1].read_text())
    assert any(f.rule == "MZ104" and "unknown" in f.message and "nickname" in f.message for f in lone)
    step8 = sorted({f.rule for f in lint_file(files[2])})
    assert {"MZ101", "MZ102"} <= set(step8)

    # the CLI: the whole folder (config), --json, --strict
    r = run_mizzle(["lint"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "error MZ101" in r.stdout and r.stdout.strip().splitlines()[-1].startswith("lint: ")
    r = run_mizzle(["lint", "--json", str(files[0])], cwd=tmp_path)
    assert r.code == 0 and json.loads(r.stdout) == {"files": 1, "errors": 0, "warnings": 0, "findings": []}
    r = run_mizzle(["lint", "--strict", str(files[2])], cwd=tmp_path)
    assert r.code == 6 and r.first_error_line.startswith("error: lint: ") and "MZ10" in r.first_error_line
    r = run_mizzle(["lint", "--strict", str(files[0])], cwd=tmp_path)
    assert r.code == 0 and "no findings" in r.stdout
    r = run_mizzle(["lint", "nope.sql"], cwd=tmp_path)
    assert r.code == 2 and "nope.sql: no such file" in r.first_error_line
