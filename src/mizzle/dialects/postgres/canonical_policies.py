"""Ask the server how it stores a policy's expressions (the canonical_server.py way, for policies): each policy
of an expected model whose USING or WITH CHECK does not already match the live one is made on a temporary copy
of the live table, inside a transaction that is rolled back, and read back as `pg_get_expr` prints it (what
introspection reads). One script and one query. An expression the server refuses stays as written."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...schema.model import Schema, Table
from ...schema.security import Policy
from .expressions import expression_key


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _differs(p: Policy, live: Policy | None) -> bool:
    if live is None:
        return False
    return expression_key(p.using) != expression_key(live.using) or \
        expression_key(p.with_check) != expression_key(live.with_check)


def policy_forms(conn: Any, expected: Schema, actual: Schema) -> Schema:
    """`expected` with each differing policy expression replaced by the server's own form of it."""
    script: list[str] = [f"CREATE TEMP TABLE {_FORMS} (name text, using_ text, check_ text);"]
    jobs: dict[str, tuple[int, str]] = {}  # temp policy name → (table no, policy name)
    names = [t.name for t in expected.tables]
    for no, t in enumerate(expected.tables):
        a = actual.table(t.schema, t.name)
        if a is None or not t.policies:
            continue
        live = {p.name: p for p in a.policies}
        mine = [p for p in t.policies if _differs(p, live.get(p.name))]
        if not mine:
            continue
        # the copy takes the table's own name when no other table has it (the temporary schema comes first on the
        # search path): drizzle-kit writes a policy's columns qualified, `"users"."id" = …`, which must resolve.
        # Its forms are read, and it is dropped, before the next copy: a subquery reading another table must
        # find that table, not its copy
        tmp = "pg_temp." + (_qi(t.name) if names.count(t.name) == 1 else f"mz_canon_pol_{no}")
        script.append(f"CREATE TEMP TABLE {tmp.removeprefix('pg_temp.')} (LIKE {_qi(a.schema)}.{_qi(a.name)});")
        for p in mine:
            name = f"mz_p_{len(jobs)}"
            sql = f"CREATE POLICY {name} ON {tmp}" + (f" USING ({p.using})" if p.using else "") + (
                f" WITH CHECK ({p.with_check})" if p.with_check else "")
            script.append(f"DO $mzp$BEGIN EXECUTE {_literal(sql)}; EXCEPTION WHEN others THEN NULL; END$mzp$;")
            jobs[name] = (no, p.name)
        script.append(f"INSERT INTO {_FORMS} SELECT polname, pg_get_expr(polqual, polrelid, true), "
                      f"pg_get_expr(polwithcheck, polrelid, true) FROM pg_policy WHERE polrelid = "
                      f"{_literal(tmp)}::regclass; DROP TABLE {tmp};")
    if not jobs:
        return expected
    with conn.transaction(force_rollback=True):
        conn.execute("\n".join(script), prepare=False)
        rows = conn.execute(f"SELECT name, using_, check_ FROM {_FORMS}").fetchall()
    forms = {jobs[name]: (using, check) for name, using, check in rows if name in jobs}
    tables = [_apply(no, t, forms) for no, t in enumerate(expected.tables)]
    return replace(expected, tables=tuple(tables))


_FORMS = "pg_temp.mz_canon_pol_forms"


def _apply(no: int, t: Table, forms: dict[tuple[int, str], tuple[str | None, str | None]]) -> Table:
    if not any(k[0] == no for k in forms):
        return t
    policies = []
    for p in t.policies:
        got = forms.get((no, p.name))
        if got is not None:
            p = replace(p, using=got[0] if p.using else None, with_check=got[1] if p.with_check else None)
        policies.append(p)
    return replace(t, policies=tuple(policies))


_SESSION_ROLES = ("current_role", "current_user", "session_user")


def _resolved_to(expected: tuple[str, ...], live: tuple[str, ...]) -> tuple[str, ...]:
    """`expected`'s roles, where it names the session's role (`TO current_role`, drizzle-kit's own tests), as the
    live policy's: PostgreSQL stores the role the creating session had, a name `expected` cannot know. They are
    the same when the live roles are `expected`'s named ones plus at most one role per such word."""
    words = [r for r in expected if r.lower() in _SESSION_ROLES]
    named = set(expected) - set(words)
    rest = set(live) - named
    if words and named <= set(live) and 1 <= len(rest) <= len(words) and "public" not in rest:
        return live
    return expected


def session_roles_resolved(expected: Schema, actual: Schema) -> Schema:
    """`expected` with each policy `TO current_role` (`current_user`, `session_user`) naming the role the live
    policy holds for it (see _resolved_to); drift and verify compared `current_role` with `postgres`."""
    tables, changed = [], False
    for t in expected.tables:
        a = actual.table(t.schema, t.name)
        live = {p.name: p for p in a.policies} if a is not None else {}
        pols = tuple(replace(p, to=_resolved_to(p.to, live[p.name].to)) if p.name in live else p for p in t.policies)
        if pols != t.policies:
            t, changed = replace(t, policies=pols), True
        tables.append(t)
    return expected.with_(tables=tables) if changed else expected
