"""The schema code's SQLAlchemy tables → the model: reading the modules (loader.py), the renames they declare,
and the dialect dispatch (`Dialect.schema_from_tables`: dialects/postgres/source.py, dialects/sqlite/source.py),
with the helpers both converters share (key, constraint names as create_all gives them, referential actions)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..errors import SchemaLoadError
from ..schema.model import DEFAULT_SCHEMA, CheckConstraint, PrimaryKey, Schema
from ..schema.naming import MAX_IDENTIFIER_BYTES, first_free, pk_name, truncate_identifier
from .loader import FoundMetaData, load_metadata


def load_schema(patterns: tuple[str, ...], root: Path, dialect: str = "postgresql",
                schema_filter: tuple[str, ...] = (), naming: str = "drizzle",
                ) -> tuple[Schema, dict[tuple[str, ...], str]]:
    """The model of the schema code, and the renames it declares with info={"mizzle": {"renamed_from": …}}.
    `naming`: the names of constraints the code leaves unnamed, "drizzle" (-kit's) or "postgresql" (its own)."""
    found = load_metadata(patterns, root)
    return (schema_from_metadata(found, dialect=dialect, schema_filter=schema_filter, naming=naming),
            declared_renames(found))


def declared_renames(found: list[FoundMetaData]) -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    for item in found:
        for t in item.metadata.tables.values():
            schema = t.schema or DEFAULT_SCHEMA
            old = (t.info.get("mizzle") or {}).get("renamed_from")
            if old:
                out[("table", schema, t.name)] = str(old)
            for c in t.columns:
                old = (c.info.get("mizzle") or {}).get("renamed_from")
                if old:
                    out[("column", schema, t.name, c.name)] = str(old)
    return out


def schema_from_metadata(found: list[FoundMetaData] | list[Any], dialect: str = "postgresql",
                         schema_filter: tuple[str, ...] = (), naming: str = "drizzle") -> Schema:
    items = [f if isinstance(f, FoundMetaData) else FoundMetaData(f, "<metadata>") for f in found]
    seen: dict[tuple[str, str], tuple[Any, str]] = {}
    stand_ins = view_stand_ins(items, dialect)
    for item in items:
        for t in item.metadata.tables.values():
            if t.name in stand_ins and id(t.metadata) not in stand_ins[t.name]:
                continue  # the Table create_view returns: the view's columns for queries, not a table
            key = (t.schema or DEFAULT_SCHEMA, t.name)
            if key in seen and seen[key][0] is not t:
                refuse_table_defined_twice(key, seen[key], t, item, items)
            seen.setdefault(key, (t, item.origin))
    from .. import dialects

    model = dialects.get(dialect).schema_from_tables(items, seen, schema_filter, naming)
    refuse_repeated_constraint_names(model)
    from .replaceable_entities import registered_entities

    declared = declared_names(model.objects.all())
    in_scope = {k: v for k, v in seen.items() if not schema_filter or k[0] in schema_filter}
    events = ddl_events(items, in_scope, dialect, declared) + registered_entities(model, declared) \
        + unfilled_search_vectors(in_scope, model.objects.triggers, dialect) \
        + [n for item in items for n in item.notes]
    if not events:
        return model
    from dataclasses import replace

    return model.with_(objects=replace(model.objects, unmanaged=(*model.objects.unmanaged, *events)))


def refuse_table_defined_twice(key: tuple[str, str], first: tuple[Any, str], table: Any, item: FoundMetaData,
                               items: list[FoundMetaData]) -> None:
    """Two Tables of one name: each named by its file and the MetaData holding it. Two MetaData of one module
    (Home Assistant's recorder keeps a `LegacyBase` beside `Base` for its own data migrations) are both read, as
    every MetaData a schema module reaches is: the way to read only one is a module that imports only it."""
    def where(t: Any, origin: str) -> str:
        holder = next((i.holder for i in items if i.metadata is t.metadata and i.holder), "")
        return table_origin(t, origin) + (f" ({holder})" if holder else "")

    message = (f"table {key[0]}.{key[1]} is defined twice: in {where(first[0], first[1])} and "
               f"in {where(table, item.origin)}")
    keep = next((i for i in items if i.metadata is first[0].metadata), None)
    if keep is None or not keep.holder or not keep.module:
        raise SchemaLoadError(message)
    raise SchemaLoadError(
        message, f"mizzle reads every MetaData the schema modules reach at their top level; to manage only one, "
                 f"list in `schema` a module of your own that imports only it "
                 f"(`from {keep.module} import {keep.holder.split('.')[0]}`)")


def view_stand_ins(items: list[FoundMetaData], dialect: str) -> dict[str, set[int]]:
    """View name → ids of the MetaData whose DDL listeners create it (`CREATE [MATERIALIZED] VIEW name …`).
    sqlalchemy-utils' `create_view(name, select, metadata)` listens so on `metadata` and returns a Table of the
    view's columns in a MetaData of its own, for queries: reachable from the schema module, that Table was written
    as a table (CREATE TABLE cheap_items), which create_all does not make. Such a Table in another MetaData than
    the listener's is left out; the listener is named as DDL the migrations do not hold."""
    from .. import dialects

    sa_name = dialects.get(dialect).sqlalchemy_name
    out: dict[str, set[int]] = {}
    for item in items:
        for event in ("before_create", "after_create"):
            for listener in getattr(getattr(item.metadata.dispatch, event), "listeners", ()):
                for kind, name in _ddl_objects(ddl_statement(listener, sa_name)):
                    if kind == "view":
                        out.setdefault(name, set()).add(id(item.metadata))
    return out


def refuse_repeated_constraint_names(model: Schema) -> None:
    """Refuse two foreign keys, or two checks, of one table under one name: a snapshot keeps them by name and so
    held one of the two, while the migration wrote both (PostgreSQL then fails on the second, `already exists`; on
    SQLite `drift` after `migrate` reports the lost one as changed). Two foreign keys on the same columns and
    table get one default name (Apache Superset's `tab_state.database_id`, twice to `dbs.id`)."""
    for t in model.tables:
        label = t.name if t.schema == DEFAULT_SCHEMA else f"{t.schema}.{t.name}"
        for kind, names in (("foreign keys", [f.name for f in t.foreign_keys]), ("checks", [c.name for c in t.checks])):
            twice = next((n for i, n in enumerate(names) if n in names[:i]), None)
            if twice is not None:
                raise SchemaLoadError(
                    f"table {label}: two {kind} have one name, {twice}: a migration snapshot keeps a table's {kind} "
                    "by name and would hold only one of them (a server that keeps the name refuses the second, "
                    "`already exists`); name one of them apart (`name=`), or drop the one that repeats the other"
                    + ('; on PostgreSQL, naming = "postgresql" numbers unnamed foreign keys as the server does'
                       if kind == "foreign keys" else ""))


_DDL_EVENTS = ("before_create", "after_create", "before_drop", "after_drop")


def ddl_events(items: list[FoundMetaData], seen: dict[tuple[str, str], tuple[Any, str]], dialect: str,
               declared: frozenset[tuple[str, str]] = frozenset()) -> list[str]:
    """What `create_all` / `drop_all` would also run on `dialect` that the model does not hold: DDL and functions
    listened for on a MetaData or a Table (`sa.event.listen(table, "after_create", sa.DDL(...))`;
    sqlalchemy-searchable's search triggers), one line each. SQLAlchemy's own listeners (an enum's, a domain's, a
    constraint's: a SchemaType creating itself) are the model's already; DDL for another dialect only
    (`.execute_if(dialect="sqlite")`) is not run on this one; nor is DDL that creates or drops an object the code
    declares with mizzle.pg (`declared`: `declared_names`), which the migrations make. A listener on the Table or MetaData class itself (a
    library's: geoalchemy2 listens on every Table) is named once, not once per table."""
    out: list[str] = []
    targets = [(item.metadata, "the MetaData") for item in items]
    from .. import dialects

    embedded = dialects.get(dialect).embedded  # SQLite: no schemas, a table is named by its name alone
    sa_name = dialects.get(dialect).sqlalchemy_name
    targets += [(t, f"table {name}" if embedded else f"table {schema}.{name}")
                for (schema, name), (t, _) in sorted(seen.items())]
    on_class: dict[tuple[int, str], str] = {}  # a class-level listener, once per event
    own_types = self_creating_type_modules(seen, declared)
    for target, where in targets:
        for event in _DDL_EVENTS:
            listeners = getattr(target.dispatch, event)
            mine = list(getattr(listeners, "listeners", ()))
            theirs = list(getattr(listeners, "parent_listeners", ()))
            for listener in [*mine, *theirs]:
                owner = listener_owner(listener)  # a SchemaType's own hooks
                if isinstance(owner, sa.types.SchemaType) or not _runs_on(listener, dialect):
                    continue
                statement = ddl_statement(listener, sa_name)
                made = [o for o in _ddl_objects(statement) if o not in declared]
                if (made == [] and _ddl_objects(statement)) or getattr(listener, "__module__", None) in own_types:
                    continue  # it makes only what the code declares, or a type that makes itself
                runs = "drop_all" if event.endswith("_drop") else "create_all"
                if listener in theirs:
                    whom = "every Table" if isinstance(target, sa.Table) else "every MetaData"
                    on_class.setdefault((id(listener), event), f"{_listener_text(listener, statement)} ({event} on {whom}, "
                                        f"listened for on the class): {runs} runs it, mizzle's migrations do not")
                    continue
                twice = _index_declared_too(statement, seen)
                advice = (f"the code declares index {twice} too, so create_all fails on this listener (`already "
                          "exists`): remove the listener" if twice else _declare_instead(statement, made, dialect))
                out.append(f"{_listener_text(listener, statement)} ({event} on {where}): {runs} runs it, mizzle's "
                           f"migrations do not — {advice}")
    return out + list(on_class.values())


def unfilled_search_vectors(seen: dict[tuple[str, str], tuple[Any, str]], triggers: tuple[Any, ...],
                            dialect: str) -> list[str]:
    """One line naming sqlalchemy-utils' TSVectorType columns that name the columns they index (`TSVectorType("name",
    "description")`) on a table with no trigger the migrations make (declared with mizzle.pg) or a DDL listener
    creates (named by `ddl_events`): the trigger filling them is made by the app after create_all
    (sqlalchemy-searchable's sync_trigger; Netflix/dispatch's setup_fulltext_search), and no migration holds it.
    A TSVectorType naming no columns, or generated by the server (`sa.Computed`), is filled otherwise."""
    from .. import dialects

    sa_name = dialects.get(dialect).sqlalchemy_name
    with_trigger = {(t.schema, t.table) for t in triggers}
    found: list[str] = []
    for key, (table, _) in sorted(seen.items()):
        made = [o for listener in table.dispatch.after_create for o in _ddl_objects(ddl_statement(listener, sa_name))]
        if key in with_trigger or any(kind == "trigger" for kind, _ in made):
            continue
        for c in table.columns:
            indexed = getattr(c.type, "columns", None)
            if (any(k.__name__ == "TSVectorType" for k in type(c.type).__mro__) and indexed
                    and c.computed is None):
                found.append(f"{key[0]}.{key[1]}.{c.name} ({', '.join(map(str, indexed))})")
    if not found:
        return []
    return [f"the triggers filling {len(found)} TSVectorType column(s): {', '.join(found)}: create_all leaves them "
            "to the app (sqlalchemy-searchable's sync_trigger), mizzle's migrations do not make them, so these "
            "columns stay NULL where mizzle migrates — declare each trigger (and its function) with "
            f"mizzle.pg.Trigger{BY_HAND}"]


def self_creating_type_modules(seen: dict[tuple[str, str], tuple[Any, str]],
                               declared: frozenset[tuple[str, str]]) -> set[str]:
    """The modules of the column types that the model holds as composite types they create themselves
    (sqlalchemy-utils' CompositeType, created by a function of its module listening on every MetaData): that
    listener makes what the migrations make."""
    return {type(c.type).__module__ for t, _ in seen.values() for c in t.columns
            if isinstance(c.type, sa.types.SchemaType) and ("composite type", str(c.type.name)) in declared}


# CREATE [OR REPLACE] / DROP of a function, procedure, trigger, view, domain or type, and its (last) name
_DDL_OBJECT = re.compile(
    r"\s*(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?|DROP\s+)(FUNCTION|PROCEDURE|TRIGGER|"
    r"(?:MATERIALIZED\s+)?VIEW|DOMAIN|TYPE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?((?:\"[^\"]+\"|[\w$]+)"
    r"(?:\s*\.\s*(?:\"[^\"]+\"|[\w$]+))*)", re.IGNORECASE)
_DDL_KINDS = {"function": "routine", "procedure": "routine", "view": "view", "materialized view": "view",
              "trigger": "trigger", "domain": "domain", "type": "composite type"}


def declared_names(objects: Any) -> frozenset[tuple[str, str]]:
    """(kind, name) of each object the code declares with mizzle.pg (a function and a procedure are one kind,
    "routine"), as `_ddl_objects` reads them from a DDL statement."""
    kinds = {"function": "routine"}
    return frozenset((kinds.get(o.kind, o.kind), o.name) for o in objects)


def ddl_statement(listener: Any, sa_dialect: str) -> str | None:
    """The SQL of a DDL listener: an `sa.DDL`'s statement, or a DDL element of a library's own compiled for the
    dialect (sqlalchemy-searchable's CreateSearchFunctionSQL, CreateSearchTriggerSQL); None for a function."""
    statement = getattr(listener, "statement", None)
    if isinstance(statement, str):
        return statement
    if not isinstance(listener, sa.schema.ExecutableDDLElement):
        return None
    try:
        return str(listener.compile(dialect=sa.engine.make_url(f"{sa_dialect}://").get_dialect()()))
    except Exception:  # a library's element its compiler cannot write without a connection: named by its class
        return None


def _ddl_objects(statement: str | None) -> list[tuple[str, str]]:
    """(kind, name) of each object the statements of a DDL listener create or drop, in order, once each (langflow's
    `CREATE OR REPLACE FUNCTION prevent_sso_config_slug_update()`; Netflix/dispatch's expressions.sql, one DDL making
    the type tsq_state and the tsq_* functions using it); [] for a function listener or other statements."""
    out: list[tuple[str, str]] = []
    for one in _statements(statement) if statement is not None else []:
        m = _DDL_OBJECT.match(one)
        if m is None:
            continue
        last = re.split(r"\s*\.\s*", m.group(2))[-1]
        made = (_DDL_KINDS[" ".join(m.group(1).lower().split())], last[1:-1] if last.startswith('"') else last.lower())
        if made not in out:
            out.append(made)
    return out


_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\uffff][\w\x80-\uffff]*)?\$")


