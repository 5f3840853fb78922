"""A live PostgreSQL database → the schema model, in a fixed number of pg_catalog queries (sent in one
pipeline, so one round trip whatever the number of tables).

The server's spellings are mapped back to the canonical ones the other sources produce: an integer column
defaulting to `nextval` of the sequence it owns is `serial`; identity columns carry their sequence's
options; `'x'::text` defaults lose the cast to their own type; a single-column primary key named
`<table>_pkey` is unnamed; indexes that back a primary key or unique constraint are not indexes.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from ...schema.model import (
    DEFAULT_SCHEMA,
    CheckConstraint,
    Column,
    Enum,
    ExclusionConstraint,
    ExclusionElement,
    ForeignKey,
    Identity,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    canonical_table,
    make_schema,
)
from ...schema.naming import MAX_IDENTIFIER_BYTES, serial_sequence_name
from ...schema.scope import Scope
from . import lineage
from .ddl_watch import WATCH_SCHEMA
from .expressions import check_expression, faithful, index_collations, strip_parentheses
from .types import canonical_collation, canonical_default, casts_to_another_type, strip_own_cast
from .types import canonical_type as _canonical_type

_FK_ACTIONS = {"a": "no action", "r": "restrict", "c": "cascade", "n": "set null", "d": "set default"}
_SERIALS = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}
_NEXTVAL = re.compile(r"^nextval\('(?P<seq>(?:[^']|'')+)'(?:::regclass)?\)$")


# a database repeats a few spellings thousands of times: normalise each once
canonical_type = lru_cache(maxsize=1024)(_canonical_type)


# a default ending in a cast with a type modifier (`::character varying(24)[]`, `::numeric(10,2)`): the server adds
# none itself, so the canonical default (the cast dropped) would be stored otherwise (Column.stored_default);
# so would one cast to another type than the column's (types.casts_to_another_type)
_MODIFIED_CAST = re.compile(r"::[\w \".]+\(\d+(?:,\s*\d+)?\)(?:\[\])*$")


@lru_cache(maxsize=4096)
def _default(expr: str, type_: str, is_enum: bool) -> str | None:
    return canonical_default(strip_own_cast(expr, type_, is_enum), type_, is_enum)


# -- the queries -------------------------------------------------------------------------------------
# Each takes the namespace oids as %(ns)s. Their number is fixed: tables grow rows, never queries.

_Q_NAMESPACES = """
SELECT n.oid, n.nspname FROM pg_namespace n
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%%'
  AND n.nspname NOT LIKE 'pg\\_temp\\_%%'
  AND n.nspname <> '{watch}'  -- a replay's own log (ddl_watch.py), never the user's
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid
                  AND d.deptype = 'e')
