"""`generate --idempotent` for security changes (schema/security_changes.py), joined into idempotent.REWRITE.
Already re-runnable as mizzle writes them: CREATE EXTENSION IF NOT EXISTS, the guarded CREATE ROLE, DROP ROLE IF
EXISTS, ALTER POLICY / ROLE, ENABLE / DISABLE / FORCE ROW LEVEL SECURITY, GRANT, ALTER EXTENSION … UPDATE TO."""

from __future__ import annotations

from collections.abc import Callable

from ...schema import security_changes as sc


def _literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _guarded(condition: str, sql: str) -> str:
    return f"DO $mizzle$\nBEGIN\n\tIF {condition} THEN\n\t\t{sql};\n\tEND IF;\nEND $mizzle$"


def _create_policy(c: sc.Change, sql: str) -> str | None:
    assert isinstance(c, sc.CreatePolicy)
    if not sql.startswith("CREATE POLICY ") or "$mizzle$" in sql:
        return None
    schema, table = c.table
    return _guarded("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_policies WHERE schemaname = "
                    f"{_literal(schema)} AND tablename = {_literal(table)} AND policyname = {_literal(c.policy.name)})",
                    sql)


def _rename_policy(c: sc.Change, sql: str) -> str | None:
    """Runs while the policy has its old name."""
    assert isinstance(c, sc.RenamePolicy)
    if "$mizzle$" in sql:
        return None
    schema, table = c.table
    return _guarded("EXISTS (SELECT 1 FROM pg_catalog.pg_policies WHERE schemaname = "
                    f"{_literal(schema)} AND tablename = {_literal(table)} AND policyname = {_literal(c.old)})", sql)


def _if_exists(prefix: str) -> Callable[[sc.Change, str], str | None]:
    def t(c: sc.Change, sql: str) -> str | None:
        if not sql.startswith(prefix) or sql.startswith(prefix + "IF EXISTS "):
            return None
        return prefix + "IF EXISTS " + sql[len(prefix):]
    return t


def _set_schema(c: sc.Change, sql: str) -> str | None:
    assert isinstance(c, sc.AlterExtension)
    if " SET SCHEMA " not in sql or "$mizzle$" in sql:
        return None
    return _guarded("NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON "
                    f"n.oid = e.extnamespace WHERE e.extname = {_literal(c.new.name)} AND n.nspname = "
                    f"{_literal(c.new.schema or '')})", sql)


def _revoke(c: sc.Change, sql: str) -> str | None:
    """A rerun after the role was dropped (later in the same file) finds no role to revoke from."""
    assert isinstance(c, sc.RevokePrivileges)
    if c.grant.grantee.lower() == "public" or "$mizzle$" in sql:
        return None
    return _guarded(f"EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = {_literal(c.grant.grantee)})", sql)


REWRITE: dict[type, tuple[Callable[[sc.Change, str], str | None], ...]] = {
    sc.CreatePolicy: (_create_policy,),
    sc.DropPolicy: (_if_exists("DROP POLICY "),),
    sc.RenamePolicy: (_rename_policy,),
    sc.DropExtension: (_if_exists("DROP EXTENSION "),),
    sc.AlterExtension: (_set_schema,),
    sc.RevokePrivileges: (_revoke,),
}