def _quoted_end(sql: str, i: int, close: str, doubled: bool, escapes: bool) -> int:
    """Where the quoted text opening at `i` ends (just past its `close`): a string, a quoted name (`doubled`: a
    doubled quote is one inside) or a dollar-quoted body; in an E'…' string (`escapes`) a backslash escapes."""
    j = i + len(close)
    while (end := sql.find(close, j)) >= 0:
        before = sql[j:end]
        if escapes and (len(before) - len(before.rstrip("\\"))) % 2 == 1:
            j = end + 1
        elif doubled and sql.startswith(close * 2, end):
            j = end + 2
        else:
            return end + len(close)
    return len(sql)


def _statements(sql: str) -> list[str]:
    """`sql` cut at its top-level semicolons, not at those of a string, a quoted name, a comment or a dollar-quoted
    body; comments left out."""
    out: list[str] = []
    current: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch, rest = sql[i], sql[i:i + 2]
        if rest in ("--", "/*"):
            end = sql.find("\n" if rest == "--" else "*/", i + 2)
            i = n if end < 0 else end + (0 if rest == "--" else 2)
            current.append(" ")
            continue
        tag = _DOLLAR_TAG.match(sql, i) if ch == "$" and not (i and (sql[i - 1].isalnum() or sql[i - 1] == "_")) else None
        if ch in "'\"" or tag is not None:
            escapes = ch == "'" and sql[i - 1:i] in ("E", "e") and not (i > 1 and (sql[i - 2].isalnum()
                                                                           or sql[i - 2] == "_"))  # E'it\'s'
            j = _quoted_end(sql, i, tag.group(0) if tag is not None else ch, tag is None, escapes)
            current.append(sql[i:j])
            i = j
            continue
        if ch == ";":
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    out.append("".join(current))
    return [one.strip() for one in out if one.strip()]


