"""Extensions, roles, row-level security, policies and grants, declared in a schema module:

    from mizzle.pg import Extension, Grant, Policy, Role, enable_rls

    trgm = Extension("pg_trgm")                       # CREATE EXTENSION IF NOT EXISTS "pg_trgm"
    reader = Role("reader")                            # drizzle-kit's pgRole: create_db, create_role, inherit
    enable_rls(documents, force=False)                 # or Table(..., info={"mizzle": {"rls": True}})
    own_rows = Policy("own_rows", documents, for_="select", to=reader, using="owner = current_user")
    read_docs = Grant("select", on=documents, to=reader)  # with_grant_option=True: … WITH GRANT OPTION
    read_view = Grant("select", on=active_docs, to=reader)  # a mizzle.pg View (or view="schema.name")
    edit_title = Grant("update", on=documents, columns=["title"], to=reader)  # GRANT UPDATE (title) ON …

A policy or grant names its table by the SQLAlchemy Table (or a declarative class, or "schema.table").
Bad values are refused when the schema is loaded, with one line naming the object."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import SchemaLoadError
from .base import PgObject


def table_key(table: Any, what: str) -> tuple[str, str]:
    """(schema, name) of a SQLAlchemy Table, a declarative class, or "schema.name" / "name"."""
    t = getattr(table, "__table__", table)
    if isinstance(t, str):
        schema, _, name = t.rpartition(".")
        return (schema or "public", name)
    tname = getattr(t, "name", None)
    if not isinstance(tname, str):
        raise SchemaLoadError(f"{what}: the table must be a SQLAlchemy Table, a mapped class or 'schema.name', "
                              f"not {type(table).__name__}")
    return (getattr(t, "schema", None) or "public", tname)


def _names(value: Any) -> tuple[str, ...]:
    if value is None:
        return ("public",)
    if isinstance(value, (str, Role)):
        value = [value]
    return tuple(v.name if isinstance(v, Role) else str(v) for v in value)


def _sql(value: Any, what: str) -> str | None:
    """A SQL expression given as text or as a SQLAlchemy expression (compiled for PostgreSQL, literals inline)."""
    if value is None or isinstance(value, str):
        return value
    try:
        from sqlalchemy.dialects import postgresql

        return str(value.compile(dialect=postgresql.dialect(paramstyle="named"), compile_kwargs={"literal_binds": True}))
    except Exception as e:  # noqa: BLE001 - anything SQLAlchemy cannot compile is the user's to fix
        raise SchemaLoadError(f"{what}: cannot compile {type(value).__name__} to SQL: {e}") from None


class Extension(PgObject):
    def __init__(self, name: str, *, schema: str | None = None, version: str | None = None) -> None:
        self.name, self.schema, self.version = name, schema, version


class Role(PgObject):
    def __init__(self, name: str, *, create_db: bool = False, create_role: bool = False,
                 inherit: bool = True) -> None:
        self.name, self.create_db, self.create_role, self.inherit = name, create_db, create_role, inherit


class Policy(PgObject):
    """CREATE POLICY name ON table AS as_ FOR for_ TO to USING (using) WITH CHECK (with_check). Declaring one
    does not enable row-level security on the table: `enable_rls(table)` does. `renamed_from`: the policy's
    name before (ALTER POLICY … RENAME TO instead of a drop and a create)."""

    def __init__(self, name: str, table: Any, *, as_: str = "permissive", for_: str = "all",
                 to: str | Role | Iterable[str | Role] | None = None, using: Any = None,
                 with_check: Any = None, renamed_from: str | None = None) -> None:
        what = f"policy {name}"
        self.name, self.table = name, table_key(table, what)
        self.as_, self.for_, self.to = as_.upper(), for_.upper(), _names(to)
        self.using, self.with_check = _sql(using, what), _sql(with_check, what)
        self.renamed_from = renamed_from


class Grant(PgObject):
    """GRANT privileges ON TABLE / VIEW / SEQUENCE / SCHEMA … TO role. `on` is a Table (or mapped class, or
    "schema.name"), or a mizzle.pg View (a view or materialized view; or pass `view="schema.name"`), or pass
    `sequence=` (a Sequence or "schema.name") or `schema=` (a schema name) instead. `columns=` (names or
    SQLAlchemy Columns), with a table or view: GRANT privilege (column, …) ON … — column privileges (select,
    insert, update, references). `with_grant_option=True`: … WITH GRANT OPTION (the grantee may grant them on)."""

    def __init__(self, privileges: str | Iterable[str], *, to: str | Role, on: Any = None,
                 sequence: Any = None, schema: str | None = None, view: Any = None,
                 columns: Iterable[Any] | None = None, with_grant_option: bool = False) -> None:
        given = [x for x in (on, sequence, schema, view) if x is not None]
        privs = [privileges] if isinstance(privileges, str) else list(privileges)
        self.privileges = tuple(sorted({p.strip().upper() for p in privs}))
        self.grantee = to.name if isinstance(to, Role) else str(to)
        self.with_grant_option = bool(with_grant_option)
        what = f"grant {', '.join(self.privileges).lower()} to {self.grantee}"
        if len(given) != 1:
            raise SchemaLoadError(f"{what}: name exactly one of on= (a table or view), view=, sequence= or schema=")
        from .objects import View

        if isinstance(on, View):
            on, view = None, on
        if schema is not None:
            self.on, self.target = "schema", (schema, schema)
        elif sequence is not None:
            self.on = "sequence"
            self.target = (getattr(sequence, "schema", None) or "public", sequence.name) \
                if not isinstance(sequence, str) else table_key(sequence, what)
        elif view is not None:
            self.on = "view"
            self.target = (view.model.schema, view.model.name) if isinstance(view, View) else table_key(view, what)
        else:
            self.on, self.target = "table", table_key(on, what)
        self.columns = tuple(c if isinstance(c, str) else getattr(c, "name", str(c)) for c in columns or ())
        if columns is not None and (self.on not in ("table", "view") or not self.columns):
            raise SchemaLoadError(f"{what}: columns= names one or more columns of a table or a view")


def enable_rls(table: Any, *, force: bool = False) -> Any:
    """ALTER TABLE … ENABLE ROW LEVEL SECURITY (and FORCE …, so the table's owner is subject to it too):
    the same as Table(..., info={"mizzle": {"rls": True, "force_rls": force}}). Returns the table."""
    mine = _mizzle_info(table, "enable_rls")
    mine["rls"] = True
    mine["force_rls"] = force
    return table


def force_rls(table: Any) -> Any:
    """ALTER TABLE … FORCE ROW LEVEL SECURITY while row-level security stays disabled (it binds the owner once
    enabled): the same as Table(..., info={"mizzle": {"force_rls": True}}). Returns the table."""
    _mizzle_info(table, "force_rls")["force_rls"] = True
    return table


def _mizzle_info(table: Any, what: str) -> dict[str, Any]:
    """The `info["mizzle"]` of a SQLAlchemy Table or mapped class (made when missing); anything else is refused."""
    info = getattr(getattr(table, "__table__", table), "info", None)
    if not isinstance(info, dict):
        raise SchemaLoadError(f"{what}: not a SQLAlchemy Table or mapped class: {type(table).__name__}")
    mizzle: dict[str, Any] = info.setdefault("mizzle", {})
    return mizzle
