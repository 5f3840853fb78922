"""Speed: while a folder is replayed into a scratch database (`verify`, `check --rebuild-snapshots`), the server
itself logs what each migration's DDL touched, and the introspection after each migration re-reads those tables
(and what depends on them) instead of fingerprinting every table's catalogue rows (introspect_repeat.py).

What it buys: on dokploy (186 migrations, ~70 tables) the fingerprints and tokens cost ~8 ms of server time per
step; reading this log costs one query of well under a millisecond, and a migration that changes no schema (data
only) costs nothing more.

How: two event triggers (ddl_command_end, sql_drop; ENABLE ALWAYS, so `session_replication_role` cannot silence
them) call a SECURITY DEFINER function that appends every object a command created, altered, commented on,
granted on or dropped to a log table, with the table it belongs to where that is known (an index's, a dropped
constraint's, default's, trigger's or policy's). All of it lives in its own schema, `WATCH_SCHEMA`, which
introspection never reads (introspect.py's namespace query), and is dropped again before the final
introspection. What event triggers do not see is covered otherwise or refused:
- roles (cluster-wide, no event): a digest of pg_roles is read with the log; when it changes the grant and
  role queries run again;
- a migration writing into the catalogues itself (UPDATE pg_attribute …): such a folder is replayed with the
  fingerprints (`catalogue_writes`);
- an object whose table cannot be told (a dropped index created outside the log), a schema, an extension, or a
  kind of object not named here: every table and every whole-database query is read again (`Changes.everything`).
Only where the replaying role is a superuser (event triggers need one); elsewhere the fingerprints.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

WATCH_SCHEMA = "mizzle_replay_watch"

_INSTALL = f"""
CREATE SCHEMA {WATCH_SCHEMA};
CREATE UNLOGGED TABLE {WATCH_SCHEMA}.log (object_type text, command_tag text, identity text, classid oid, objid oid,
                                          tbl oid);
CREATE FUNCTION {WATCH_SCHEMA}.ddl() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO {WATCH_SCHEMA}.log
  SELECT c.object_type, c.command_tag,
         c.object_identity || coalesce(chr(1) || (SELECT string_agg(e.oid::text || ':' || e.enumlabel, chr(2)
                                                                    ORDER BY e.oid)
                                                  FROM pg_enum e WHERE e.enumtypid = c.objid
                                                  AND c.classid = 'pg_type'::regclass), ''),
         c.classid, c.objid,
         CASE WHEN c.classid = 'pg_class'::regclass THEN (SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = c.objid)
              WHEN c.classid = 'pg_policy'::regclass THEN (SELECT p.polrelid FROM pg_policy p WHERE p.oid = c.objid)
              WHEN c.classid = 'pg_trigger'::regclass THEN (SELECT t.tgrelid FROM pg_trigger t WHERE t.oid = c.objid)
              WHEN c.classid = 'pg_constraint'::regclass THEN (SELECT k.conrelid FROM pg_constraint k WHERE k.oid = c.objid)
         END
  FROM pg_event_trigger_ddl_commands() c;
END $$;
CREATE FUNCTION {WATCH_SCHEMA}.dropped() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO {WATCH_SCHEMA}.log
  SELECT d.object_type, 'DROP', d.object_identity, d.classid, d.objid,
         CASE WHEN d.object_type = 'table column' THEN d.objid
              WHEN d.object_type IN ('table constraint', 'default value', 'trigger', 'policy', 'rule')
                   AND cardinality(d.address_names) >= 2
              THEN to_regclass(quote_ident(d.address_names[1]) || '.' || quote_ident(d.address_names[2]))
         END
  FROM pg_event_trigger_dropped_objects() d;