def listener_owner(listener: Any) -> Any:
    """The object a DDL event listener is a method of (an Enum's, a DOMAIN's own hooks), or None: a bound method's
    `__self__`, or (SQLAlchemy 2.0) a `portable_instancemethod`'s `target`; through a functools.partial."""
    import functools

    fn = listener.func if isinstance(listener, functools.partial) else listener
    return getattr(fn, "__self__", None) or getattr(fn, "target", None)


def _runs_on(listener: Any, dialect: str) -> bool:
    only = getattr(getattr(listener, "_ddl_if", None), "dialect", None)  # DDL(...).execute_if(dialect=…)
    if only is None:
        return True
    return dialect in ((only,) if isinstance(only, str) else tuple(only))


_CREATE_INDEX = re.compile(r"\s*CREATE\s+(UNIQUE\s+)?INDEX\b", re.IGNORECASE)
_INDEX_NAME = re.compile(r"\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"
                         r"(\"[^\"]+\"|[\w$]+)\s+ON\b", re.IGNORECASE)


def _index_declared_too(statement: str | None, seen: dict[tuple[str, str], tuple[Any, str]]) -> str | None:
    """The name of the index a listener's `CREATE INDEX` makes when the code declares an index of that name too
    (Faraday's uix_vulnerability, declared as sa.Index as the warning advised, its after_create DDL left in):
    create_all then fails on the listener; None otherwise."""
    m = _INDEX_NAME.match(statement or "")
    if m is None:
        return None
    name = m.group(1)[1:-1] if m.group(1).startswith('"') else m.group(1).lower()
    declared = {str(ix.name) for t, _ in seen.values() for ix in t.indexes if ix.name is not None}
    return name if name in declared else None


