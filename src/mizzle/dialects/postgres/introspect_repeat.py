"""Speed: introspecting one database again and again (`verify` and `check --rebuild-snapshots` introspect the
scratch database after each of ~200 migrations) re-reads only the tables whose catalogue rows changed.

What it buys: the per-table queries (columns, constraints, indexes: two thirds of an introspection's server
time) run for the few tables a migration touched instead of for every table. The model is the same: this
module only decides which rows can be taken from the previous introspection of the same connection.

How a change is seen: every change to a catalogue row writes a new row version, with the writing transaction's
id as its `xmin` and at a new place (`ctid`: two versions written by one transaction differ there), and a
dropped row disappears; so the list of (xmin, ctid, oid) of a table's rows changes whenever a row changes,
appears or goes. A table's fingerprint lists them for each catalogue its rows are read from
(pg_class, pg_attribute, pg_attrdef, pg_constraint, pg_index and its indexes' pg_class rows, pg_description,
its columns' pg_type rows, membership in an extension). What the server prints in those rows but reads from
elsewhere is covered by the global fingerprint: any change to a user-defined type, enum label, function,
operator, operator class, collation, access method, schema, or non-table relation (sequence, view, composite
type…) re-reads every table; a foreign key's referenced table (its name, its columns' names) and a
partition's parent are followed: a table referring to a re-read table is re-read too. A fingerprint is read
before the rows, so a change racing the reading can only cause an extra re-read, never a stale row.
The first introspection of a connection reads no fingerprint (one-shot callers pay nothing); the second reads
everything and the fingerprints; from the third on, only what changed.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

# (table oid, fingerprint, oids of the tables its foreign keys reference and of its parents)
# (the column's type row is looked up by oid, per column: a join made the planner scan pg_type once per table,
# two thirds of the query's time on dokploy's ~70 tables)
Q_TABLE_FINGERPRINTS = """
SELECT c.oid,
       concat_ws('|', c.xmin::text || c.ctid::text,
         (SELECT string_agg(a.xmin::text || a.ctid::text || ':' || a.attnum || ':'
                            || (SELECT t.xmin::text || t.ctid::text FROM pg_type t WHERE t.oid = a.atttypid),
                            ',' ORDER BY a.attnum)
          FROM pg_attribute a WHERE a.attrelid = c.oid),
         (SELECT string_agg(ad.xmin::text || ad.ctid::text || ':' || ad.oid, ',' ORDER BY ad.oid)
          FROM pg_attrdef ad WHERE ad.adrelid = c.oid),
         (SELECT string_agg(con.xmin::text || con.ctid::text || ':' || con.oid, ',' ORDER BY con.oid)
          FROM pg_constraint con WHERE con.conrelid = c.oid),
         (SELECT string_agg(i.xmin::text || i.ctid::text || ':' || ic.xmin::text || ic.ctid::text || ':'
                            || i.indexrelid, ',' ORDER BY i.indexrelid)
          FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid),
         (SELECT string_agg(d.xmin::text || d.ctid::text || ':' || d.objsubid, ',' ORDER BY d.objsubid)
          FROM pg_description d WHERE d.objoid = c.oid AND d.classoid = 'pg_class'::regclass),
         (SELECT string_agg(h.xmin::text || h.ctid::text || ':' || h.inhparent, ',' ORDER BY h.inhseqno)
          FROM pg_inherits h WHERE h.inhrelid = c.oid),
         (SELECT string_agg(d.xmin::text || d.ctid::text || ':' || d.refobjid, ',') FROM pg_depend d
          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')),
       ARRAY(SELECT con.confrelid FROM pg_constraint con WHERE con.conrelid = c.oid AND con.contype = 'f'
             UNION SELECT h.inhparent FROM pg_inherits h WHERE h.inhrelid = c.oid)
FROM pg_class c
WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY(%(ns)s)
"""

# one text: every user-defined object a table's printed rows can name, other than tables
def _versions(catalog: str, where: str = "") -> str:
    version = "x.xmin::text || x.ctid::text || ':' || x.oid"
    return f"(SELECT string_agg({version}, ',' ORDER BY x.oid) FROM {catalog} x{where})"


_USER = " WHERE x.oid >= 16384"  # FirstNormalObjectId: not the system's own
Q_GLOBAL_FINGERPRINT = "SELECT concat_ws('|', " + ", ".join([
    _versions("pg_namespace"),
    _versions("pg_type", _USER + """
     AND NOT EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = x.typrelid AND r.relkind IN ('r', 'p', 't'))
     AND NOT EXISTS (SELECT 1 FROM pg_type e JOIN pg_class r ON r.oid = e.typrelid
                     WHERE e.oid = x.typelem AND x.typcategory = 'A' AND r.relkind IN ('r', 'p', 't'))"""),
    _versions("pg_enum"),
    *(_versions(catalog, _USER) for catalog in ("pg_proc", "pg_operator", "pg_opclass", "pg_collation", "pg_am")),
    _versions("pg_class", _USER + " AND x.relkind NOT IN ('r', 'p', 'i', 'I', 't')"),
]) + ")"

# the per-table queries' scope, narrowed to the tables to re-read
NARROW = ("c.relnamespace = ANY(%(ns)s)", "c.relnamespace = ANY(%(ns)s) AND c.oid = ANY(%(rels)s)")


class _Remembered:
    def __init__(self) -> None:
        self.calls = 0
        self.ns: list[int] | None = None
        self.global_fp: str | None = None
        self.fps: dict[int, str] = {}
        self.rows: dict[int, tuple[list[Any], list[Any], list[Any]]] = {}  # oid → columns, constraints, indexes


_by_connection: weakref.WeakKeyDictionary[Any, _Remembered] = weakref.WeakKeyDictionary()


def table_rows(conn: Any, ns: list[int], read: Callable[[list[int] | None], tuple[list[Any], ...]]
               ) -> tuple[list[Any], ...]:
    """The (column, constraint, index, *other) rows of an introspection of `conn`. `read(rels)` runs the
    introspection's queries, the per-table ones for the tables `rels` only (None: every table); the per-table
    rows of the tables that did not change since the previous introspection of `conn` are taken from it."""
    try:
        mem = _by_connection.setdefault(conn, _Remembered())
    except TypeError:  # a connection that cannot be weakly referenced: nothing remembered
        return read(None)
    mem.calls += 1
    if mem.calls == 1:
        return read(None)
    with conn.pipeline():
        fp_cur = conn.execute(Q_TABLE_FINGERPRINTS, {"ns": ns})
        global_cur = conn.execute(Q_GLOBAL_FINGERPRINT)
    fps = {oid: (fp, refs) for oid, fp, refs in fp_cur.fetchall()}
    global_fp = global_cur.fetchone()[0]
    stale = mem.ns != ns or mem.global_fp != global_fp
    changed = set(fps) if stale else {oid for oid, (fp, _) in fps.items() if mem.fps.get(oid) != fp}
    changed |= {oid for oid, (_, refs) in fps.items() if any(r in changed or r not in fps for r in refs or ())}
    if not stale and any(oid not in mem.rows for oid in fps if oid not in changed):
        stale, changed = True, set(fps)  # cannot happen (every fingerprinted table is remembered); to be safe
    rows = read(None if stale else sorted(changed))
    fresh = _by_oid(rows[:3], changed)  # a table read without rows (an extension's) is remembered as such
    kept = {oid: mem.rows[oid] for oid in fps if oid not in changed}
    merged = {**kept, **fresh}
    mem.ns, mem.global_fp = list(ns), global_fp
    mem.fps = {oid: fp for oid, (fp, _) in fps.items()}
    mem.rows = merged
    out: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    for oid in sorted(merged):
        for i in range(3):
            out[i].extend(merged[oid][i])
    return (*out, *rows[3:])


def _by_oid(rows: tuple[list[Any], ...], oids: set[int]) -> dict[int, tuple[list[Any], list[Any], list[Any]]]:
    out: dict[int, tuple[list[Any], list[Any], list[Any]]] = {oid: ([], [], []) for oid in oids}
    for i, kind in enumerate(rows):
        for row in kind:
            out.setdefault(row[0], ([], [], []))[i].append(row)
    return out