ORDER BY n.nspname
""".replace("{watch}", WATCH_SCHEMA)

# Speed (one introspection per migration in `verify`; pull of 1,000 tables): the tables are picked once (a
# materialized CTE, so the extension check runs per table, not per column); comments are joined from
# pg_description instead of calling obj_description/col_description (SQL functions, one query per column);
# a column's collation is looked up only when it is not its type's. Same rows; a third of the query's time.
_Q_COLUMNS = """
WITH rel AS MATERIALIZED (
  SELECT c.oid, c.relnamespace, c.relname, c.relpersistence FROM pg_class c
  WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY(%(ns)s)
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                    AND d.deptype = 'e'))
SELECT c.oid, n.nspname, c.relname, td.description, c.relpersistence = 'u',
       a.attnum, a.attname, a.attnotnull, a.attidentity, a.attgenerated, a.attndims,
       format_type(a.atttypid, a.atttypmod), t.typtype, t.typcategory,
       et.typname, et.typtype, etn.nspname, format_type(t.typelem, a.atttypmod),
       pg_get_expr(ad.adbin, ad.adrelid), cd.description,
       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
            THEN (SELECT quote_ident(coln.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
                  JOIN pg_namespace coln ON coln.oid = co.collnamespace WHERE co.oid = a.attcollation) END
FROM rel c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description td ON td.objoid = c.oid AND td.classoid = 'pg_class'::regclass AND td.objsubid = 0
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attislocal
LEFT JOIN pg_description cd ON cd.objoid = c.oid AND cd.classoid = 'pg_class'::regclass AND cd.objsubid = a.attnum
LEFT JOIN pg_type t ON t.oid = a.atttypid
-- a domain over an array type has the array's category ('A') but no element type: not an array itself
LEFT JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' AND t.typtype <> 'd' THEN t.typelem ELSE t.oid END
LEFT JOIN pg_namespace etn ON etn.oid = et.typnamespace
LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
ORDER BY c.oid, a.attnum
"""

# Speed: a key's column names looked up one index probe per key column (the join read every column of the
# table), and the exclusion-only arrays computed for exclusion constraints only. Same rows.
_Q_CONSTRAINTS = """
SELECT con.conrelid, con.contype, con.conname,
       ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = k.n)
             FROM unnest(con.conkey) WITH ORDINALITY k(n, i) ORDER BY k.i),
       rn.nspname, rc.relname,
       ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attnum = k.n)
             FROM unnest(con.confkey) WITH ORDINALITY k(n, i) ORDER BY k.i),
       con.confdeltype, con.confupdtype, con.condeferrable, con.condeferred,
       CASE WHEN con.contype = 'c' THEN ARRAY[pg_get_constraintdef(con.oid, true), pg_get_constraintdef(con.oid)] END,
       {nnd}, con.convalidated, con.connoinherit, con.confmatchtype = 'f',
       CASE WHEN con.contype = 'x' THEN (SELECT am.amname FROM pg_class ic JOIN pg_am am ON am.oid = ic.relam
                                         WHERE ic.oid = con.conindid) END,
       CASE WHEN con.contype = 'x' THEN ARRAY(SELECT pg_get_indexdef(con.conindid, k.o::int, true)
             FROM unnest(con.conexclop) WITH ORDINALITY k(op, o) ORDER BY k.o) ELSE '{{}}' END,
       CASE WHEN con.contype = 'x' THEN ARRAY(SELECT k.n FROM unnest(xi.indkey::int2[]) WITH ORDINALITY k(n, o) ORDER BY k.o) ELSE '{{}}' END,
       CASE WHEN con.contype = 'x' THEN ARRAY(SELECT op.oprname FROM unnest(con.conexclop) WITH ORDINALITY k(op, o)
             JOIN pg_operator op ON op.oid = k.op ORDER BY k.o) ELSE '{{}}' END,
       CASE WHEN con.contype = 'x' THEN ARRAY(SELECT CASE WHEN oc.opcdefault THEN NULL
                         WHEN ocn.nspname = 'pg_catalog' THEN oc.opcname
                         ELSE quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) END
             FROM unnest(xi.indclass::oid[]) WITH ORDINALITY k(n, o)
             JOIN pg_opclass oc ON oc.oid = k.n JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
             ORDER BY k.o) ELSE '{{}}' END,
       CASE WHEN xi.indpred IS NOT NULL THEN ARRAY[pg_get_expr(xi.indpred, xi.indrelid, true),
                                                   pg_get_expr(xi.indpred, xi.indrelid)] END,
       CASE WHEN con.contype = 'x' THEN ARRAY(SELECT a.attname FROM unnest(xi.indkey::int2[]) WITH ORDINALITY k(n, o)
             JOIN pg_attribute a ON a.attrelid = xi.indrelid AND a.attnum = k.n
             WHERE k.o > xi.indnkeyatts ORDER BY k.o) ELSE '{{}}' END,
       (SELECT ic.reloptions FROM pg_class ic WHERE ic.oid = con.conindid AND con.contype = 'x')
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid AND con.contype = 'u'
LEFT JOIN pg_index xi ON xi.indexrelid = con.conindid AND con.contype = 'x'
WHERE c.relnamespace = ANY(%(ns)s) AND c.relkind IN ('r', 'p') AND con.contype IN ('p', 'u', 'f', 'c', 'x')
  AND con.conislocal