_TABLE = r"\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?(\S+)\s+"
_ATTACH = re.compile(_TABLE + r"ATTACH\s+PARTITION\s+\S+\s+(FOR\s+VALUES\s.*?|DEFAULT)\s*;?\s*$", re.I | re.S)
_INHERIT = re.compile(_TABLE + r"INHERIT\s+(\S+?)\s*;?\s*$", re.I | re.S)


def _lineage_instead(statement: str | None) -> str | None:
    """The advice for a listener attaching a partition or making a table inherit (nowcasting_datamodel's
    PartitionByMeta recipe, `ALTER TABLE parent ATTACH PARTITION child FOR VALUES …`): mizzle declares both on the
    table itself. None for any other statement."""
    m = _ATTACH.match(statement or "")
    if m is not None:
        parent, bounds = m.group(1).replace('"', ""), " ".join(m.group(2).split())
        return (f'declare the partition on its Table instead: info={{"mizzle": {{"partition_of": "{parent}", '
                f'"bounds": "{bounds}"}}}}, with none of its partitioned table\'s indexes and foreign keys declared on it '
                "again (it has their copies; one declared too is an index or key of its own besides)")
    m = _INHERIT.match(statement or "")
    if m is not None:
        return f'declare it on its Table instead: postgresql_inherits="{m.group(2).replace(chr(34), "")}"'
    return None