END $$;
CREATE EVENT TRIGGER {WATCH_SCHEMA}_ddl ON ddl_command_end EXECUTE FUNCTION {WATCH_SCHEMA}.ddl();
CREATE EVENT TRIGGER {WATCH_SCHEMA}_drop ON sql_drop EXECUTE FUNCTION {WATCH_SCHEMA}.dropped();
ALTER EVENT TRIGGER {WATCH_SCHEMA}_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER {WATCH_SCHEMA}_drop ENABLE ALWAYS;
"""

_UNINSTALL = f"""
DROP EVENT TRIGGER IF EXISTS {WATCH_SCHEMA}_ddl;
DROP EVENT TRIGGER IF EXISTS {WATCH_SCHEMA}_drop;
DROP SCHEMA IF EXISTS {WATCH_SCHEMA} CASCADE;
"""

# The log since the last read (emptied); for each object it names, the tables whose rows depend on it (a foreign
# key's table on the table it references, a partition or child on its parent, a column's table on its type or
# that type's array, a default's table on its sequence or function, …), with the referenced object (an array
# type: its element) and whether the dependent is a table itself (a partition, a child); the roles' digest.
_READ = f"""
WITH log AS (DELETE FROM {WATCH_SCHEMA}.log RETURNING object_type, command_tag, identity, classid, objid, tbl),
touched AS (
  SELECT DISTINCT l.classid, l.objid, l.objid AS about FROM log l WHERE l.objid IS NOT NULL AND l.objid <> 0
  UNION SELECT 'pg_type'::regclass, t.typarray, t.oid FROM log l JOIN pg_type t ON t.oid = l.objid
  WHERE l.classid = 'pg_type'::regclass AND t.typarray <> 0),
dependent AS (
  SELECT t.classid, t.about, d.classid = 'pg_class'::regclass AS child,
         CASE d.classid
           WHEN 'pg_class'::regclass THEN coalesce((SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = d.objid),
                                                   d.objid)
           WHEN 'pg_attrdef'::regclass THEN (SELECT a.adrelid FROM pg_attrdef a WHERE a.oid = d.objid)
           WHEN 'pg_constraint'::regclass THEN (SELECT k.conrelid FROM pg_constraint k WHERE k.oid = d.objid)
           WHEN 'pg_trigger'::regclass THEN (SELECT t.tgrelid FROM pg_trigger t WHERE t.oid = d.objid)
           WHEN 'pg_policy'::regclass THEN (SELECT p.polrelid FROM pg_policy p WHERE p.oid = d.objid)
         END AS rel
  FROM pg_depend d JOIN touched t ON d.refclassid = t.classid AND d.refobjid = t.objid)
SELECT 'log', l.object_type, l.command_tag, l.identity, l.classid, l.objid, l.tbl,
       (SELECT c.relkind::text || CASE WHEN c.relrowsecurity OR c.relforcerowsecurity THEN '+rls' ELSE '' END
        FROM pg_class c WHERE c.oid = l.objid AND l.classid = 'pg_class'::regclass), NULL
FROM log l
UNION ALL SELECT 'dependent', NULL, NULL, NULL, d.classid, d.about, d.rel, NULL, d.child FROM dependent d
WHERE d.rel IS NOT NULL
UNION ALL SELECT 'family', NULL, NULL, NULL, h.inhparent, h.inhrelid, NULL, NULL, NULL FROM pg_inherits h
WHERE h.inhparent IN (SELECT l.objid FROM log l) OR h.inhrelid IN (SELECT l.objid FROM log l)
UNION ALL SELECT 'roles', coalesce((SELECT md5(string_agg(r::text, ',' ORDER BY r.oid)) FROM pg_roles r), ''),
                 NULL, NULL, NULL, NULL, NULL, NULL, NULL
