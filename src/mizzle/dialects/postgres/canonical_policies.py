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
    script: list[str] = []
    jobs: dict[str, tuple[int, str]] = {}  # temp policy name → (table no, policy name)
    for no, t in enumerate(expected.tables):
        a = actual.table(t.schema, t.name)
        if a is None or not t.policies:
            continue
        live = {p.name: p for p in a.policies}
        mine = [p for p in t.policies if _differs(p, live.get(p.name))]
        if not mine:
            continue
        tmp = f"mz_canon_pol_{no}"
        script.append(f"CREATE TEMP TABLE {tmp} (LIKE {_qi(a.schema)}.{_qi(a.name)});")
        for p in mine:
            name = f"mz_p_{len(jobs)}"
            sql = f"CREATE POLICY {name} ON pg_temp.{tmp}" + (f" USING ({p.using})" if p.using else "") + (
                f" WITH CHECK ({p.with_check})" if p.with_check else "")
            script.append(f"DO $mzp$BEGIN EXECUTE {_literal(sql)}; EXCEPTION WHEN others THEN NULL; END$mzp$;")
            jobs[name] = (no, p.name)
    if not jobs:
        return expected
    with conn.transaction(force_rollback=True):
        conn.execute("\n".join(script), prepare=False)
        rows = conn.execute(_READ, {"names": list(jobs)}).fetchall()
    forms = {jobs[name]: (using, check) for name, using, check in rows if name in jobs}
    tables = [_apply(no, t, forms) for no, t in enumerate(expected.tables)]
    return replace(expected, tables=tuple(tables))


_READ = """
SELECT p.polname, pg_get_expr(p.polqual, p.polrelid, true), pg_get_expr(p.polwithcheck, p.polrelid, true)
FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
WHERE p.polname = ANY(%(names)s) AND c.relpersistence = 't' AND pg_table_is_visible(c.oid)
"""


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