# the end of the advice for an object mizzle.pg declares, in a folder without mizzle's sidecar (its SQL's
# functions and triggers are listed, not compared); `advice_with_sidecar` rewrites it where the folder has one
BY_HAND = ", or write it into a migration of your own (`mizzle generate --custom`)"
_COMPARED = (": this folder's meta/_mizzle.json records what its migrations make, so one written into a migration "
             "by hand (`mizzle generate --custom`) is a difference for `drift` and `verify`")


def _declare_instead(statement: str | None, made: list[tuple[str, str]], dialect: str) -> str:
    """How to have what the listener makes (`made`: the objects of its statements the code does not declare yet) in
    mizzle's migrations. An index is mizzle's to manage: one written into a `--custom` migration is drift for good
    (invenio-files-rest's partial unique index). An object mizzle.pg declares on `dialect`
    (Dialect.pg_declarations) is declared so, each object by name where the DDL makes several (dispatch's type and
    functions); written by hand it is a difference once the folder has mizzle's sidecar (`advice_with_sidecar`)."""
    from .. import dialects

    lineage = _lineage_instead(statement)
    if lineage is not None:
        return lineage
    if statement is not None and _CREATE_INDEX.match(statement):
        return ("declare it as sa.Index(…, unique=…, postgresql_where=…) on the table instead (mizzle manages "
                "indexes: one made by hand is a difference)")
    declarations = dialects.get(dialect).pg_declarations
    if len(made) == 1 and made[0][0] in declarations:
        return f"declare it with mizzle.pg.{declarations[made[0][0]]}{BY_HAND}"
    if made and all(kind in declarations for kind, _ in made):
        kinds = list(dict.fromkeys(kind for kind, _ in made))
        each = [(k, [name for kind, name in made if kind == k]) for k in kinds]
        listed = "; ".join(f"{'function' if k == 'routine' else k}{'s' if len(names) > 1 else ''} "
                           f"{', '.join(names)}: mizzle.pg.{declarations[k]}" for k, names in each)
        return f"declare what it makes with mizzle.pg ({listed}){BY_HAND}"
    if "routine" not in declarations:  # a statement of its own: mizzle.pg declares no function here (SQLite)
        return "write it into a migration (`mizzle generate --custom`)"
    return "declare it with mizzle.pg, or write it into a migration (`mizzle generate --custom`)"


