"""The server's form of a grant to the role that owns its object: what the owner does not hold already. An owner
holds every privilege on what it owns, with the grant option (unless it revoked some from itself), and
introspection reads no grant to an owner: its entry in the ACL is ownership, not a grant. A grant whose grantee
is not the owner where it was pulled becomes one where mizzle creates the object as that role (supabase's
storage tables, owned by an admin role and granted to postgres: migrated as postgres, postgres owns them), and
drift and verify read `- grant … to postgres` although postgres holds all of it. One query, made only when an
expected grant is missing from the database."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...schema.model import Schema
from ...schema.security import Grant, make_security

# the owner's privileges on each object named (its default ones where the ACL was never set), when it is the grantee
_Q_OWNER_HOLDS = """
SELECT o.no, a.privilege_type, a.is_grantable
FROM unnest(%(no)s::int[], %(on)s::text[], %(schema)s::text[], %(name)s::text[], %(grantee)s::text[])
       AS o(no, on_, schema_, name_, grantee)
JOIN pg_namespace n ON n.nspname = o.schema_
LEFT JOIN pg_class c ON o.on_ <> 'schema' AND c.relnamespace = n.oid AND c.relname = o.name_,
LATERAL (SELECT CASE WHEN o.on_ = 'schema' THEN n.nspowner ELSE c.relowner END AS owner) w,
LATERAL aclexplode(CASE WHEN o.on_ = 'schema' THEN coalesce(n.nspacl, acldefault('n'::"char", n.nspowner))
                        ELSE coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char",
                                                           c.relowner)) END) a
WHERE a.grantee = w.owner AND pg_get_userbyid(w.owner) = o.grantee
"""


def owner_grant_forms(conn: Any, expected: Schema, actual: Schema) -> Schema:
    """`expected` without the privileges its grants give a role that owns their object in the database at `conn`
    (a grant left with none is dropped)."""
    mine, theirs = expected.security.grants, actual.security.grants
    if not mine or theirs is None:
        return expected
    live = set(theirs)
    missing = [(no, g) for no, g in enumerate(mine) if g not in live and g.grantee != "public"]
    if not missing:
        return expected
    rows = conn.execute(_Q_OWNER_HOLDS, {
        "no": [no for no, _ in missing], "on": [g.on for _, g in missing], "schema": [g.schema for _, g in missing],
        "name": [g.name for _, g in missing], "grantee": [g.grantee for _, g in missing]}).fetchall()
    if not rows:
        return expected
    held: dict[int, dict[str, bool]] = {}
    for no, privilege, grantable in rows:
        held.setdefault(no, {})[privilege] = bool(grantable)
    grants: list[Grant] = []
    for no, g in enumerate(mine):
        has = held.get(no)
        if has is None:
            grants.append(g)
            continue
        lacking = tuple(p for p in g.privileges if p not in has or (g.grant_option and not has[p]))
        if lacking:
            grants.append(g.with_privileges(lacking))
    s = expected.security
    return replace(expected, security=make_security(s.extensions, s.roles, grants))
