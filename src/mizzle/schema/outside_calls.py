"""Functions the schema calls in a schema no migration makes (Supabase's `auth.uid()` in a default or a policy):
the statement fails where the database has no such function, and nothing in the folder says so. Dialect-neutral:
what an expression calls is the dialect reader's `functions`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .changes import table_label
from .model import Schema
from .objects import body_statements, is_standard_body

_SYSTEM = ("pg_catalog", "information_schema")


def expressions(s: Schema) -> Iterator[tuple[str, str]]:
    """(where, SQL text) of every expression, query and SQL body the schema holds."""
    for t in s.tables:
        on = table_label(t.key)
        for c in t.columns:
            for what, sql in (("default", c.default), ("generated expression", c.generated)):
                if sql:
                    yield f"{what} of {on}.{c.name}", sql
        for ck in t.checks:
            yield f"check {ck.name} on {on}", ck.expression
        for ix in t.indexes:
            for sql in [ic.expression for ic in ix.columns if ic.is_expression] + [ix.where or ""]:
                if sql:
                    yield f"index {ix.name} on {on}", sql
        for p in t.policies:
            for sql in (p.using, p.with_check):
                if sql:
                    yield f"policy {p.name} on {on}", sql
    for v in s.objects.views:
        yield f"view {table_label((v.schema, v.name))}", v.definition
    for r in s.objects.routines:
        if r.language == "sql":  # a SQL-standard body as the statements it runs (`RETURN e`: `SELECT e`)
            yield f"function {table_label((r.schema, r.name))}", body_statements(r.body)


def made_schemas(s: Schema) -> set[str]:
    """The schemas the migrations make or put something in."""
    out = {"public", *s.schemas, *(t.schema for t in s.tables), *(e.schema for e in s.enums),
           *(q.schema for q in s.sequences), *(o.schema for o in s.objects.all())}
    return out | {e.schema for e in s.security.extensions or () if e.schema}


def calls_outside(reader: Any, old: Schema, new: Schema, bodies_checked: bool = True) -> list[str]:
    """A warning per function of a schema `new` does not make (not the system catalogs) that `new` calls and `old`
    did not: named where first used, as a collation the server lacks is. `bodies_checked` False: the SQL makes
    functions with their bodies' check off (pull's baseline, as pg_dump), so a call in a quoted body fails only
    when the function runs."""
    made = made_schemas(new)
    unchecked = set() if bodies_checked else {
        f"function {table_label((r.schema, r.name))}" for r in new.objects.routines
        if r.language == "sql" and not is_standard_body(r.body)}

    def calls(s: Schema) -> dict[tuple[str, str], list[str]]:
        out: dict[tuple[str, str], list[str]] = {}
        for where, sql in expressions(s):
            # speed: a call qualified by its schema has a dot (most defaults, `now()` or `'x'`, are not parsed)
            for fn in sorted(reader.functions(sql)) if "." in sql else ():
                if fn[0] not in made and fn[0] not in _SYSTEM and where not in out.get(fn, []):
                    out.setdefault(fn, []).append(where)
        return out

    now = calls(new)
    if not now:
        return []
    before = calls(old)
    return [f"{', '.join(where[:3])}{' …' if len(where) > 3 else ''} calls {fn[0]}.{fn[1]}(), in schema {fn[0]}, "
            "which no migration makes: " + (
                "the function fails when it is called where the database has no such function (its body is not "
                "checked when it is made)" if set(where) <= unchecked else
                "the statement fails where the database has no such function")
            for fn, where in now.items() if fn not in before]


def _queries(s: Schema) -> Iterator[tuple[str, str, str]]:
    """(where, its schema, SQL text) of every view's query and SQL function's body (a standard body's statements)."""
    for v in s.objects.views:
        yield f"{'materialized view' if v.materialized else 'view'} {table_label((v.schema, v.name))}", v.schema, \
            v.definition
    for r in s.objects.routines:
        if r.language == "sql":
            yield f"function {table_label((r.schema, r.name))}", r.schema, body_statements(r.body)


def reads_outside(reader: Any, old: Schema, new: Schema) -> list[str]:
    """A warning per table or view of a schema `new` does not make (not the system catalogs) that a view or SQL
    function of `new` reads and `old` did not (pgflow's ensure_workers, reading `vault.decrypted_secrets`): the
    CREATE VIEW, or the CREATE FUNCTION with its body checked, fails where the database has no such relation."""
    made = made_schemas(new)

    def reads(s: Schema) -> dict[tuple[str, str], list[str]]:
        out: dict[tuple[str, str], list[str]] = {}
        for where, schema, sql in _queries(s):
            # speed: a relation of another schema is named with its schema, so the query has a dot
            for rel in sorted(reader.relations(sql, schema)) if "." in sql and reader.parses(sql) else ():
                if rel[0] not in made and rel[0] not in _SYSTEM and not rel[0].startswith("pg_") \
                        and where not in out.get(rel, []):
                    out.setdefault(rel, []).append(where)
        return out

    now = reads(new)
    before = reads(old) if now else {}
    return [f"{', '.join(where[:3])}{' …' if len(where) > 3 else ''} reads {rel[0]}.{rel[1]}, in schema {rel[0]}, "
            "which no migration makes: the statement fails where the database has no such table or view"
            for rel, where in now.items() if rel not in before]