ORDER BY con.conrelid, con.conname
"""

_Q_INDEXES = """
SELECT i.indrelid, ic.relname, i.indisunique, am.amname, i.indnkeyatts,
       ARRAY(SELECT k.n FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o) ORDER BY k.o),
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.o::int, true)
             FROM generate_series(1, i.indnatts) WITH ORDINALITY k(n, o) ORDER BY k.o),
       ARRAY(SELECT k.n FROM unnest(i.indoption::int2[]) WITH ORDINALITY k(n, o) ORDER BY k.o),
       ARRAY(SELECT CASE WHEN oc.opcdefault AND ia.attoptions IS NULL THEN NULL
                         ELSE CASE WHEN ocn.nspname = 'pg_catalog' THEN oc.opcname
                                   ELSE quote_ident(ocn.nspname) || '.' || quote_ident(oc.opcname) END
                              -- the operator class's parameters (`tsvector_ops (siglen='8')`), a default's too
                              || COALESCE(' (' || (SELECT string_agg(split_part(x, '=', 1) || '='''
                                                   || substr(x, strpos(x, '=') + 1) || '''', ', ')
                                                   FROM unnest(ia.attoptions) x) || ')', '') END
             FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(n, o)
             JOIN pg_opclass oc ON oc.oid = k.n JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
             LEFT JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = k.o
             ORDER BY k.o),
       CASE WHEN i.indpred IS NOT NULL THEN ARRAY[pg_get_expr(i.indpred, i.indrelid, true),
                                                  pg_get_expr(i.indpred, i.indrelid)] END,
       ic.reloptions, {nnd},
       pg_get_indexdef(i.indexrelid)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_am am ON am.oid = ic.relam
WHERE c.relnamespace = ANY(%(ns)s) AND c.relkind IN ('r', 'p') AND NOT ic.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                  AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
"""

_Q_ENUMS = """
SELECT n.nspname, t.typname, ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid
                                   ORDER BY e.enumsortorder)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND t.typnamespace = ANY(%(ns)s)
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
                  AND d.deptype = 'e')
ORDER BY n.nspname, t.typname
"""

# Speed: each sequence's owning column looked up by its own dependency rows (one index probe a sequence; OFFSET 0
# keeps the planner from joining every column dependency of the database first: 25 → 15 ms on 1,000 tables).
_Q_SEQUENCES = """
SELECT n.nspname, c.relname, s.seqincrement::text, s.seqstart::text, s.seqmin::text, s.seqmax::text,
       s.seqcache::text, s.seqcycle, d.deptype, d.refobjid, a.attname, format_type(s.seqtypid, NULL),
       own.nspname, oc.relname
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (SELECT d.deptype, d.refobjid, d.refobjsubid FROM pg_depend d
     WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
       AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0 OFFSET 0) d ON true
LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
LEFT JOIN pg_class oc ON oc.oid = d.refobjid
LEFT JOIN pg_namespace own ON own.oid = oc.relnamespace
WHERE c.relnamespace = ANY(%(ns)s) OR d.refobjid IS NOT NULL
ORDER BY n.nspname, c.relname
"""


def _serial_own(seq: _SeqRow, type_: str) -> bool:
    """Whether the sequence is what `serial` makes for a column of `type_`: of that type, with the defaults (a
    bigint sequence under an integer column, or one counting by 10, is a sequence of its own, kept as declared)."""
    from .types import serial_options

    return seq.data_type == type_ and serial_options(type_, seq.increment, seq.start, seq.min_value,
                                                     seq.max_value, seq.cache, seq.cycle)


@dataclass
class _SeqRow:
    schema: str
    name: str
    increment: str
    start: str
    min_value: str
    max_value: str
    cache: str
    cycle: bool
    owner_kind: str | None  # 'a' (OWNED BY, serial) | 'i' (identity) | None
    owner_table: int | None
    owner_column: str | None
    data_type: str
    owner_schema: str | None
    owner_name: str | None

    def owned_by(self) -> tuple[str, str, str] | None:
        """The column that owns the sequence (OWNED BY), not as a serial's or an identity's own."""
        if self.owner_kind != "a" or self.owner_schema is None or self.owner_name is None or self.owner_column is None:
            return None
        return (self.owner_schema, self.owner_name, self.owner_column)


@dataclass
class _TableRows:
    schema: str
    name: str
    comment: str | None
    unlogged: bool
    columns: list[tuple[Any, ...]] = field(default_factory=list)
    constraints: list[tuple[Any, ...]] = field(default_factory=list)
    indexes: list[tuple[Any, ...]] = field(default_factory=list)


# the kinds of the whole-database queries, in the order `introspect` sends them (introspect_repeat.py's tokens)
OTHER_KINDS = ("enums", "sequences", "lineage", "views", "view_indexes", "routines", "triggers", "domains",
               "composites", "rls", "policies", "extensions", "grants", "roles", "comments")


def introspect(conn: Any, scope: Scope | None = None, *, helper: Any = None,
               unmanaged: list[str] | None = None) -> Schema:
    """The model of the database `conn` is connected to (a psycopg 3 connection), within `scope`; `helper`, a
    second connection to it, runs some of the queries of a whole read meanwhile (see _read_on_two). `unmanaged`:
    where given, what the database holds that mizzle does not manage is listed into it (unmanaged.py)."""
    from .introspect_repeat import NARROW, schema_rows, table_rows
    from .unmanaged import describe, found_of
    from .unmanaged import query as unmanaged_query

    scope = scope or Scope()
    ns_rows, changes = schema_rows(conn, _Q_NAMESPACES)
    namespaces = _wanted(ns_rows, scope)
    ns_oids = [oid for oid, _ in namespaces]
    version = conn.info.server_version
    beside = [unmanaged_query(version)] if unmanaged is not None and helper is not None else []
    nnd = "ix.indnullsnotdistinct" if version >= 150000 else "false"
    from .introspect_objects import QUERIES as OBJECT_QUERIES  # views, functions, triggers, …
    from .introspect_objects import build_objects
    from .introspect_security import SECURITY_QUERIES, with_security_rows

    per_table = [_Q_COLUMNS, _Q_CONSTRAINTS.format(nnd=nnd), _Q_INDEXES.format(nnd=nnd.replace("ix.", "i."))]
    others = [_Q_ENUMS, _Q_SEQUENCES, lineage.Q_LINEAGE, *OBJECT_QUERIES, *SECURITY_QUERIES, _Q_COMMENTS]
    assert len(others) == len(OTHER_KINDS)

    def read(rels: list[int] | None, skip: set[int]) -> tuple[list[Any], ...]:
        """Every query's rows; the per-table queries' for the tables `rels` only (None: all); the other
        queries at the positions `skip` not run (their rows [])."""
        narrowed = per_table if rels is None else [q.replace(*NARROW) for q in per_table]
        params = {"ns": ns_oids, "rels": rels}
        queries = [*narrowed, *(None if i in skip else q for i, q in enumerate(others))]
        if helper is not None and rels is None:
            rows = _read_on_two(conn, helper, queries, params, beside)
            if beside:  # read once, on the first call
                assert unmanaged is not None
                unmanaged.extend(describe(found_of(rows[-1])))
                beside.clear()
                return rows[:-1]
            return rows
        return _read_pipelined(conn, queries, params)

    # a database introspected again on one connection (verify): unchanged tables' rows remembered, and the
    # whole-database queries' rows while their catalogue rows are unchanged (introspect_repeat.py)
    results = table_rows(conn, ns_oids, read, OTHER_KINDS, changes)
    if unmanaged is not None and (helper is None or beside):  # not read beside the model: read now
        unmanaged.extend(describe(found_of(conn.execute(unmanaged_query(version), {"ns": ns_oids}).fetchall())))
    columns, constraints, indexes, enums, sequences, lineage_rows = results[:6]
    objects_rows, security_rows = list(results[6:6 + len(OBJECT_QUERIES)]), results[6 + len(OBJECT_QUERIES):-1]
    model = _with_comments(_build(namespaces, columns, constraints, indexes, enums, sequences, scope, lineage_rows,
                                  _builds_of(conn)), results[-1])
    # row-level security, policies, extensions, grants (introspect_security.py)
    model = replace(model, objects=build_objects(objects_rows, scope.wants_table))
    # after the objects: grants on views name them; the tracking schema reported only while it holds something
    return scope.settled(with_security_rows(model, *security_rows, wants_grant=scope.wants_grant))


def _read_pipelined(conn: Any, queries: list[str | None], params: dict[str, Any],
                    jit_off: bool = False) -> tuple[list[Any], ...]:
    """Each query's rows ([] for None), the queries sent in one pipeline (one round trip); `jit_off`: JIT turned off
    first, on a connection that did not read the schemas (introspect_repeat.without_jit)."""
    with conn.pipeline():
        if jit_off:
            from .introspect_repeat import without_jit

            without_jit(conn)
        cursors = [None if q is None else conn.execute(q, params) for q in queries]
    return tuple([] if cur is None else cur.fetchall() for cur in cursors)


# -- speed: a whole read on two connections ------------------------------------------------------------------------
# The server runs one connection's queries one after the other, on one CPU. Given a second connection (pull opens
# one: commands/pull_reading.py), the indexes' query and the whole-database ones (about half the server's time of
# a 1,000-table read: pg_get_indexdef per index column) run on it, from a helper thread, while the columns' and
# constraints' run on `conn`: the same queries and rows, in about half the server's wall time where a second CPU
# is free. Each query reads its own snapshot of the catalogue either way (autocommit). A failure on the helper's
# side is raised here as it would be on `conn`.
_ON_CONN = 2  # the first queries (columns, constraints) stay on `conn`; the columns' alone with queries `beside`


def _read_on_two(conn: Any, helper: Any, queries: list[str | None], params: dict[str, Any],
                 beside: Iterable[str] = ()) -> tuple[list[Any], ...]:
    """The rows of `queries`, then of `beside` (extra queries, read on `conn` after its share: pull lists what mizzle
    does not manage there, while `helper` still reads — ~60 ms of a 1,000-table pull's server time no longer waited
    for before the reading starts)."""
    import threading

    theirs: list[Any] = []
    # balance (1,000 tables: columns 72 ms, constraints 19, unmanaged 65 on `conn`; indexes 62 and the rest ~45 on
    # the helper): with the listing beside, the constraints go to the helper — 137 / 124 ms instead of 156 / 105
    on_conn = 1 if beside else _ON_CONN

    def read_theirs() -> None:
        try:
            theirs.append(_read_pipelined(helper, queries[on_conn:], params, jit_off=True))
        except BaseException as e:  # noqa: BLE001 - raised on the caller's thread below
            theirs.append(e)

    thread = threading.Thread(target=read_theirs, name="mizzle-introspect-helper", daemon=True)
    thread.start()
    try:
        mine = _read_pipelined(conn, [*queries[:on_conn], *beside], params)
    finally:
        thread.join()
    if isinstance(theirs[0], BaseException):
        raise theirs[0]
    return (*mine[:on_conn], *theirs[0], *mine[on_conn:])


_Q_COMMENTS = """
SELECT 'index', n.nspname, c.relname, ic.relname, d.description
FROM pg_description d JOIN pg_index i ON i.indexrelid = d.objoid JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_class'::regclass AND d.objsubid = 0 AND c.relnamespace = ANY(%(ns)s)
UNION ALL
SELECT 'constraint', n.nspname, c.relname, con.conname, d.description
FROM pg_description d JOIN pg_constraint con ON con.oid = d.objoid JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE d.classoid = 'pg_constraint'::regclass AND c.relnamespace = ANY(%(ns)s)
UNION ALL
SELECT 'type', n.nspname, NULL, t.typname, d.description
FROM pg_description d JOIN pg_type t ON t.oid = d.objoid JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE d.classoid = 'pg_type'::regclass AND t.typtype = 'e' AND t.typnamespace = ANY(%(ns)s)
"""


def _with_comments(model: Schema, rows: list[tuple[Any, ...]]) -> Schema:
    """COMMENT ON INDEX / CONSTRAINT (onto their tables' `comments`) and COMMENT ON TYPE of enums."""
    if not rows:
        return model
    by_table: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    enum_comments: dict[tuple[str, str], str] = {}
    for kind, schema, table, name, text in rows:
        if kind == "type":
            enum_comments[(schema, name)] = text
        else:
            by_table.setdefault((schema, table), []).append((kind, name, text))
    tables = [replace(t, comments=tuple(by_table[t.key])) if t.key in by_table else t for t in model.tables]
    enums = [replace(e, comment=enum_comments.get(e.key)) for e in model.enums]
    return model.with_(tables=tables, enums=enums)


def _owned_by_excluded(s: Any, scope: Scope) -> bool:
    """A sequence owned by a table never reported (a tracking table in a managed schema, e.g. a tenant's; a table
    `tables_filter` leaves out): not reported — it goes with its table."""
    owner = s.owned_by()
    return owner is not None and not scope.wants_table(owner[0], owner[1])


def scope_namespaces(conn: Any, scope: Scope) -> list[tuple[int, str]]:
    """(oid, name) of the schemas in `scope` (user schemas, not an extension's)."""
    return _wanted(conn.execute(_Q_NAMESPACES).fetchall(), scope)


def _wanted(rows: list[tuple[Any, ...]], scope: Scope) -> list[tuple[int, str]]:
    return [(oid, name) for oid, name in rows if scope.wants_schema(name)]


def _build(namespaces: list[tuple[int, str]], column_rows: list[tuple[Any, ...]],
           constraint_rows: list[tuple[Any, ...]], index_rows: list[tuple[Any, ...]],
           enum_rows: list[tuple[Any, ...]], sequence_rows: list[tuple[Any, ...]], scope: Scope,
           lineage_rows: list[tuple[Any, ...]] = (),  # type: ignore[assignment]
           last_built: dict[int, _Built] | None = None) -> Schema:
    tables: dict[int, _TableRows] = {}
    for row in column_rows:
        oid = row[0]
        t = tables.get(oid)
        if t is None:
            t = tables[oid] = _TableRows(row[1], row[2], row[3], bool(row[4]))
        if row[5] is not None:  # a table with no columns comes as one row without an attribute (LEFT JOIN)
            t.columns.append(row)
    tables = {oid: t for oid, t in tables.items() if scope.wants_table(t.schema, t.name)}
    for row in constraint_rows:
        if row[0] in tables:
            tables[row[0]].constraints.append(row)
    for row in index_rows:
        if row[0] in tables:
            tables[row[0]].indexes.append(row)

    seqs = [_SeqRow(*r) for r in sequence_rows]
    owned: dict[tuple[int, str], _SeqRow] = {}
    for s in seqs:
        if s.owner_table is not None and s.owner_column is not None:
            owned[(s.owner_table, s.owner_column)] = s
    managed = {name for _, name in namespaces}
    serial_seqs: set[tuple[str, str]] = set()
    by_oid: dict[int, Table] = {}
    built: dict[int, _Built] = {}
    for oid, t in tables.items():
        by_oid[oid], used = _table_remembered(oid, t, owned, last_built or {}, built)
        serial_seqs |= used
    if last_built is not None:
        last_built.clear()
        last_built.update(built)
    model_tables = list(lineage.with_lineage(by_oid, list(lineage_rows)).values())
    sequences = [Sequence(name=s.name, schema=s.schema, increment=s.increment, start=s.start,
                          min_value=s.min_value, max_value=s.max_value, cache=s.cache, cycle=bool(s.cycle),
                          data_type=None if s.data_type == "bigint" else s.data_type, owned_by=s.owned_by())
                 for s in seqs
                 if s.schema in managed and s.owner_kind != "i" and (s.schema, s.name) not in serial_seqs
                 and not _owned_by_excluded(s, scope)]
    enums = [Enum(name, tuple(values), schema) for schema, name, values in enum_rows]
    schemas = [name for name in managed if name != DEFAULT_SCHEMA]
    return make_schema("postgresql", tables=model_tables, enums=enums, sequences=_unique(sequences),
                       schemas=schemas)


def _unique(seqs: Iterable[Sequence]) -> list[Sequence]:
    return list({s.key: s for s in seqs}.values())


# -- speed: a table built from the same rows again is the same Table ------------------------------------
# `verify` and the snapshot rebuild introspect one database after each migration, and introspect_repeat.py hands
# back the previous introspection's very row objects for a table whose catalogue rows did not change. Such a
# table is not built again: the previous build is reused when the table's rows are the same objects, its
# name, comment and logging the same, and the rows of the sequences its columns own equal. What it buys: the
# build of ~70 tables per step (a sixth of verify's time on dokploy), and an identical Table object, which the
# canonical forms' memo finds by identity (canonical_tables.py). The latest introspection of each connection is
# remembered, while the connection lives.
_Built = tuple[tuple[Any, ...], tuple[Any, ...], tuple[Table, set[tuple[str, str]]]]
_builds: weakref.WeakKeyDictionary[Any, dict[int, _Built]] = weakref.WeakKeyDictionary()


def _builds_of(conn: Any) -> dict[int, _Built] | None:
    """The tables built by the latest introspection of `conn`, by oid (None: a connection not weakly referable)."""
    try:
        return _builds.setdefault(conn, {})
    except TypeError:
        return None


def _table_remembered(oid: int, t: _TableRows, owned: dict[tuple[int, str], _SeqRow], last_built: dict[int, _Built],
                      built: dict[int, _Built]) -> tuple[Table, set[tuple[str, str]]]:
    rows = (*t.columns, *t.constraints, *t.indexes)
    facts = (t.schema, t.name, t.comment, t.unlogged,
             *(None if (s := owned.get((oid, row[6]))) is None else tuple(vars(s).values()) for row in t.columns))
    prev = last_built.get(oid)
    if prev is not None and prev[1] == facts and len(prev[0]) == len(rows) \
            and all(a is b for a, b in zip(prev[0], rows, strict=True)):
        out = prev[2]
    else:
        table, used = _table(oid, t, owned)
        out = (canonical_table(table), used)  # in the order make_schema puts it: kept as it is there
    built[oid] = (rows, facts, out)
    return out


def _table(oid: int, t: _TableRows, owned: dict[tuple[int, str], _SeqRow]) -> tuple[Table, set[tuple[str, str]]]:
    serial_seqs: set[tuple[str, str]] = set()
    columns = []
    for row in t.columns:
        col, seq = _column(oid, t, row, owned)
        columns.append(col)
        if seq is not None:
            serial_seqs.add(seq)
    pk = None
    fks, uniques, checks, excludes = [], [], [], []
    for (_, kind, name, cols, ref_schema, ref_table, ref_cols, on_delete, on_update, deferrable, deferred,
         definition, nulls_not_distinct, validated, no_inherit, match_full, *exclusion) in t.constraints:
        cols = tuple(cols)
        if kind == "x":
            excludes.append(_exclusion(name, _deferrable(deferrable, deferred), *exclusion))
        elif kind == "p":
            implicit = len(cols) == 1 and name == default_constraint_name(t.name, "pkey")
            pk = PrimaryKey(cols, None if implicit else name, _deferrable(deferrable, deferred))
        elif kind == "f":
            fks.append(ForeignKey(name=name, columns=cols, ref_table=ref_table, ref_columns=tuple(ref_cols),
                                  ref_schema=ref_schema, on_delete=_FK_ACTIONS[on_delete],
                                  on_update=_FK_ACTIONS[on_update],
                                  deferrable=_deferrable(deferrable, deferred), not_valid=not validated,
                                  match_full=bool(match_full)))
        elif kind == "u":
            uniques.append(UniqueConstraint(name, cols, bool(nulls_not_distinct), _deferrable(deferrable, deferred)))
        elif kind == "c":
            checks.append(CheckConstraint(name, check_expression(*definition), not validated, bool(no_inherit)))
    indexes = [_index(row) for row in t.indexes]
    return Table(name=t.name, schema=t.schema, columns=tuple(columns), primary_key=pk, foreign_keys=tuple(fks),
                 uniques=tuple(uniques), checks=tuple(checks), indexes=tuple(indexes),
                 comment=t.comment, unlogged=t.unlogged, excludes=tuple(excludes)), serial_seqs


def _exclusion(name: str, deferrable: str | None, method: str, defs: list[str], attnums: list[int],
               operators: list[str], opclasses: list[str | None], where: list[str] | None, include: list[str],
               reloptions: list[str] | None) -> ExclusionConstraint:
    """An exclusion constraint: its key elements (one per operator), its index's INCLUDE columns and storage
    parameters (`reloptions`, "fillfactor=70")."""
    elements = tuple(ExclusionElement(d, op, True, oc) if n == 0 else ExclusionElement(_unquote(d), op, False, oc)
                     for d, n, op, oc in zip(defs, attnums, operators, opclasses, strict=False))
    with_ = tuple((k, v) for k, _, v in (o.partition("=") for o in reloptions or ()))  # as stored, pg_dump's order
    return ExclusionConstraint(name, elements, method, faithful(*where) if where else None, deferrable,
                               tuple(include), with_)


def _deferrable(deferrable: bool, deferred: bool) -> str | None:
    return ("deferred" if deferred else "immediate") if deferrable else None


def _column(oid: int, t: _TableRows, row: tuple[Any, ...],
            owned: dict[tuple[int, str], _SeqRow]) -> tuple[Column, tuple[str, str] | None]:
    (_, _, _, _, _, _, name, not_null, identity_kind, generated_kind, ndims, formatted, typtype, category,
     elem_name, elem_typtype, elem_schema, elem_formatted, default_sql, comment, collation) = row
    is_array = category == "A" and typtype != "d"  # a domain over text[]: the domain (its category is text[]'s)
    type_schema = None
    if elem_typtype == "e":
        type_ = elem_name + "[]" * max(ndims or 0, 1) if is_array else elem_name
        type_schema = elem_schema
    elif is_array:
        type_ = canonical_type(elem_formatted) + "[]" * max(ndims or 0, 1)
    else:
        type_ = canonical_type(formatted)
    is_enum = type_schema is not None
    default = generated = identity = None
    serial_seq = None
    if generated_kind:
        generated = strip_parentheses(default_sql)
    elif identity_kind:
        seq = owned.get((oid, name))
        identity = Identity(kind="always" if identity_kind == "a" else "byDefault",
                            sequence_name=seq.name if seq else None,
                            increment=seq.increment if seq else None, start=seq.start if seq else None,
                            min_value=seq.min_value if seq else None, max_value=seq.max_value if seq else None,
                            cache=seq.cache if seq else None, cycle=bool(seq.cycle) if seq else False)
    elif default_sql is not None:
        seq = owned.get((oid, name))
        m = _NEXTVAL.match(default_sql)
        if (m and seq is not None and seq.owner_kind == "a" and type_ in _SERIALS
                and _names_sequence(m.group("seq"), seq) and seq.name == serial_sequence_name(t.name, name)
                and _serial_own(seq, type_)):
            type_ = _SERIALS[type_]
            serial_seq = (seq.schema, seq.name)
        else:
            default = _default(default_sql, type_, is_enum)
    stored = default_sql if default is not None and default != default_sql and (
        _MODIFIED_CAST.search(default_sql) or (not is_enum and casts_to_another_type(default_sql, type_))) else None
    return Column(name=name, type=type_, not_null=bool(not_null), default=default, type_schema=type_schema,
                  identity=identity, generated=generated, comment=comment,
                  collation=canonical_collation(collation), stored_default=stored), serial_seq


def _names_sequence(ref: str, seq: _SeqRow) -> bool:
    """Does the regclass text in nextval('…') name `seq`? The server qualifies it only when the schema is
    not on the search_path."""
    ref = ref.replace("''", "'")
    parts = [p.strip('"') for p in re.findall(r'"(?:[^"]|"")*"|[^.]+', ref)]
    if len(parts) == 2:
        return (parts[0], parts[1]) == (seq.schema, seq.name)
    return bool(parts) and parts[-1] == seq.name


def _index(row: tuple[Any, ...]) -> Index:
    (_, name, unique, method, nkey, attnums, defs, options, opclasses, where, reloptions, nnd, definition) = row
    # pg_get_indexdef writes an element's COLLATE only where it is not its column's (expression's) own
    collations = index_collations(definition) if definition and " COLLATE " in definition else ()
    cols = []
    for k in range(nkey):
        option = options[k] or 0
        asc = not option & 1
        nulls = "first" if option & 2 else "last"
        coll = canonical_collation(collations[k]) if k < len(collations) else None
        if attnums[k] == 0:
            cols.append(IndexColumn(defs[k], True, asc, nulls, opclasses[k], coll))
        else:
            cols.append(IndexColumn(_unquote(defs[k]), False, asc, nulls, opclasses[k], coll))
    include = tuple(_unquote(d) for d in defs[nkey:])
    with_ = tuple(tuple(o.split("=", 1)) for o in (reloptions or ()))  # type: ignore[misc]  # as stored, in order
    return Index(name=name, columns=tuple(cols), unique=bool(unique), method=method,
                 where=faithful(*where) if where else None, with_=with_,
                 include=include, nulls_not_distinct=bool(nnd))


def _unquote(ident: str) -> str:
    if ident.startswith('"') and ident.endswith('"'):
        return ident[1:-1].replace('""', '"')
    return ident


def default_constraint_name(table: str, label: str, column: str | None = None) -> str:
    """The name PostgreSQL picks for an implicit object (makeObjectName): `<table>[_<column>]_<label>`,
    with the name parts shortened (the longer first) so the whole fits 63 bytes."""
    n1, n2 = table.encode(), (column.encode() if column is not None else None)
    overhead = len(label.encode()) + 1 + (1 if n2 is not None else 0)
    avail = MAX_IDENTIFIER_BYTES - overhead
    l1, l2 = len(n1), len(n2) if n2 is not None else 0
    while l1 + l2 > avail:
        if l1 > l2:
            l1 -= 1
        else:
            l2 -= 1
    out = n1[:l1].decode(errors="ignore")
    if n2 is not None:
        out += "_" + n2[:l2].decode(errors="ignore")
    return f"{out}_{label}"


__all__ = ["Scope", "introspect", "default_constraint_name", "serial_sequence_name", "check_expression"]
