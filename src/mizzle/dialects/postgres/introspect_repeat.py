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
from functools import lru_cache
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


# -- speed: the whole-database queries (enums, views, functions, grants…) re-run only when their rows can differ --
# What it buys: of the ~15 queries an introspection runs besides the per-table ones (~13 ms of server time a
# step on dokploy, where most of them find nothing), a step runs only those whose catalogue rows changed or
# whose kind of object exists, for one cheap query of tokens (index range scans of the user objects' rows).
# A kind's token is one of:
# - 'empty': no object the query could return exists (a superset of its rows, e.g. no view at all): its rows are
#   [] without running it;
# - a version text: the (xmin, ctid) of every catalogue row the query reads, as for the tables above (a row
#   changed has a new version: a new xmin, at a new ctid; a row dropped is gone; a row filtered in or out shows
#   or disappears), plus the content of pg_roles (a view: no xmin; roles are the cluster's, so another database's
#   role changes re-run those queries, never the other way round): equal to the previous step's, the previous
#   rows are reused;
# - NULL: such objects exist, and the query prints names of objects it does not own (a view's definition names
#   tables, columns, functions…), too many catalogues to follow: it runs.
# xmin: the versions are compared as exact texts, never as sums or maxima, so the order of transaction ids does not
# matter; a frozen row keeps its raw xmin (PostgreSQL >= 9.4; an older server writing 2 there only makes a token
# differ once); two versions could share (xmin, ctid) only 2^32 transactions apart, not between two steps. Rows
# are limited to oid >= 16384 (FirstNormalObjectId: every object created after initdb, so every one in a user
# schema), which the catalogues' oid indexes read as a range. In-place catalogue updates (VACUUM's relpages,
# reltuples, relhasindex…; no new xmin) touch no column these queries read.
_USER_OID = 16384


def _rows(catalog: str, where: str, version: str = "x.xmin::text || x.ctid::text", join: str = "") -> str:
    """The versions of `catalog`'s rows (x) matching `where`, as one text (empty when none)."""
    return f"coalesce((SELECT string_agg({version}, ',' ORDER BY x.ctid) FROM {catalog} x{join} WHERE {where}), '')"


def _exists(catalog: str, where: str) -> str:
    return f"EXISTS (SELECT 1 FROM {catalog} x WHERE {where})"


_ROLES = "coalesce((SELECT md5(string_agg(r::text, ',' ORDER BY r.oid)) FROM pg_roles r), '')"
_NS = _rows("pg_namespace", "true")
_ACL_ROWS = [
    _rows("pg_class", f"x.oid >= {_USER_OID} AND x.relacl IS NOT NULL"),
    # a column's grant prints its table's name and compares its owner: the table's row too
    _rows("pg_attribute", f"x.attrelid >= {_USER_OID} AND x.attacl IS NOT NULL",
          "x.xmin::text || x.ctid::text || c.xmin::text || c.ctid::text", " JOIN pg_class c ON c.oid = x.attrelid"),
    _NS, _ROLES]
_EXACT = {  # kind → the rows its query reads (all of them: the token is the query's input)
    "enums": [_rows("pg_type", f"x.oid >= {_USER_OID} AND x.typtype = 'e'"), _rows("pg_enum", "true"), _NS,
              _rows("pg_depend", f"x.classid = 'pg_type'::regclass AND x.objid >= {_USER_OID} AND x.deptype = 'e'")],
    # a sequence, and the column owning it (serial, identity, OWNED BY): its name and its table's
    "sequences": [_rows("pg_class", f"x.oid >= {_USER_OID} AND x.relkind = 'S'"), _rows("pg_sequence", "true"), _NS,
                  _rows("pg_depend", f"""x.classid = 'pg_class'::regclass AND x.objid >= {_USER_OID}
                        AND x.refclassid = 'pg_class'::regclass AND x.deptype IN ('a', 'i') AND x.refobjsubid > 0""",
                        "x.xmin::text || x.ctid::text || '/' || coalesce(a.xmin::text || a.ctid::text, '') || '/'"
                        " || coalesce(oc.xmin::text || oc.ctid::text, '')",
                        " JOIN pg_class s ON s.oid = x.objid AND s.relkind = 'S'"
                        " LEFT JOIN pg_attribute a ON a.attrelid = x.refobjid AND a.attnum = x.refobjsubid"
                        " LEFT JOIN pg_class oc ON oc.oid = x.refobjid")],
    "rls": [_rows("pg_class", f"x.oid >= {_USER_OID} AND (x.relrowsecurity OR x.relforcerowsecurity)"), _NS],
    "extensions": [_rows("pg_extension", "true"), _NS],
    "grants": ["shared.acl"],  # read once for both (the sub-select in object_tokens_query)
    "roles": ["shared.acl", _rows("pg_policy", "true")],
}
_ANY = {  # kind → a superset of the objects its query returns: none, no rows
    "lineage": _exists("pg_inherits", "true") + " OR " + _exists("pg_partitioned_table", "true"),
    "views": _exists("pg_class", f"x.oid >= {_USER_OID} AND x.relkind IN ('v', 'm')"),
    "view_indexes": _exists("pg_class", f"x.oid >= {_USER_OID} AND x.relkind = 'm'"),
    "routines": _exists("pg_proc", f"x.oid >= {_USER_OID}"),
    "triggers": _exists("pg_trigger", "NOT x.tgisinternal"),  # a foreign key's triggers are internal
    "domains": _exists("pg_type", f"x.oid >= {_USER_OID} AND x.typtype = 'd'"),
    "composites": _exists("pg_class", f"x.oid >= {_USER_OID} AND x.relkind = 'c'"),
    "policies": _exists("pg_policy", "true"),
    "comments": _exists("pg_description", f"""x.objoid >= {_USER_OID} AND (x.classoid IN ('pg_constraint'::regclass,
        'pg_type'::regclass) OR x.classoid = 'pg_class'::regclass AND x.objsubid = 0
        AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = x.objoid))"""),
}