def advice_with_sidecar(line: str) -> str:
    """`line` (a not-managed warning of `ddl_events`) as said where the migrations folder has mizzle's sidecar: an
    object mizzle.pg declares is declared, not written into a migration by hand, which `drift` and `verify` then
    report (its snapshots record the functions and triggers the folder makes)."""
    return line[:-len(BY_HAND)] + _COMPARED if line.endswith(BY_HAND) else line


def _listener_text(listener: Any, statement: str | None) -> str:
    if statement is not None:  # sa.DDL, or a DDL element compiled
        first = " ".join(statement.split())
        return f"DDL {first[:80]}{'…' if len(first) > 80 else ''}"
    name = getattr(listener, "__qualname__", None) or type(listener).__qualname__
    return f"{getattr(listener, '__module__', '') or type(listener).__module__}.{name}"


def table_origin(table: Any, fallback: str) -> str:
    import sys

    from .loader import module_file

    for mod in list(sys.modules.values()):
        d = getattr(mod, "__dict__", None)
        file = module_file(mod)
        if not d or not file:
            continue
        for v in list(d.values()):
            if v is table or (isinstance(v, type) and getattr(v, "__table__", None) is table):
                return file
    return fallback


def deferrable_of(con: sa.Constraint) -> str | None:
    """`deferrable=True, initially="DEFERRED"` → "deferred"; `deferrable=True` → "immediate"; else None.
    `initially="DEFERRED"` alone is "deferred" too: create_all writes INITIALLY DEFERRED, which PostgreSQL takes
    as DEFERRABLE INITIALLY DEFERRED."""
    deferred = (con.initially or "").lower() == "deferred"
    if not con.deferrable and not (deferred and con.deferrable is None):
        return None
    return "deferred" if deferred else "immediate"


def primary_key(t: sa.Table, name_single: bool = True, naming: str = "drizzle",
                limit: int | None = MAX_IDENTIFIER_BYTES) -> PrimaryKey | None:
    """The table's key: its explicit (or naming-convention) name; unnamed, drizzle-kit's `<t>_<cols>_pk` for a
    composite key and none for a single column (the server calls it `<t>_pkey`), or none at all with PostgreSQL's
    naming (the caller names it). `name_single=False` drops a single column's name too (SQLite does not store it).
    `limit`: as given_constraint_name's (None on SQLite: every name, the derived one too, is kept whole).
    The columns in create_all's order: a key made of `primary_key=True` columns with its `autoincrement=True` column
    first; an explicit PrimaryKeyConstraint's as it lists them (AdventureWorks' `PRIMARY KEY (businessentityid,
    emailaddressid)`, the serial second, pulled and read back in the other order)."""
    key = t.primary_key
    cols = tuple(c.name for c in (key.columns_autoinc_first if getattr(key, "_implicit_generated", True)
                                  else key.columns))
    if not cols:
        return None
    # name="" is how `pull` writes a key PostgreSQL names itself where it cannot be written inline (a partition's
    # own key on its parent's column): unnamed, as create_all has no empty name to give
    explicit = given_constraint_name(t.primary_key, t, limit) or None
    deferrable = deferrable_of(t.primary_key)
    if len(cols) > 1:
        return PrimaryKey(cols, explicit or (pk_name(t.name, cols, cut=limit is not None) if naming == "drizzle" else None),
                          deferrable)
    return PrimaryKey(cols, explicit if name_single else None, deferrable)


def creation_order(con: Any) -> int:
    return int(getattr(con, "_creation_order", 0))


def constraint_sort_key(con: Any) -> tuple[str, str]:
    return (type(con).__name__, str(con.name) if con.name is not None else ",".join(c.name for c in con.columns))


