"""The table of canonicalisation cases (docs/canonical-forms.md): each source spelling is applied to a real
server, and the schema written with that spelling compares equal with what the server stores — without the
server (pglast rewrites, default and operator-class rules) and with it (asking the server, schema/compare.py).
A changed meaning next to each spelling must still be reported, naming both values."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from mizzle.dialects.postgres.introspect import Scope, introspect
from mizzle.schema.compare import lines
from mizzle.schema.model import Schema, make_schema

DOC = Path(__file__).resolve().parents[3] / "docs" / "canonical-forms.md"

# (kind, columns of table t, source spelling, what the server stores (as introspected), a different meaning)
CASES: list[tuple[str, str, str, str, str]] = [
    ("check", "status text", "status IN ('queued', 'done')", "status = ANY (ARRAY['queued'::text, 'done'::text])",
     "status IN ('queued', 'failed')"),
    ("check", "status text", "status NOT IN ('x', 'y')", "status <> ALL (ARRAY['x'::text, 'y'::text])",
     "status NOT IN ('x', 'z')"),
    ("check", "status text", "status IN ('x')", "status = 'x'::text", "status IN ('y')"),
    ("check", "n integer", "n BETWEEN 1 AND 5", "n >= 1 AND n <= 5", "n BETWEEN 1 AND 6"),
    ("check", "n integer", '"t"."n" > 0', "n > 0", '"t"."n" > 1'),
    ("check", "status text", "status = 'queued'::text", "status = 'queued'::text", "status = 'queue'::text"),
    ("check", "state state_type", "state <> 'SCHEDULED'", "state <> 'SCHEDULED'::state_type", "state <> 'DONE'"),
    ("check", "name text", "name LIKE 'a%'", "name ~~ 'a%'::text", "name LIKE 'b%'"),
    ("check", "name text", "name NOT ILIKE 'a%'", "name !~~* 'a%'::text", "name ILIKE 'a%'"),
    ("check", "a integer, b integer", "((a > 0) AND (b > 0)) AND a < b", "a > 0 AND b > 0 AND a < b",
     "a > 0 AND b > 0 AND a <= b"),
    ("check", "email varchar(200)", "LOWER(email) = email", "lower(email::text) = email::text", "UPPER(email) = email"),
    ("check", "lat numeric(9, 6)", "lat >= -90", "lat >= '-90'::integer::numeric", "lat >= -80"),
    ("where", "published boolean", '"t"."published" = true', "published = true", "published = false"),
    ("where", "deleted_at timestamp", "deleted_at IS NULL", "deleted_at IS NULL", "deleted_at IS NOT NULL"),
    ("expression", "title text", "TO_TSVECTOR('english', title)", "to_tsvector('english'::regconfig, title)",
     "to_tsvector('simple', title)"),
    ("expression", "email varchar(200)", "lower((email)::text)", "lower(email::text)", "upper((email)::text)"),
    ("expression_desc", "name text", "lower(name) DESC", "lower(name) desc", "lower(name)"),
    ("default", "id uuid", "GEN_RANDOM_UUID()", "gen_random_uuid()", "uuid_generate_v4()"),
    ("default", "code text", "LOWER('X')", "lower('X'::text)", "LOWER('Y')"),
    ("default", "data jsonb", """'{"b":1,"aa":[1,2.50]}'::jsonb""", """'{"b": 1, "aa": [1, 2.50]}'""",
     """'{"b":2,"aa":[1,2.50]}'::jsonb"""),
    ("default", "tags text[]", "ARRAY['a','b']::text[]", "ARRAY['a'::text, 'b'::text]", "ARRAY['a','c']::text[]"),
    ("default", "labels text[]", """'{"a","b c"}'""", """'{a,"b c"}'""", """'{"a","b"}'"""),
    ("default", "ttl interval", "'0'", "'00:00:00'", "'1'"),
    # a quoted number keeps its quotes: the server stores DEFAULT '0' on a bigint as '0'::bigint, DEFAULT 0 as 0
    ("default", "n bigint", "'0'", "'0'", "'1'"),
    ("default", "n bigint", "'-1'", "'-1'", "'-2'"),
    ("default", "source \"sourceType\"", "'github'::\"sourceType\"", "'github'", "'gitlab'::\"sourceType\""),
    ("default", "created timestamp with time zone", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", "CURRENT_DATE"),
    ("default", "at timestamp with time zone", "'1970-01-01T00:00:00.000Z'", "'1970-01-01 00:00:00+00'",
     "'1970-01-01T01:00:00.000Z'"),
    ("generated", "a integer, b integer", "A + B", "a + b", "a - b"),
    ("opclass", "id uuid", "uuid_ops", "(default)", "uuid_minmax_ops"),
    ("opclass", "at timestamp with time zone", "timestamptz_ops", "(default)", "(none: other column)"),
    ("opclass", "title text", "gin_trgm_ops", "public.gin_trgm_ops", "gin_trgm_ops on another column"),
    ("name", "account_id integer",
     "fk_" + "very_long_" * 6 + "name", ("fk_" + "very_long_" * 6 + "name")[:63], "fk_other"),
    ("identity", "id bigint", "9223372036854776000", "9223372036854775807", "9223372036854775000000"),
]

# Spellings only the server can bring to its form (implicit casts chosen by operator resolution): compared
# equal once the server is asked (drift, verify, baseline)
SERVER_CASES: list[tuple[str, str, str, str, str]] = [
    ("check", "n integer", "n / 2.0 > 1", "(n::numeric / 2.0) > 1::numeric", "n / 2.0 > 2"),
    ("check", "s varchar(10)", "s || 'x' <> 'y'", "(s::text || 'x'::text) <> 'y'::text", "s || 'x' <> 'z'"),
    ("default", "n numeric", "1 + 1.5", "(1)::numeric + 1.5", "1 + 2.5"),
]

SETUP = ("CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE TYPE state_type AS ENUM ('SCHEDULED', 'DONE'); "
         "CREATE TYPE \"sourceType\" AS ENUM ('github', 'gitlab'); CREATE TABLE other (id integer PRIMARY KEY);")


def _ddl(kind: str, cols: str, spelling: str) -> str:
    first = cols.split()[0]
    if kind == "check":
        return f"CREATE TABLE t ({cols}, CONSTRAINT t_check CHECK ({spelling}))"
    if kind == "where":
        return f"CREATE TABLE t ({cols}); CREATE INDEX t_idx ON t ({first}) WHERE {spelling}"
    if kind == "expression":
        return f"CREATE TABLE t ({cols}); CREATE INDEX t_idx ON t (({spelling}))"
    if kind == "expression_desc":
        return f"CREATE TABLE t ({cols}); CREATE INDEX t_idx ON t ({spelling})"
    if kind == "default":
        return f"CREATE TABLE t ({cols} DEFAULT {spelling})"
    if kind == "generated":
        return f"CREATE TABLE t ({cols}, g integer GENERATED ALWAYS AS ({spelling}) STORED)"
    if kind == "opclass":
        method = "gin" if "trgm" in spelling else "btree"
        return f"CREATE TABLE t ({cols}); CREATE INDEX t_idx ON t USING {method} ({first} {spelling})"
    if kind == "name":
        return f"CREATE TABLE t ({cols}, CONSTRAINT {spelling} FOREIGN KEY (account_id) REFERENCES other (id))"
    if kind == "identity":
        return f"CREATE TABLE t ({cols} GENERATED BY DEFAULT AS IDENTITY)"
    raise AssertionError(kind)


def _server_form(kind: str, live: Schema) -> str:
    t = live.table("public", "t")
    assert t is not None
    if kind == "check":
        return t.checks[0].expression
    if kind == "where":
        return t.indexes[0].where or ""
    if kind == "expression":
        return t.indexes[0].columns[0].expression
    if kind == "expression_desc":
        c = t.indexes[0].columns[0]
        return c.expression + ("" if c.asc else " desc")
    if kind == "default":
        return t.columns[0].default or ""
    if kind == "generated":
        return t.columns[-1].generated or ""
    if kind == "opclass":
        return t.indexes[0].columns[0].opclass or "(default)"
    if kind == "name":
        return t.foreign_keys[0].name
    if kind == "identity":
        ident = t.columns[0].identity
        assert ident is not None
        return ident.max_value or ""
    raise AssertionError(kind)


def _spelled(kind: str, live: Schema, spelling: str) -> Schema:
    """`live` with the one fact written in `spelling` (as schema code or a drizzle-kit snapshot has it)."""
    t = live.table("public", "t")
    assert t is not None
    if kind == "check":
        t = replace(t, checks=(replace(t.checks[0], expression=spelling),))
    elif kind == "where":
        t = replace(t, indexes=(replace(t.indexes[0], where=spelling),))
    elif kind in ("expression", "expression_desc"):
        i = t.indexes[0]
        col = replace(i.columns[0], expression=spelling, asc=True, nulls="last")
        t = replace(t, indexes=(replace(i, columns=(col,)),))
    elif kind == "default":
        t = replace(t, columns=(replace(t.columns[0], default=spelling), *t.columns[1:]))
    elif kind == "generated":
        t = replace(t, columns=(*t.columns[:-1], replace(t.columns[-1], generated=spelling)))
    elif kind == "opclass":
        i = t.indexes[0]
        if spelling.startswith("(none"):
            i = replace(i, columns=(replace(i.columns[0], expression="other_col"),))
        elif " on another column" in spelling:
            i = replace(i, columns=(replace(i.columns[0], expression="other_col", opclass=spelling.split()[0]),))
        else:
            i = replace(i, columns=(replace(i.columns[0], opclass=spelling),))
        t = replace(t, indexes=(i,))
    elif kind == "name":
        t = replace(t, foreign_keys=(replace(t.foreign_keys[0], name=spelling),))
    elif kind == "identity":
        c = t.columns[0]
        assert c.identity is not None
        t = replace(t, columns=(replace(c, identity=replace(c.identity, max_value=spelling)),))
    return make_schema(live.dialect, [t if x.name == "t" else x for x in live.tables], live.enums, live.sequences,
                       live.schemas, live.extras)


@pytest.fixture(scope="module")
def server(pg_available: bool):  # type: ignore[no-untyped-def]
    import os

    from conftest import PG_ADMIN_URL

    name = f"mzt_canon_cases_{os.getpid()}"  # one per xdist worker: two workers may each run some of the cases
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, autocommit=True) as conn:
            conn.execute(SETUP)
            yield conn
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize(("kind", "cols", "spelling", "stored", "other"), CASES,
                         ids=[f"{c[0]}:{c[2][:40]}" for c in CASES])
def test_spelling_compares_equal_with_what_the_server_stores(server, kind, cols, spelling, stored, other):  # type: ignore[no-untyped-def]
    server.execute("DROP TABLE IF EXISTS t")
    server.execute(_ddl(kind, cols, spelling))
    try:
        live = introspect(server, Scope(tables=("t", "other")))
        assert _server_form(kind, live) == stored  # the documented canonical form is the server's
        code = _spelled(kind, live, spelling)
        assert lines(code, live) == [], "offline rules"
        assert lines(code, live, conn=server) == [], "asking the server"
        if kind == "name":
            return  # a different name is matched by definition (a rename is no difference of meaning)
        changed = _spelled(kind, live, other)
        found = lines(changed, live, conn=server)
        assert len(found) == 1, found
        assert " → " in found[0] or found[0].startswith(("+ ", "- ")), found
    finally:
        server.execute("DROP TABLE IF EXISTS t")


@pytest.mark.parametrize(("kind", "cols", "spelling", "stored", "other"), SERVER_CASES,
                         ids=[f"{c[0]}:{c[2][:40]}" for c in SERVER_CASES])
def test_spelling_the_server_resolves(server, kind, cols, spelling, stored, other):  # type: ignore[no-untyped-def]
    server.execute("DROP TABLE IF EXISTS t")
    server.execute(_ddl(kind, cols, spelling))
    try:
        live = introspect(server, Scope(tables=("t", "other")))
        assert _server_form(kind, live) == stored
        code = _spelled(kind, live, spelling)
        assert lines(code, live, conn=server) == []
        found = lines(_spelled(kind, live, other), live, conn=server)
        assert len(found) == 1 and " → " in found[0], found
        # the transaction that asked was rolled back: nothing of it is left on the server
        assert server.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'mz\\_canon\\_%'").fetchone() == (0,)
    finally:
        server.execute("DROP TABLE IF EXISTS t")


def test_the_docs_table_lists_every_case() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = {tuple(c.strip().strip("`").replace("\\|", "|") for c in re.split(r"(?<!\\)\|", r.strip()[1:-1])[:3])
            for r in text.splitlines() if r.startswith("| ") and not r.startswith("| kind")}
    for kind, _, spelling, stored, _ in CASES + SERVER_CASES:
        assert (kind, spelling, stored) in rows, f"docs/canonical-forms.md lacks {kind}: {spelling}"
    assert not re.search(r"TODO", text)
