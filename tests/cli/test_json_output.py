"""Every command's `--json` prints one valid JSON document on stdout holding the fields the docs document.

The documented fields are read from the JSON output reference page itself (docs/reference/json-output.md: the
"`--json`: `{…}`" shape in each command's section, and "`--json` with `--FLAG`: `{…}`" variants), so the docs and
this test cannot drift apart: a command in COMMANDS without a documented shape fails, and so does a documented
shape that no run below exercises."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mizzle_fork
import psycopg
import pytest

from mizzle.cli import COMMANDS

JSON_DOC = Path(__file__).resolve().parents[2] / "docs" / "reference" / "json-output.md"

# -- the documented shapes -------------------------------------------------------------------------------------

# field name → None (a value) or the shape of the object it holds (directly, or as the items of a list)
Shape = dict[str, "Field"]


@dataclass
class Field:
    nested: Shape | None = None
    is_list: bool = False


def parse_shape(text: str) -> Shape:
    """`{a, b: {c}, d: [{e, f}]}` → a Shape. Parenthesised remarks (`tracking_row (insert|update|keep)`) are
    ignored."""
    tokens = re.findall(r"[A-Za-z_][A-Za-z0-9_]*|[{}\[\]:,]", re.sub(r"\([^)]*\)", "", text.replace("\\|", "|")))
    pos = 0

    def take(expected: str | None = None) -> str:
        nonlocal pos
        tok = tokens[pos]
        if expected is not None and tok != expected:
            raise ValueError(f"documented shape {text!r}: expected {expected!r} at token {pos} ({tok!r})")
        pos += 1
        return tok

    def obj() -> Shape:
        take("{")
        out: Shape = {}
        while tokens[pos] != "}":
            name = take()
            f = Field()
            if tokens[pos] == ":":
                take(":")
                if tokens[pos] == "[":
                    take("[")
                    f = Field(obj() if tokens[pos] == "{" else None, is_list=True)
                    take("]")
                else:
                    f = Field(obj())
            out[name] = f
            if tokens[pos] == ",":
                take(",")
        take("}")
        return out

    shape = obj()
    assert pos == len(tokens), f"documented shape {text!r}: trailing tokens {tokens[pos:]}"
    return shape


def documented_shapes() -> dict[tuple[str, str | None], Shape]:
    """(command, variant flag or None) → documented shape, from the `## COMMAND` sections of the JSON output page."""
    text = JSON_DOC.read_text(encoding="utf-8")
    out: dict[tuple[str, str | None], Shape] = {}
    for section in text.split("\n## ")[1:]:
        heading, _, what = section.partition("\n")
        m = re.fullmatch(r"([a-z-]+)", heading.strip())
        assert m, f"{JSON_DOC.name}: section {heading!r} is not a command name"
        name = m.group(1)
        primary = re.search(r"`--json`(?: \([^)]*\))?: `(\{[^`]*\})`", what)
        if primary:
            out[(name, None)] = parse_shape(primary.group(1))
        for v in re.finditer(r"`--json` with `(--[a-z-]+)`: `(\{[^`]*\})`", what):
            out[(name, v.group(1))] = parse_shape(v.group(2))
    return out


def test_every_command_documents_its_json() -> None:
    shapes = documented_shapes()
    missing = [c for c in COMMANDS if (c, None) not in shapes]
    assert not missing, (f"no \"`--json`: `{{…}}`\" shape in {JSON_DOC.name} for: " + ", ".join(missing))


def test_shape_parser() -> None:
    s = parse_shape("{a, b: [{c, d (x\\|y)}], e: {f}, g: []}")
    assert set(s) == {"a", "b", "e", "g"} and s["b"].is_list and set(s["b"].nested or {}) == {"c", "d"}
    assert s["e"].nested is not None and set(s["e"].nested) == {"f"} and s["g"].is_list and s["g"].nested is None


# -- checking real output against them -------------------------------------------------------------------------

@dataclass
class Coverage:
    seen: set[tuple[str, str | None]] = field(default_factory=set)
    # documented nested shapes (command, variant, path) seen holding at least one object
    filled: set[tuple[str, str | None, str]] = field(default_factory=set)
    nested: set[tuple[str, str | None, str]] = field(default_factory=set)


def check_fields(doc: Any, shape: Shape, where: str, key: tuple[str, str | None], cov: Coverage) -> None:
    assert isinstance(doc, dict), f"{where}: expected an object, got {type(doc).__name__}"
    absent = [f for f in shape if f not in doc]
    assert not absent, f"{where}: documented field(s) {absent} missing from the output (keys: {sorted(doc)})"
    for name, f in shape.items():
        if f.nested is None:
            if f.is_list:
                assert isinstance(doc[name], list), f"{where}.{name}: expected a list"
            continue
        path = f"{where}.{name}" + ("[]" if f.is_list else "")
        cov.nested.add((*key, path))
        items = doc[name] if f.is_list else [doc[name]]
        if f.is_list:
            assert isinstance(items, list), f"{path}: expected a list, got {type(items).__name__}"
        for item in items:
            if item is None:
                continue
            cov.filled.add((*key, path))
            check_fields(item, f.nested, path, key, cov)


@dataclass
class Runner:
    env: dict[str, str]
    shapes: dict[tuple[str, str | None], Shape]
    cov: Coverage = field(default_factory=Coverage)

    def __call__(self, cwd: Path, *args: str, variant: str | None = None, code: int = 0) -> dict[str, Any]:
        p = mizzle_fork.run([*args, "--json"], cwd=cwd, env=self.env, timeout=120)
        cmd = args[0]
        assert p.returncode == code, f"mizzle {' '.join(args)} --json: exit {p.returncode}\n{p.stderr}"
        try:
            doc = json.loads(p.stdout)
        except json.JSONDecodeError as e:
            raise AssertionError(f"mizzle {' '.join(args)} --json: stdout is not one JSON document ({e}):\n"
                                 f"{p.stdout[:500]}") from None
        key = (cmd, variant)
        assert key in self.shapes, f"`mizzle {cmd}` ({variant or 'default'}) has no documented --json shape"
        check_fields(doc, self.shapes[key], f"{cmd}{' ' + variant if variant else ''}", key, self.cov)
        self.cov.seen.add(key)
        return doc


def _apply(url: str, sql: str) -> None:
    from mizzle.migrations.folder import split_statements

    with psycopg.connect(url, autocommit=True) as c:
        for st in split_statements(sql):
            c.execute(st.sql)


def _wrangler_status(run: Runner, root: Path) -> None:
    import sqlite3

    root.mkdir()
    (root / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["models.py"]\nout = "migrations"\n')
    (root / "models.py").write_text("import sqlalchemy as sa\nmd = sa.MetaData()\n"
                                    "t = sa.Table('t', md, sa.Column('id', sa.Integer, primary_key=True))\n")
    run(root, "generate", "--name", "init")
    with sqlite3.connect(root / "d1.sqlite") as c:
        c.execute("CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, "
                  "applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)")
        c.executescript((root / "migrations" / "0000_init.sql").read_text())
        c.execute("INSERT INTO d1_migrations (name) VALUES ('0000_init.sql')")
    assert run(root, "status", "--url", f"sqlite:///{root / 'd1.sqlite'}")["other_history"]["last"] == "0000_init"


@pytest.mark.pg
def test_every_commands_json_has_the_documented_fields(tmp_path: Path, pg_url: Callable[..., str]) -> None:
    shapes = documented_shapes()
    db, other = pg_url("mzjson"), pg_url("mzjson")
    server = db.rsplit("/", 1)[0] + "/postgres"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIZZLE_")}
    env.update(DATABASE_URL=db, MIZZLE_ACTOR="json-test")
    run = Runner(env, shapes)
    root = tmp_path / "app"
    root.mkdir()
    folder = root / "app" / "db" / "migrations"

    run(root, "init", "--dialect", "postgresql")
    run(root, "generate", "--name", "first")
    schema = root / "app" / "db" / "schema.py"
    schema.write_text(schema.read_text().replace("    body: Mapped[str | None] = mapped_column(sa.Text)\n", ""))
    gen = run(root, "generate", "--name", "second")
    assert gen["lint"], "dropping posts.body should give a lint finding (MZ102)"
    ddl = run(root, "export")
    assert run(root, "lint")["findings"]
    run(root, "check")
    run(root, "check", "--fix", variant="--fix")
    run(root, "migrate")
    run(root, "status")
    run(root, "drift")
    run(root, "verify", "--scratch-url", server)
    run(root, "revert", "0001_second")
    run(root, "drop")
    run(root, "mark", "0001_second", "--rolled-back", "--reason", "json test")
    # push builds a third database from the schema code; protect marks it
    third = pg_url("mzjson")
    assert run(root, "push", "--force", "--url", third)["applied"]
    assert run(root, "protect", "--url", third)["changed"]
    # status again: 0001_second's audit entry (the mark) and the protection mark fill their nested fields
    run(root, "status")
    run(root, "status", "--url", third)
    # a database that already holds the schema (built from export's DDL): baseline, then pull from it
    _apply(other, ddl["sql"])
    run(root, "baseline", "--url", other)
    pulled = tmp_path / "pulled"
    pulled.mkdir()
    (pulled / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "db/migrations"\n')
    run(pulled, "pull", "--url", other, "--no-mark")
    (folder / "meta" / "0001_snapshot.json").unlink()
    assert run(root, "check", "--rebuild-snapshots", "--scratch-url", server,
               variant="--rebuild-snapshots")["rebuilt"] == ["0001_second"]
    # a branch merge left two 0005 migrations (built as tests/test_rebase.py does)
    from test_rebase import branches, merge_by_copying

    a, b = branches(tmp_path / "branches")
    merged = merge_by_copying(a, b, tmp_path / "merged")
    assert run(merged, "rebase")["renumbered"]
    # a SQLite database `wrangler d1 migrations apply` built (test_wrangler_d1_history.py): status's other_history
    _wrangler_status(run, tmp_path / "d1")
    # the project's journal folder converted to drizzle-kit 1.x's layout
    assert run(root, "up")["converted"]

    documented = set(shapes)
    unrun = sorted(f"{c} {v or ''}".strip() for c, v in documented - run.cov.seen)
    assert not unrun, f"documented --json shapes no run here exercises (add them to this test): {unrun}"
    empty = sorted(run.cov.nested - run.cov.filled)
    assert not empty, f"documented nested fields never filled by a run here, so never checked: {empty}"
