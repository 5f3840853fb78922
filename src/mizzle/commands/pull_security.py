"""The security facts of a pulled model → lines of the schema module `pull` writes (mizzle.pg's declarations):
extensions, `enable_rls(table)` and policies. Loading them gives the facts back (sources/pg_security.py)."""

from __future__ import annotations

from collections.abc import Callable

from ..schema.model import Schema
from ..schema.security import Policy


def security_code(schema: Schema, table_vars: dict[tuple[str, str], str], take: Callable[[str], str],
                  text: Callable[[str], str]) -> tuple[str | None, list[str]]:
    """(the `from mizzle.pg import …` line or None, the declarations) for `schema`'s security facts;
    `take` picks a free variable name, `text` spells a Python string literal."""
    used: set[str] = set()
    body: list[str] = []
    for e in schema.security.extensions or ():
        args = [text(e.name)] + ([f"schema={text(e.schema)}"] if e.schema else [])
        body.append(f"{take(e.name + '_ext')} = Extension({', '.join(args)})")
        used.add("Extension")
    for r in schema.security.roles or ():
        args = [text(r.name)] + [f"{k}=True" for k, on in (("create_db", r.create_db), ("create_role", r.create_role))
                                 if on] + ([] if r.inherit else ["inherit=False"])
        body.append(f"{take(r.name + '_role')} = Role({', '.join(args)})")
        used.add("Role")
    for t in schema.tables:
        var = table_vars[t.key]
        if t.rls or t.force_rls:
            body.append(f"enable_rls({var}{', force=True' if t.force_rls else ''})")
            used.add("enable_rls")
        for p in t.policies:
            body.append(f"{take(p.name + '_policy')} = {_policy(p, var, text)}")
            used.add("Policy")
    if not body:
        return None, []
    return f"from mizzle.pg import {', '.join(sorted(used))}", ["", *body]


def _policy(p: Policy, var: str, text: Callable[[str], str]) -> str:
    args = [text(p.name), var]
    if p.as_ != "PERMISSIVE":
        args.append(f"as_={text(p.as_.lower())}")
    if p.for_ != "ALL":
        args.append(f"for_={text(p.for_.lower())}")
    if p.to != ("public",):
        args.append(f"to={text(p.to[0])}" if len(p.to) == 1 else f"to=[{', '.join(text(r) for r in p.to)}]")
    if p.using is not None:
        args.append(f"using={text(p.using)}")
    if p.with_check is not None:
        args.append(f"with_check={text(p.with_check)}")
    return f"Policy({', '.join(args)})"
