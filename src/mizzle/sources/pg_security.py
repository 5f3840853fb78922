"""The security objects of the schema code (mizzle.pg's Extension, Role, Policy, Grant, and a table's
info={"mizzle": {"rls": …, "force_rls": …}}) onto the model the SQLAlchemy source built. Anything that names a
table the schema does not have, a duplicate, or a value PostgreSQL refuses is a SchemaLoadError."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..errors import SchemaLoadError
from ..schema.lineage import all_columns
from ..schema.model import Schema
from ..schema.security import (
    COLUMN_PRIVILEGES,
    GRANT_TARGETS,
    PRIVILEGES,
    Extension,
    Grant,
    Policy,
    Role,
    canonical_policy,
    make_security,
    policy_problem,
)
from .loader import FoundMetaData


def with_security(model: Schema, items: list[FoundMetaData], seen: dict[tuple[str, str], tuple[Any, str]]) -> Schema:
    from ..pg import security as api

    objects = [o for item in items for o in item.objects]
    extensions = _unique([Extension(o.name, o.schema, o.version) for o in objects if isinstance(o, api.Extension)],
                         "extension")
    roles = [Role(o.name, o.create_db, o.create_role, o.inherit) for o in objects if isinstance(o, api.Role)]
    grants = [g for o in objects if isinstance(o, api.Grant) for g in _grant(o, model)]
    policies: dict[tuple[str, str], list[Policy]] = {}
    for o in (o for o in objects if isinstance(o, api.Policy)):
        if model.table(*o.table) is None:
            raise SchemaLoadError(f"policy {o.name}: no table {o.table[0]}.{o.table[1]} in the schema")
        p = canonical_policy(Policy(o.name, o.as_, o.for_, o.to, o.using, o.with_check, o.renamed_from))
        problem = policy_problem(p)
        if problem:
            raise SchemaLoadError(problem)
        policies.setdefault(o.table, []).append(p)
    tables = []
    for t in model.tables:
        info = (getattr(seen.get(t.key, (None,))[0], "info", None) or {}).get("mizzle") or {}
        mine = tuple(sorted(_unique(policies.get(t.key, []), f"policy on {t.qualified}"), key=lambda p: p.name))
        rls, force = bool(info.get("rls")), bool(info.get("force_rls"))
        tables.append(replace(t, rls=rls, force_rls=force, policies=mine) if rls or force or mine else t)
    # roles are the cluster's: none declared is not tracked (the last Role removed is not dropped)
    security = make_security(extensions, _unique(roles, "role") or None, _merge_grants(grants))
    return model.with_(tables=tables, security=security)


def _unique(items: list[Any], kind: str) -> list[Any]:
    by: dict[str, Any] = {}
    for x in items:
        if x.name in by and by[x.name] != x:
            raise SchemaLoadError(f"{kind} {x.name} is declared twice, differently")
        by[x.name] = x
    return list(by.values())


def _grant(o: Any, model: Schema) -> list[Grant]:
    """The Grants of one declaration: one, or one per column of a column privilege."""
    assert o.on in GRANT_TARGETS
    schema, name = o.target
    what = f"grant on {o.on} {name}"
    allowed = COLUMN_PRIVILEGES if o.columns else PRIVILEGES[o.on]
    bad = [p for p in o.privileges if p not in (*allowed, "ALL")]
    if bad:
        raise SchemaLoadError(f"{what}: {', '.join(bad).lower()} is not a privilege on a "
                              f"{'column' if o.columns else o.on} ({', '.join(allowed).lower()}, all)")
    privileges = allowed if "ALL" in o.privileges else o.privileges
    if o.on == "table":
        t = model.table(schema, name)
        if t is None:
            raise SchemaLoadError(f"{what}: no table {schema}.{name} in the schema")
        has = {c.name for c in all_columns(model, t)}  # a partition's or child's inherited columns too
        missing = [c for c in o.columns if c not in has]
        if missing:
            raise SchemaLoadError(f"{what}: table {schema}.{name} has no column {missing[0]}")
    if o.on == "view" and not any(v.key == (schema, name) for v in model.objects.views):
        raise SchemaLoadError(f"{what}: no view {schema}.{name} in the schema (mizzle.pg View)")
    return [Grant(o.on, schema, name, o.grantee, tuple(sorted(privileges)), o.with_grant_option, c)
            for c in o.columns or (None,)]


def _merge_grants(grants: list[Grant]) -> list[Grant]:
    """One Grant per target (and column), grantee and grant option; a privilege declared both with and without
    the grant option has it (what PostgreSQL keeps)."""
    by: dict[tuple[str, str, str, str, bool, str], tuple[Grant, set[str]]] = {}
    for g in grants:
        by.setdefault(g.key, (g, set()))[1].update(g.privileges)
    out = []
    for key, (g, privs) in by.items():
        if not g.grant_option:
            with_option = by.get((*key[:4], True, key[5]))
            privs -= with_option[1] if with_option else set()
        if privs:
            out.append(g.with_privileges(tuple(sorted(privs))))
    return out


def refuse_security(items: list[FoundMetaData], seen: dict[tuple[str, str], tuple[Any, str]], dialect: str) -> None:
    """A dialect without these kinds (SQLite): any of them declared is an error naming it."""
    from ..pg.objects import ObjectDeclaration

    for item in items:
        for o in item.objects:
            if isinstance(o, ObjectDeclaration):  # views, …: the dialect's own reader takes or refuses them
                continue
            kind = {"Policy": "policies"}.get(type(o).__name__, type(o).__name__.lower() + "s")
            raise SchemaLoadError(f"{dialect} has no {kind}: {o!r} ({item.origin}); these are PostgreSQL objects")
    for (_, name), (t, origin) in seen.items():
        info = (getattr(t, "info", None) or {}).get("mizzle") or {}
        if info.get("rls") or info.get("force_rls"):
            raise SchemaLoadError(f"{dialect} has no row-level security: table {name} ({origin}) enables it")