@lru_cache(maxsize=8)
def object_tokens_query(kinds: tuple[str, ...]) -> str:
    """One row: each kind's token (see above), in the order of `kinds` (a kind not listed: NULL, always run)."""
    cols = []
    for kind in kinds:
        if kind in _EXACT:
            cols.append("md5(concat_ws('|', " + ", ".join(_EXACT[kind]) + "))")
        elif kind in _ANY:
            cols.append(f"CASE WHEN {_ANY[kind]} THEN NULL ELSE 'empty' END")
        else:
            cols.append("NULL::text")
    return "SELECT " + ", ".join(cols) + " FROM (SELECT concat_ws('|', " + ", ".join(_ACL_ROWS) + ") AS acl) shared"


class _Remembered:
    def __init__(self) -> None:
        self.calls = 0
        self.ns: list[int] | None = None
        self.global_fp: str | None = None
        self.fps: dict[int, str] = {}
        self.rows: dict[int, tuple[list[Any], list[Any], list[Any]]] = {}  # oid → columns, constraints, indexes
        self.tokens: list[str | None] = []  # the whole-database queries' tokens and rows, in `kinds` order
        self.others: list[list[Any]] = []
        self.complete = False  # rows and others hold a whole introspection


_by_connection: weakref.WeakKeyDictionary[Any, _Remembered] = weakref.WeakKeyDictionary()


Read = Callable[[list[int] | None, set[int]], tuple[list[Any], ...]]


def table_rows(conn: Any, ns: list[int], read: Read, kinds: tuple[str, ...] = (),
               changes: Any = None) -> tuple[list[Any], ...]:
    """The (column, constraint, index, *other) rows of an introspection of `conn`. `read(rels, skip)` runs the
    introspection's queries, the per-table ones for the tables `rels` only (None: every table), and of the
    whole-database ones (one per kind of `kinds`, in order) not those at the positions `skip` (their rows []);
    the per-table rows of the tables that did not change since the previous introspection of `conn` are taken
    from it, and so are the whole-database rows whose token did not change. Where a replay's scratch database
    logs its own changes (ddl_watch.py), what changed is read from that log instead of the fingerprints
    (`changes`: the log already read, by `schema_rows`)."""
    from . import ddl_watch

    try:
        mem = _by_connection.setdefault(conn, _Remembered())
    except TypeError:  # a connection that cannot be weakly referenced: nothing remembered
        return read(None, set())
    mem.calls += 1
    watch = ddl_watch.of(conn)
    if watch is not None:
        return _watched(changes if changes is not None else watch.read(conn), mem, ns, read, kinds)
    if mem.calls == 1:
        return read(None, set())
    with conn.pipeline():
        fp_cur = conn.execute(Q_TABLE_FINGERPRINTS, {"ns": ns})
        global_cur = conn.execute(Q_GLOBAL_FINGERPRINT)
        token_cur = conn.execute(object_tokens_query(kinds)) if kinds else None
    fps = {oid: (fp, refs) for oid, fp, refs in fp_cur.fetchall()}
    global_fp = global_cur.fetchone()[0]
    tokens: list[str | None] = list(token_cur.fetchone()) if token_cur is not None else []
    same_ns = mem.ns == ns
    stale = not same_ns or mem.global_fp != global_fp
    changed = set(fps) if stale else {oid for oid, (fp, _) in fps.items() if mem.fps.get(oid) != fp}
    changed |= {oid for oid, (_, refs) in fps.items() if any(r in changed or r not in fps for r in refs or ())}
    if not stale and any(oid not in mem.rows for oid in fps if oid not in changed):
        stale, changed = True, set(fps)  # cannot happen (every fingerprinted table is remembered); to be safe
    kept_others = _kept_others(mem, tokens, same_ns)
    rows = read(None if stale else sorted(changed), {i for i, t in enumerate(tokens) if t == "empty"} | set(kept_others))
    others = [kept_others[i] if i in kept_others else [] if t == "empty" else rows[3 + i] for i, t in enumerate(tokens)]
    fresh = _by_oid(rows[:3], changed)  # a table read without rows (an extension's) is remembered as such
    kept = {oid: mem.rows[oid] for oid in fps if oid not in changed}
    mem.global_fp = global_fp
    mem.fps = {oid: fp for oid, (fp, _) in fps.items()}
    mem.tokens = tokens
    return _remember(mem, ns, {**kept, **fresh}, others if kinds else list(rows[3:]))


