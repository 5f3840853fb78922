"""The security facts of a pulled model → lines of the schema module `pull` writes (mizzle.pg's declarations):
extensions, grants, `enable_rls(table)` and policies. Loading them gives the facts back (sources/pg_security.py)."""

from __future__ import annotations

from collections.abc import Callable

from ..schema.model import Schema
from ..schema.security import Grant, Policy


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
    for g, columns in _by_columns(schema.security.grants or ()):
        body.append(f"{take(f'{g.name}_{g.grantee}_grant' + ('_option' if g.grant_option else ''))} = "
                    f"{_grant(g, columns, table_vars, text)}")
        used.add("Grant")
    for t in schema.tables:
        var = table_vars[t.key]
        if t.rls:
            body.append(f"enable_rls({var}{', force=True' if t.force_rls else ''})")
            used.add("enable_rls")
        elif t.force_rls:  # FORCE without ENABLE
            body.append(f"force_rls({var})")
            used.add("force_rls")
        for p in t.policies:
            body.append(f"{take(p.name + '_policy')} = {_policy(p, var, text)}")
            used.add("Policy")
    if not body:
        return None, []
    return f"from mizzle.pg import {', '.join(sorted(used))}", ["", *body]


def _by_columns(grants: tuple[Grant, ...]) -> list[tuple[Grant, list[str]]]:
    """Each grant with the columns of the column privileges it stands for: the same privileges of one table to
    one grantee on several columns are one declaration (`columns=[...]`)."""
    out: dict[tuple[object, ...], tuple[Grant, list[str]]] = {}
    for g in grants:
        key = (g.on, g.schema, g.name, g.grantee, g.grant_option, g.privileges, g.column is None,
               g.column if g.column is None else "")
        out.setdefault(key, (g, []))[1].extend([g.column] if g.column is not None else [])
    return list(out.values())


def _grant(g: Grant, columns: list[str], table_vars: dict[tuple[str, str], str], text: Callable[[str], str]) -> str:
    privs = text(g.privileges[0].lower()) if len(g.privileges) == 1 else \
        f"[{', '.join(text(p.lower()) for p in g.privileges)}]"
    if g.on == "schema":
        target = f"schema={text(g.name)}"
    elif g.on == "view":
        target = f"view={text(f'{g.schema}.{g.name}')}"
    elif g.on == "table" and (g.schema, g.name) in table_vars:
        target = f"on={table_vars[(g.schema, g.name)]}"
    else:
        target = f"{'on' if g.on == 'table' else 'sequence'}={text(f'{g.schema}.{g.name}')}"
    if columns:
        target += f", columns=[{', '.join(text(c) for c in columns)}]"
    option = ", with_grant_option=True" if g.grant_option else ""
    return f"Grant({privs}, {target}, to={text(g.grantee)}{option})"


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
