"""Security changes (schema/security_changes.py) → PostgreSQL DDL; joined into ddl.RENDER."""

from __future__ import annotations

from collections.abc import Callable

from ...schema import security_changes as sc
from ...schema.security import Grant, Policy, Role


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _qname(key: tuple[str, str]) -> str:
    return f"{_ident(key[0])}.{_ident(key[1])}"


def _role_name(name: str) -> str:
    """`public` (every role) and the session keywords are written bare, any other role quoted."""
    return name if name.lower() in ("public", "current_user", "session_user", "current_role") else _ident(name)


def create_extension(c: sc.CreateExtension) -> list[str]:
    e = c.extension
    sql = f"CREATE EXTENSION IF NOT EXISTS {_ident(e.name)}"
    if e.schema:
        sql += f" SCHEMA {_ident(e.schema)}"
    if e.version:
        sql += f" VERSION '{e.version}'"
    return [sql]


def alter_extension(c: sc.AlterExtension) -> list[str]:
    out = []
    name = _ident(c.new.name)
    if c.new.schema is not None and c.old.schema is not None and c.new.schema != c.old.schema:
        out.append(_move_extension(c.new.name, c.new.schema, c.new.version))
    if c.new.version is not None and c.new.version != c.old.version:
        out.append(f"ALTER EXTENSION {name} UPDATE TO '{c.new.version}'")
    return out


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _move_extension(ext: str, schema: str, version: str | None) -> str:
    """An extension moved to another schema: `ALTER EXTENSION … SET SCHEMA` where its control file lets it move;
    one that does not (xml2, PostGIS: "extension … does not support SET SCHEMA") made again there, as prisma's
    schema engine does (the DROP fails, leaving nothing changed, where a column or view still uses it). Which one
    is the server's to say: the migration asks it, once the extension is not there already."""
    name, target = _ident(ext), _ident(schema)
    create = f"CREATE EXTENSION {name} SCHEMA {target}" + (f" VERSION {_literal(version)}" if version else "")
    return ("DO $mizzle$\nBEGIN\n"
            "\tIF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON "
            f"n.oid = e.extnamespace WHERE e.extname = {_literal(ext)} AND n.nspname = {_literal(schema)}) THEN\n"
            f"\t\tIF (SELECT e.extrelocatable FROM pg_catalog.pg_extension e WHERE e.extname = {_literal(ext)}) THEN\n"
            f"\t\t\tALTER EXTENSION {name} SET SCHEMA {target};\n"
            f"\t\tELSE\n\t\t\tDROP EXTENSION {name};\n\t\t\t{create};\n\t\tEND IF;\n"
            "\tEND IF;\nEND $mizzle$")


def set_row_security(c: sc.SetRowSecurity) -> list[str]:
    t = _qname(c.table)
    out = []
    if c.old[0] != c.new[0]:
        out.append(f"ALTER TABLE {t} {'ENABLE' if c.new[0] else 'DISABLE'} ROW LEVEL SECURITY")
    if c.old[1] != c.new[1]:
        out.append(f"ALTER TABLE {t} {'' if c.new[1] else 'NO '}FORCE ROW LEVEL SECURITY")
    return out


def create_policy(table: tuple[str, str], p: Policy) -> str:
    sql = (f"CREATE POLICY {_ident(p.name)} ON {_qname(table)} AS {p.as_} FOR {p.for_} "
           f"TO {', '.join(_role_name(r) for r in p.to)}")
    if p.using is not None:
        sql += f" USING ({p.using})"
    if p.with_check is not None:
        sql += f" WITH CHECK ({p.with_check})"
    return sql


def alter_policy(c: sc.AlterPolicy) -> list[str]:
    sql = f"ALTER POLICY {_ident(c.new.name)} ON {_qname(c.table)} TO {', '.join(_role_name(r) for r in c.new.to)}"
    if c.new.using is not None:
        sql += f" USING ({c.new.using})"
    if c.new.with_check is not None:
        sql += f" WITH CHECK ({c.new.with_check})"
    return [sql]


def _role_options(r: Role) -> str:
    return " ".join(["CREATEDB" if r.create_db else "NOCREATEDB", "CREATEROLE" if r.create_role else "NOCREATEROLE",
                     "INHERIT" if r.inherit else "NOINHERIT"])


def create_role(c: sc.CreateRole) -> list[str]:
    """Roles belong to the cluster, which many databases share (a fleet's tenants, verify's scratch database):
    a role that exists already is left as it is."""
    name = c.role.name.replace("'", "''")
    return [f"DO $mizzle$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{name}') THEN "
            f"CREATE ROLE {_ident(c.role.name)} WITH {_role_options(c.role)}; END IF; END $mizzle$"]


def _grant_target(g: Grant) -> str:
    """What follows ON (a view's and a materialized view's privileges are granted ON TABLE too)."""
    if g.on == "schema":
        return f"SCHEMA {_ident(g.name)}"
    return f"{'SEQUENCE ' if g.on == 'sequence' else 'TABLE '}{_qname((g.schema, g.name))}"


def _privileges(g: Grant) -> str:
    """`SELECT, UPDATE`, or a column privilege's `SELECT ("a"), UPDATE ("a")`."""
    column = f" ({_ident(g.column)})" if g.column is not None else ""
    return ", ".join(p + column for p in g.privileges)


RENDER: dict[type, Callable[..., list[str]]] = {
    sc.CreateExtension: create_extension,
    sc.DropExtension: lambda c: [f"DROP EXTENSION {_ident(c.extension.name)}"],
    sc.AlterExtension: alter_extension,
    sc.SetRowSecurity: set_row_security,
    sc.CreatePolicy: lambda c: [create_policy(c.table, c.policy)],
    sc.DropPolicy: lambda c: [f"DROP POLICY {_ident(c.policy.name)} ON {_qname(c.table)}"],
    sc.AlterPolicy: alter_policy,
    sc.RenamePolicy: lambda c: [f"ALTER POLICY {_ident(c.old)} ON {_qname(c.table)} RENAME TO {_ident(c.new)}"],
    sc.CreateRole: create_role,
    sc.DropRole: lambda c: [f"DROP ROLE IF EXISTS {_ident(c.role.name)}"],
    sc.AlterRole: lambda c: [f"ALTER ROLE {_ident(c.new.name)} WITH {_role_options(c.new)}"],
    sc.GrantPrivileges: lambda c: [f"GRANT {_privileges(c.grant)} ON {_grant_target(c.grant)} "
                                   f"TO {_role_name(c.grant.grantee)}"
                                   + (" WITH GRANT OPTION" if c.grant.grant_option else "")],
    sc.RevokePrivileges: lambda c: [f"REVOKE {_privileges(c.grant)} ON {_grant_target(c.grant)} "
                                    f"FROM {_role_name(c.grant.grantee)}"],
}