def given_constraint_name(con: Any, table: sa.Table, limit: int | None = MAX_IDENTIFIER_BYTES) -> str | None:
    """The name create_all gives: the explicit one, or the one MetaData.naming_convention gives, a convention's
    name longer than `limit` (PostgreSQL's 63) characters shortened as SQLAlchemy does (55 characters, `_`, 4 hex
    digits of its md5); None when neither applies. An explicit name longer than `limit` is refused, as
    SQLAlchemy does. `limit=None`: the database has no limit (SQLite), every name is kept whole."""
    from sqlalchemy.sql.elements import _truncated_label
    from sqlalchemy.sql.naming import _constraint_name_for_table

    name = con.name
    if name is None or not isinstance(name, str):  # unnamed, or _NONE_NAME (a type's own CHECK): the convention
        try:
            name = _constraint_name_for_table(con, table)
        except sa.exc.InvalidRequestError:  # create_all fails on it too: `%(constraint_name)s`, unnamed
            what = type(con).__name__
            if isinstance(con, sa.CheckConstraint):
                try:
                    what = f"CHECK ({con.sqltext.compile(compile_kwargs={'literal_binds': True})})"
                except Exception:  # noqa: BLE001 - named by its kind alone
                    pass
            raise SchemaLoadError(f"table {table.name}: an unnamed {what} under MetaData.naming_convention, whose "
                                  f"%(constraint_name)s needs a name (create_all refuses it too): name it "
                                  "(a type's own CHECK: sa.Boolean(create_constraint=True, name=...))") from None
        except Exception:  # noqa: BLE001 - the convention could not be applied (missing token, …)
            name = None
        if not isinstance(name, str):
            return None
    if limit is None:
        return str(name)
    if isinstance(name, _truncated_label):
        if len(name) > limit:
            from sqlalchemy.util import md5_hex

            return truncate_identifier(str(name[0:limit - 8]) + "_" + md5_hex(name)[-4:])
        return truncate_identifier(str(name))  # SQLAlchemy counts characters, the server then keeps 63 bytes
    if len(name) > limit:
        kind = "index" if isinstance(con, sa.Index) else "constraint"
        raise SchemaLoadError(f"{kind} name {name!r} on table {table.name} is longer than {limit} characters "
                              "(SQLAlchemy refuses it too): shorten it")
    return truncate_identifier(name)


def default_check_name(table: str, existing: list[CheckConstraint]) -> str:
    return first_free(truncate_identifier(f"{table}_check"), {c.name for c in existing})


def dialect_type(t: Any, dialect: Any) -> Any:
    """The type SQLAlchemy's compiler for `dialect` writes for `t`: its variant for that dialect
    (`with_variant(..., "sqlite")`), and for a TypeDecorator the type `type_engine(dialect)` gives (its
    `load_dialect_impl`, or the dialect's own class for an emulated type such as sa.Interval), repeatedly."""
    for _ in range(20):  # a decorator of a decorator …; a cycle would be the type's own bug
        variants = getattr(t, "_variant_mapping", None)
        if variants and dialect.name in variants:
            t = variants[dialect.name]
        elif isinstance(t, sa.TypeDecorator):
            t = t.type_engine(dialect)
        else:
            break
    return t


_DDL_COMPILERS: dict[str, Any] = {}


def created_on(item: Any, dialect: Any) -> bool:
    """Would create_all create this Table, Index or constraint on `dialect`: its `ddl_if(...)` condition, and a
    constraint's own rule (`_create_rule`: the CHECK a type adds for itself — non-native Enum,
    Boolean(create_constraint=True) — or one the code gives)."""
    from sqlalchemy.sql import ddl

    compiler = _DDL_COMPILERS.get(dialect.name)
    if compiler is None:  # no statement: used for its rules only
        compiler = _DDL_COMPILERS[dialect.name] = dialect.ddl_compiler(dialect, None)
    if isinstance(item, sa.Constraint) and item._create_rule is not None \
            and (item._type_bound or not isinstance(item, sa.ForeignKeyConstraint)):
        if not item._create_rule(compiler):
            return False
    # (a foreign key's _create_rule is create_all's own bookkeeping: a use_alter foreign key is switched off inline
    # once create_all has run, to be added by ALTER TABLE; it is created all the same. Any other constraint's is
    # the code's: privacyidea's `CheckConstraint("options IS JSON", _create_rule=lambda c: c.dialect.name ==
    # "oracle")`, which create_all leaves out elsewhere)
    if getattr(item, "_ddl_if", None) is None:
        return True
    element: Any
    if isinstance(item, sa.Constraint):
        element = ddl.CreateConstraint(item)
    else:
        element = ddl.CreateIndex(item) if isinstance(item, sa.Index) else ddl.CreateTable(item)
    return bool(item._ddl_if._should_execute(element, item, None, compiler=compiler))


def fk_action(value: str | None) -> str:
    return (value or "no action").lower()