"""

# object types whose change reaches no table row other than through pg_depend (above) and the log's own tables
_TABLE_LEVEL = {"table", "table column", "table constraint", "index", "default value", "trigger", "policy", "rule",
                "toast table", "sequence", "type", "function", "procedure", "aggregate", "view", "materialized view",
                "composite type", "domain constraint", "statistics object", "foreign key"}
# what each whole-database query (introspect.py's OTHER_KINDS) can start returning when one of these appears
CREATES: dict[str, set[str]] = {
    "enums": {"type"},
    "sequences": {"sequence"},
    "lineage": {"table"},
    "views": {"view", "materialized view"},
    "view_indexes": {"index", "materialized view"},
    "routines": {"function", "procedure", "aggregate"},
    "triggers": {"trigger"},
    "domains": {"type", "domain constraint"},
    "composites": {"type", "composite type"},
    "rls": {"table"},
    "policies": {"policy"},
    "extensions": {"extension"},
    "grants": {"grant"},
    "roles": {"grant", "policy"},
    "comments": {"index", "table constraint", "type"},
}
# what the rows of a query that returned some can change with (its rows print those objects' names and facts);
# a kind not listed prints names of anything (a view's definition, a grant's object…): any change runs it again
READS: dict[str, set[str]] = {
    "enums": {"type"},
    "sequences": {"sequence", "table", "table column"},  # a sequence's owner: its table's and column's names
    "lineage": {"table", "table column", "index"},
    "rls": {"table"},
    "extensions": {"extension"},
}


@dataclass
class Changes:
    """What the migrations since the last read touched."""

    any: bool = False  # a DDL command ran (or the roles changed)
    everything: bool = False  # something whose reach is not followed here: read every table and query again
    tables: set[int] = field(default_factory=set)  # tables to re-read (touched, or depending on what was)
    dropped: set[int] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)  # object types seen ("grant" for GRANT / REVOKE)
    roles_changed: bool = False
    orphans: bool = False  # a dropped part of a table (index, constraint…) whose table the log did not name
    family: bool = False  # a table logged is partitioned, or a partition, parent or child
    rls: bool = False  # a table logged has row-level security enabled or forced

    def reruns(self, kind: str, had_rows: bool, owners: set[int] | None = None) -> bool:
        """Whether the whole-database query of `kind` must run again (it returned rows before: whenever anything
        changed, as its rows print the names of what changed; none: when something of its kind appeared).
        `owners`, for the sequences: the tables owning one (their rows print the owner's and its column's names,
        and an identity's options change with an ALTER TABLE that logs the table alone)."""
        if self.everything or (self.roles_changed and kind in ("grants", "roles")):
            return True
        if not self.any:
            return False
        if had_rows and kind == "sequences" and owners is not None:
            return "sequence" in self.kinds or bool(self.tables & owners)
        if had_rows:
            return kind not in READS or bool(READS[kind] & self.kinds)
        if kind == "lineage" and not self.family:  # none before, and no partitioned table, partition or child now
            return False
        if kind == "rls" and not self.rls:  # none before, and no table logged has row-level security now
            return False
        return bool(CREATES.get(kind, set()) & self.kinds)


class _Watch:
    def __init__(self) -> None:
        self.roles: str | None = None
        self.index_tables: dict[int, int] = {}  # index oid → its table, from the log of its creation
        self.names: dict[tuple[int, int], str] = {}  # (classid, objid) → its name when last logged
        self.children: dict[int, set[int]] = {}  # table → its partitions and children, when last logged

    def read_with(self, conn: Any, query: str) -> tuple[list[tuple[Any, ...]], Changes]:
        """`query`'s rows (no parameters) and `read`, in one round trip (introspection reads its schemas with the
        log: one round trip a step less on a replay)."""
        with conn.pipeline():
            first = conn.execute(query)
            log = conn.execute(_READ)
        rows = first.fetchall()
        return rows, self.read(conn, log.fetchall())

    def read(self, conn: Any, log: list[tuple[Any, ...]] | None = None) -> Changes:
        """What changed since the last read (`log`: the log's rows, where read_with has them). A table depending
        on a touched object is re-read when it is a partition or child of it (its rows take the parent's columns
        and constraints) or when the object's name changed (its rows print that name); an object altered in
        place (a column added to a referenced table, a label added to an enum, a function replaced) changes
        nothing those rows print."""
        out = Changes()
        renamed: set[tuple[int, int]] = set()
        dependents: list[tuple[int, int, int, bool]] = []
        family: list[tuple[int, int]] = []
        logged: set[int] = set()
        for what, object_type, tag, identity, classid, objid, tbl, relkind, child in \
                (conn.execute(_READ).fetchall() if log is None else log):
            if what == "family":
                family.append((classid, objid))
            elif what == "roles":
                out.roles_changed = self.roles is not None and object_type != self.roles
                out.any = out.any or out.roles_changed
                self.roles = object_type
            elif what == "dependent":
                dependents.append((classid, objid, tbl, child))
            else:
                out.any = True
                if objid:
                    logged.add(objid)
                if self._renamed(classid, objid, tag, identity, object_type):
                    renamed.add((classid, objid))
                self._logged(out, object_type, objid, tbl, relkind)
        out.tables |= {rel for classid, about, rel, child in dependents if child or (classid, about) in renamed}
        self._family(out, logged, family)
        out.family = out.family or bool(family)
        # a dropped part whose table the log could not name (to_regclass found no table: it was being dropped
        # itself; an index made by a constraint, never logged on its own, goes only with its table or
        # constraint) comes with its table's own entry; without one, every table is read again
        out.everything = out.everything or (out.orphans and not out.tables)
        return out

    def _family(self, out: Changes, logged: set[int], family: list[tuple[int, int]]) -> None:
        """A table altered re-reads the partitions and children it had before too (DETACH PARTITION, NO INHERIT:
        the former child's columns and constraints become its own, and it no longer depends on the parent); the
        family of every object logged is read with the log (`family`: (parent, child))."""
        for t in logged:
            out.tables |= self.children.pop(t, set())
        for parent, child in family:
            self.children.setdefault(parent, set()).add(child)

    def _renamed(self, classid: int | None, objid: int | None, tag: str | None, identity: str | None,
                 object_type: str | None) -> bool:
        """Whether the logged object may now print under another name than before (renamed, moved, a column of
        it renamed; or not seen before and not just created)."""
        if classid is None or objid is None or identity is None:
            return False
        key = (classid, objid)
        if tag == "DROP":
            if object_type != "table column":
                self.names.pop(key, None)
            return False
        before = self.names.get(key)
        if object_type != "table column":
            self.names[key] = identity
        if before is None:
            return not (tag or "").startswith("CREATE")
        if object_type == "table column":
            return True
        # an enum's identity carries its labels (oid:label): a label added is no rename, a label renamed is (a
        # default's constant prints the label)
        name, _, labels = before.partition("\x01")
        new_name, _, new_labels = identity.partition("\x01")
        return name != new_name or not set(labels.split("\x02")) <= set(new_labels.split("\x02"))

    def _logged(self, out: Changes, object_type: str | None, objid: int | None, tbl: int | None,
                relkind: str | None) -> None:
        kind = (object_type or "").lower()
        if objid in (None, 0):  # GRANT / REVOKE name no object
            out.kinds.add("grant")
            return
        out.kinds.add(kind)
        if kind not in _TABLE_LEVEL:
            out.everything = True
        if kind == "index" and tbl is not None:
            self.index_tables[objid] = tbl
        if kind == "index" and tbl is None:  # dropped: its table from the log of its creation
            tbl = self.index_tables.get(objid)
            out.orphans = out.orphans or tbl is None
        if relkind:  # 'r' or 'p', '+rls' when its row-level security is on
            out.family = out.family or relkind.startswith("p")
            out.rls = out.rls or relkind.endswith("+rls")
        if kind in ("table", "table column"):  # a column's objid is its table's
            out.tables.add(objid)
            if kind == "table" and relkind is None:
                out.dropped.add(objid)
        if tbl is not None:
            out.tables.add(tbl)
        if kind in ("table constraint", "default value", "trigger", "policy", "rule") and tbl is None:
            out.orphans = True


_watches: weakref.WeakKeyDictionary[Any, _Watch] = weakref.WeakKeyDictionary()


def of(conn: Any) -> _Watch | None:
    """The watch installed through `conn`, None when there is none."""
    try:
        return _watches.get(conn)
    except TypeError:
        return None


# a statement writing into a system catalogue: no event trigger sees it
_CATALOGUE_WRITE = re.compile(r"\b(?:insert\s+into|update|delete\s+from)\s+(?:\"?pg_catalog\"?\s*\.\s*)?\"?pg_[a-z_]+",
                              re.IGNORECASE)


def catalogue_writes(texts: Iterable[str]) -> bool:
    return any(_CATALOGUE_WRITE.search(t) for t in texts)


@contextmanager
def watching(conn: Any, texts: Iterable[str]) -> Iterator[None]:
    """Install the watch into the database behind `conn` (an autocommit psycopg connection, a scratch database)
    for the `with` block, when the role may and the migrations `texts` cannot escape it; else nothing."""
    if not _install(conn, texts):
        yield
        return
    watch = _Watch()
    _watches[conn] = watch
    try:
        watch.read(conn)  # the roles as they are before the first migration
        yield
    finally:
        _watches.pop(conn, None)
        if not conn.closed:
            conn.execute(_UNINSTALL)


def _install(conn: Any, texts: Iterable[str]) -> bool:
    """Install the watch; False where the role may not create event triggers or the migrations write into the
    catalogues."""
    import psycopg

    try:
        is_super = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        if not (is_super and is_super[0]) or catalogue_writes(texts):
            return False
        conn.execute(_INSTALL)  # one implicit transaction: all of it or nothing
    except psycopg.Error:  # no event triggers here (a managed server's restricted superuser…): the fingerprints
        return False
    return True
