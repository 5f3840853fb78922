"""A live database's security facts onto its introspected model: each table's row-level security flags and
policies (expressions as `pg_get_expr` prints them), the database's extensions (but plpgsql, which every
database has), and the privileges granted on its tables, views, sequences and schemas (and on the columns of
tables and views) to roles other than their owner
(but PUBLIC's USAGE on schema public, which every database is created with: unmanaged.py lists it where it was
revoked), and the roles those policies and grants name
(drizzle-kit's attributes; not `public`, nor PostgreSQL's own pg_* roles). Roles are the cluster's: the
others are not read, and a database whose policies and grants name none leaves roles untracked (None)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

from ...schema.diff_security import referenced_roles
from ...schema.model import Schema, Table
from ...schema.security import Extension, Grant, Policy, Role, canonical_policy, make_security
from .expressions import faithful

_COMMANDS = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}

_Q_RLS = """
SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY(%(ns)s)
  AND (c.relrowsecurity OR c.relforcerowsecurity)
"""

_Q_POLICIES = """
SELECT n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd,
       CASE WHEN p.polroles = '{0}' THEN ARRAY['public']::text[]
            ELSE ARRAY(SELECT r.rolname::text FROM pg_roles r WHERE r.oid = ANY(p.polroles) ORDER BY r.rolname) END,
       pg_get_expr(p.polqual, p.polrelid, true), pg_get_expr(p.polwithcheck, p.polrelid, true),
       pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relnamespace = ANY(%(ns)s)
ORDER BY n.nspname, c.relname, p.polname
"""

_GRANTEE = "CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END"
_REL_ON = "CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' ELSE 'table' END"

_Q_GRANTS = f"""
SELECT {_REL_ON}, n.nspname, c.relname, {_GRANTEE}, a.privilege_type, a.is_grantable, NULL::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') AND c.relnamespace = ANY(%(ns)s) AND a.grantee <> c.relowner
UNION ALL
SELECT {_REL_ON}, n.nspname, c.relname, {_GRANTEE}, a.privilege_type, a.is_grantable, att.attname::text
FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
     aclexplode(att.attacl) a
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND c.relnamespace = ANY(%(ns)s) AND att.attnum > 0
  AND NOT att.attisdropped AND att.attacl IS NOT NULL AND a.grantee <> c.relowner
UNION ALL
SELECT 'schema', n.nspname, n.nspname, {_GRANTEE}, a.privilege_type, a.is_grantable, NULL::text
FROM pg_namespace n, aclexplode(n.nspacl) a
WHERE n.oid = ANY(%(ns)s) AND a.grantee <> n.nspowner
  AND NOT (n.nspname = 'public' AND a.grantee = 0 AND a.privilege_type = 'USAGE')
"""

_Q_EXTENSIONS = """
SELECT e.extname, n.nspname, e.extversion FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql' ORDER BY e.extname
"""


_Q_ROLES = """
SELECT r.rolname, r.rolcreatedb, r.rolcreaterole, r.rolinherit FROM pg_roles r
WHERE r.rolname !~ '^pg_' AND (
  r.oid IN (SELECT unnest(p.polroles) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
            WHERE c.relnamespace = ANY(%(ns)s))
  OR r.oid IN (SELECT a.grantee FROM pg_class c, aclexplode(c.relacl) a
               WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') AND c.relnamespace = ANY(%(ns)s))
  OR r.oid IN (SELECT a.grantee FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid,
               aclexplode(att.attacl) a WHERE att.attacl IS NOT NULL AND c.relnamespace = ANY(%(ns)s))
  OR r.oid IN (SELECT a.grantee FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.oid = ANY(%(ns)s)))
ORDER BY r.rolname
"""


SECURITY_QUERIES = (_Q_RLS, _Q_POLICIES, _Q_EXTENSIONS, _Q_GRANTS, _Q_ROLES)  # sent in introspect's one pipeline


def _grants(rows: list[tuple[Any, ...]]) -> list[Grant]:
    by: dict[tuple[str, str, str, str, bool, str | None], set[str]] = {}
    for on, schema, name, grantee, privilege, grantable, column in rows:
        by.setdefault((on, schema, name, grantee, bool(grantable), column), set()).add(privilege)
    return [Grant(on, schema, name, grantee, tuple(sorted(v)), option, column)
            for (on, schema, name, grantee, option, column), v in by.items()]


def _in_model(g: Grant, model: Schema) -> bool:
    """Whether the grant's table or view is one the model has (not one left out of the scope)."""
    if g.on == "table":
        return model.table(g.schema, g.name) is not None
    if g.on == "view":
        return any(v.key == (g.schema, g.name) for v in model.objects.views)
    return True


def with_security_rows(model: Schema, rls_rows: list[tuple[Any, ...]], policy_rows: list[tuple[Any, ...]],
                       extension_rows: list[tuple[Any, ...]], grant_rows: list[tuple[Any, ...]],
                       role_rows: list[tuple[Any, ...]] | None = None, *,
                       wants_grant: Callable[[Grant, Schema], bool] | None = None) -> Schema:
    rls = {(schema, name): (bool(on), bool(forced)) for schema, name, on, forced in rls_rows}
    policies: dict[tuple[str, str], list[Policy]] = {}
    for schema, table, name, permissive, cmd, roles, using, check, plain_using, plain_check in policy_rows:
        policies.setdefault((schema, table), []).append(canonical_policy(Policy(
            name, "PERMISSIVE" if permissive else "RESTRICTIVE", _COMMANDS[cmd], tuple(roles),
            faithful(using, plain_using), faithful(check, plain_check))))
    tables: list[Table] = []
    for t in model.tables:
        on, forced = rls.get(t.key, (False, False))
        mine = policies.get(t.key)
        if on or forced or mine:
            t = replace(t, rls=on, force_rls=forced, policies=tuple(sorted(mine or (), key=lambda p: p.name)))
        tables.append(t)
    extensions = [Extension(name, schema, version) for name, schema, version in extension_rows]
    grants = [g for g in _grants(grant_rows) if _in_model(g, model) and (wants_grant is None or wants_grant(g, model))]
    model = model.with_(tables=tables, security=make_security(extensions, model.security.roles, grants))
    named = referenced_roles(model)  # the rows hold the owners' too, and grantees of tables out of scope
    roles = [Role(name, bool(db), bool(cr), bool(inherit)) for name, db, cr, inherit in role_rows or ()
             if name in named]
    if not roles:
        return model
    s = model.security
    return replace(model, security=make_security(s.extensions, roles, s.grants))