def schema_rows(conn: Any, query: str) -> tuple[list[tuple[Any, ...]], Any]:
    """`query`'s rows (the schemas, read first by every introspection) and, where a replay's scratch database logs
    its own changes (ddl_watch.py), that log's news for table_rows — one round trip for both; else None."""
    from . import ddl_watch

    watch = ddl_watch.of(conn)
    if watch is None:
        with conn.pipeline():
            without_jit(conn)
            cur = conn.execute(query)
        return cur.fetchall(), None
    return watch.read_with(conn, query)  # a scratch database: JIT off for the whole database (scratch.py)


# -- speed: no JIT for a catalogue reading -------------------------------------------------------------------------
# PostgreSQL compiles a query whose estimated cost passes jit_above_cost (100,000 by default) to machine code before
# running it. Where the catalogue's statistics are up to date (any database autovacuum has analyzed), the listing of
# what mizzle does not manage (unmanaged.py, one query over every kind) passed it on 1,000 tables: 630 ms of its
# 700 went to compiling 1,124 functions for a query reading a few thousand catalogue rows, and pull took 1.74–2.23 s
# against 1.25 s with JIT off (the same database, analyzed; a database just made, its statistics still those of an
# empty one, was not compiled for). No catalogue reading runs long enough to repay a compile: each connection that
# reads one turns JIT off for its session, sent in the pipeline of its first queries (no round trip of its own).
# The migrations' own statements run on the runner's connection, under the server's settings.
def without_jit(conn: Any) -> None:
    """Within a pipeline on `conn`: `SET jit = off` queued (PostgreSQL 11 and later; before, there is no JIT)."""
    if conn.info.server_version >= 110000:
        conn.execute("SET jit = off")


def _watched(ch: Any, mem: _Remembered, ns: list[int], read: Read, kinds: tuple[str, ...]) -> tuple[list[Any], ...]:
    """table_rows from the scratch database's own log (ddl_watch.Changes `ch`): the tables it names re-read, the
    whole-database queries run again where `ch.reruns` says; everything on the first call or a new scope."""
    mem.global_fp, mem.fps, mem.tokens = None, {}, []  # the fingerprints' memory: not kept up to date here
    if not mem.complete or mem.ns != ns or ch.everything:
        rows = read(None, set())
        return _remember(mem, ns, _by_oid(rows[:3], set()), list(rows[3:]))
    skip = {i for i, kind in enumerate(kinds)
            if not ch.reruns(kind, bool(mem.others[i]), _owners(kind, mem.others[i]))}
    if not ch.tables and len(skip) == len(kinds):
        rows = ([], [], [])
    else:
        rows = read(sorted(ch.tables), skip)
    others = [mem.others[i] if i in skip else rows[3 + i] for i in range(len(kinds))]
    fresh = {oid: r for oid, r in _by_oid(rows[:3], set()).items()}
    kept = {oid: r for oid, r in mem.rows.items() if oid not in ch.tables and oid not in ch.dropped}
    return _remember(mem, ns, {**kept, **fresh}, others)


def _owners(kind: str, rows: list[Any]) -> set[int] | None:
    """The sequences' owning tables (introspect.py's _Q_SEQUENCES: the dependency's refobjid, 10th), for `reruns`."""
    return {r[9] for r in rows if r[9] is not None} if kind == "sequences" else None


def _remember(mem: _Remembered, ns: list[int], merged: dict[int, tuple[list[Any], list[Any], list[Any]]],
              others: list[list[Any]]) -> tuple[list[Any], ...]:
    """Keep this introspection's rows for the next one on the same connection; the rows, tables in oid order."""
    mem.ns, mem.rows, mem.others, mem.complete = list(ns), merged, others, True
    out: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    for oid in sorted(merged):
        for i in range(3):
            out[i].extend(merged[oid][i])
    return (*out, *others)


def _kept_others(mem: _Remembered, tokens: list[str | None], same_ns: bool) -> dict[int, list[Any]]:
    """The previous introspection's rows of the whole-database queries whose token is a version text equal to
    the previous one (by position in `tokens`)."""
    if not same_ns or len(mem.tokens) != len(tokens):
        return {}
    return {i: mem.others[i] for i, t in enumerate(tokens) if t is not None and t != "empty" and mem.tokens[i] == t}


def _by_oid(rows: tuple[list[Any], ...], oids: set[int]) -> dict[int, tuple[list[Any], list[Any], list[Any]]]:
    out: dict[int, tuple[list[Any], list[Any], list[Any]]] = {oid: ([], [], []) for oid in oids}
    for i, kind in enumerate(rows):
        for row in kind:
            out.setdefault(row[0], ([], [], []))[i].append(row)
    return out
