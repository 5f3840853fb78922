"""drizzle-kit 1.x's SQLite snapshots ↔ the version "6" snapshot JSON the rest of mizzle reads for SQLite.

drizzle-kit 1.x (checked against 1.0.0-rc.5's output) writes, per migration folder, a `snapshot.json` of version
"7", dialect "sqlite", with `prevIds` and `renames`, and the WHOLE schema as a flat `ddl` list of rows (tables,
columns, indexes, fks, pks, uniques, checks, views; each with an `entityType`): no base/diff split, no deltas, no
footprints (that is PostgreSQL's version "9", snapshot_v9.py).

Where 1.x's defaults differ from mizzle's SQLite model (drizzle-kit 0.x's), the names are translated here and
only here (SQLite keeps no constraint names a database could disagree with):
- a foreign key's default name is `fk_<table>_<cols>_<ref>_<refcols>_fk` (0.x: no `fk_` prefix);
- every primary key is a `pks` row named `<table>_pk` (0.x: a column's `primaryKey`, or `<table>_<cols>_pk`);
- `.unique()` is a table constraint (`uniques`, `<table>_<cols>_unique`), where mizzle's model, as 0.x, has a
  unique index of that name (introspection reads an inline UNIQUE the same way): a unique index with that default
  name is written as a `uniques` row, one a previous snapshot already held keeps its kind;
- a check's columns are bare (`"age"`, 0.x: `"users"."age"`);
- a single-column primary key's column is `notNull: false` unless the previous snapshot said otherwise (1.x's
  `.primaryKey()`); a composite key's members keep the model's NOT NULL.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from ...errors import IntegrityError, UsageError
from ...schema.naming import fk_name, pk_name, unique_name

VERSION = "7"
DIALECT = "sqlite"


# the v6 JSON's keys for a name the database keeps that is not the schema code's (drizzle-kit 1.x keeps a renamed
# table's `<old>_…` names of the keys, uniques and foreign keys left unnamed): ForeignKey.server_name,
# PrimaryKey.server_name
SERVER_NAME = "_serverName"
SERVER_PK = "_pkServerName"


# a mark on a v6 index (rebuilt snapshots only; read here, never written into a row): the migrations' SQL made it with CREATE UNIQUE
# INDEX, so it is an `indexes` row even under a unique constraint's default name (`uniqueIndex("t_a_b_unique")`)
MADE_AS_INDEX = "_madeAsIndex"
_CREATE_UNIQUE_INDEX = re.compile(r'(?i)\bCREATE\s+UNIQUE\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?'
                                  r'(?:`((?:[^`]|``)+)`|"((?:[^"]|"")+)"|([\w$]+))')


# the other way: the migrations' SQL made it a named UNIQUE constraint inside CREATE TABLE (`CONSTRAINT x UNIQUE`), so
# it is a `uniques` row whatever its name (karakeep's `unique("bookmarkTags_userId_id_idx")`)
MADE_AS_CONSTRAINT = "_madeAsConstraint"
_NAMED_UNIQUE = re.compile(r'(?i)\bCONSTRAINT\s+(?:`((?:[^`]|``)+)`|"((?:[^"]|"")+)"|([\w$]+))\s*UNIQUE\b')


def mark_made_as_indexes(snap: dict[str, Any], texts: list[str]) -> None:
    """Mark (MADE_AS_INDEX) each unique index of `snap` (v6 JSON) that `texts` (the migrations so far) create with
    CREATE UNIQUE INDEX: the database cannot tell it from a UNIQUE constraint by its name (a helper: a
    `uniqueIndex()` named `<table>_<cols>_unique` was rebuilt as a `uniques` row, and drizzle-kit rebuilt the table);
    and (MADE_AS_CONSTRAINT) each that they make a named UNIQUE constraint only."""
    made = set().union(*(_unique_indexes_made(t) for t in texts))
    constraints = set().union(*(_unique_constraints_made(t) for t in texts))
    for table in (snap.get("tables") or {}).values():
        for ix in (table.get("indexes") or {}).values():
            if ix.get("isUnique") and ix["name"] in made:
                ix[MADE_AS_INDEX] = True
            elif ix.get("isUnique") and ix["name"] in constraints:
                ix[MADE_AS_CONSTRAINT] = True


# speed: a rebuild marks each snapshot with the migrations up to it, so each text is asked once per later snapshot;
# its names are remembered by text (a folder of n migrations: n scans, not n²/2)
@lru_cache(maxsize=4096)
def _unique_indexes_made(text: str) -> frozenset[str]:
    """The names of the unique indexes `text` creates with CREATE UNIQUE INDEX."""
    return frozenset((m.group(1) or m.group(2) or m.group(3)).replace("``", "`").replace('""', '"')
                     for m in _CREATE_UNIQUE_INDEX.finditer(text))


@lru_cache(maxsize=4096)
def _unique_constraints_made(text: str) -> frozenset[str]:
    """The names `text` gives UNIQUE constraints (`CONSTRAINT x UNIQUE`)."""
    return frozenset((m.group(1) or m.group(2) or m.group(3)).replace("``", "`").replace('""', '"')
                     for m in _NAMED_UNIQUE.finditer(text))


def fk_name_v1(table: str, columns: list[str], ref: str, ref_columns: list[str]) -> str:
    return f"fk_{table}_{'_'.join(columns)}_{ref}_{'_'.join(ref_columns)}_fk"


def _default_fk_name(table: str, f: dict[str, Any]) -> bool:
    """Whether a v6 foreign key carries drizzle-kit's derived name: whole, or cut to 63 bytes as mizzle wrote it
    on SQLite before it kept the name whole like drizzle-kit."""
    return f["name"] in {fk_name(table, tuple(f["columnsFrom"]), f["tableTo"], tuple(f["columnsTo"]), cut=cut)
                         for cut in (False, True)}


def _default_unique_name(table: str, name: str, columns: list[str]) -> bool:
    """Whether a v6 unique constraint's name is drizzle-kit's derived one: whole, or cut as mizzle wrote it before."""
    return name in {unique_name(table, tuple(columns), cut=cut) for cut in (False, True)}


def is_1x(snap: dict[str, Any]) -> bool:
    """A drizzle-kit 1.x SQLite snapshot (a `ddl` list and `prevIds`)."""
    return snap.get("dialect") == DIALECT and isinstance(snap.get("ddl"), list)


# -- rows → v6 JSON -------------------------------------------------------------------------------------------

def v6_from_rows(rows: list[dict[str, Any]], id_: str, prev_id: str) -> dict[str, Any]:
    """The version 6 snapshot JSON mizzle reads, of a 1.x snapshot's `ddl`."""
    tables: dict[str, Any] = {}
    internal: dict[str, Any] = {}
    snap: dict[str, Any] = {"version": "6", "dialect": DIALECT, "id": id_, "prevId": prev_id, "tables": tables,
                            "views": {}, "enums": {}, "_meta": {"schemas": {}, "tables": {}, "columns": {}},
                            "internal": {"indexes": internal}}
    for r in rows:
        if r.get("entityType") == "tables":
            tables[r["name"]] = {"name": r["name"], "columns": {}, "indexes": {}, "foreignKeys": {},
                                 "compositePrimaryKeys": {}, "uniqueConstraints": {}, "checkConstraints": {}}
    for r in rows:
        kind = str(r.get("entityType"))
        if kind not in _PART_V6 and kind not in ("views", "tables"):
            raise IntegrityError(f"a drizzle-kit 1.x SQLite snapshot has a {kind!r} row, which mizzle cannot read")
        if kind == "views":
            snap["views"][r["name"]] = {"columns": {}, "name": r["name"], "isExisting": bool(r.get("isExisting")),
                                        "definition": r.get("definition")}
        elif kind != "tables":
            _PART_V6[kind](tables[r["table"]], r, internal)
    return snap


def _column_v6(t: dict[str, Any], r: dict[str, Any], internal: dict[str, Any]) -> None:
    d: dict[str, Any] = {"name": r["name"], "type": r["type"], "primaryKey": False, "notNull": bool(r.get("notNull")),
                         "autoincrement": bool(r.get("autoincrement"))}
    if r.get("default") is not None:
        d["default"] = r["default"]
    if r.get("generated"):
        d["generated"] = {"as": r["generated"]["as"], "type": r["generated"].get("type", "stored")}
    t["columns"][r["name"]] = d


def _pk_v6(t: dict[str, Any], r: dict[str, Any], internal: dict[str, Any]) -> None:
    cols = list(r["columns"])
    if not r.get("nameExplicit") and r["name"] != f"{t['name']}_pk":  # `<old>_pk` kept through a table rename
        t[SERVER_PK] = r["name"]
    if len(cols) == 1 and not r.get("nameExplicit"):
        t["columns"][cols[0]]["primaryKey"] = True
        return
    name = r["name"] if r.get("nameExplicit") else pk_name(t["name"], tuple(cols), cut=False)
    t["compositePrimaryKeys"][name] = {"columns": cols, "name": name}


def _fk_v6(t: dict[str, Any], r: dict[str, Any], internal: dict[str, Any]) -> None:
    name = r["name"] if r.get("nameExplicit") else fk_name(t["name"], tuple(r["columns"]), r["tableTo"],
                                                            tuple(r["columnsTo"]), cut=False)
    t["foreignKeys"][name] = {"name": name, "tableFrom": t["name"], "tableTo": r["tableTo"],
                              "columnsFrom": list(r["columns"]), "columnsTo": list(r["columnsTo"]),
                              "onDelete": (r.get("onDelete") or "NO ACTION").lower(),
                              "onUpdate": (r.get("onUpdate") or "NO ACTION").lower()}
    if not r.get("nameExplicit") and r["name"] != fk_name_v1(t["name"], r["columns"], r["tableTo"], r["columnsTo"]):
        t["foreignKeys"][name][SERVER_NAME] = r["name"]


def _unique_v6(t: dict[str, Any], r: dict[str, Any], internal: dict[str, Any]) -> None:
    """A `uniques` row; one left unnamed under an `<old>_…` name (a table rename) keyed by the code's name."""
    cols = tuple(r["columns"])
    name = r["name"] if r.get("nameExplicit") else unique_name(t["name"], cols, cut=False)
    t["uniqueConstraints"][name] = {"name": name, "columns": list(cols)}
    if name != r["name"]:
        t["uniqueConstraints"][name][SERVER_NAME] = r["name"]


def _index_v6(t: dict[str, Any], r: dict[str, Any], internal: dict[str, Any]) -> None:
    d: dict[str, Any] = {"name": r["name"], "columns": [c["value"] for c in r["columns"]],
                         "isUnique": bool(r.get("isUnique"))}
    if r.get("where"):
        d["where"] = r["where"]
    t["indexes"][r["name"]] = d
    # drizzle-kit 1.x's `up` writes every element of a 0.x index as a column (`lower("email")` too): one that names
    # no column of the table is an expression
    exprs = {c["value"]: {"isExpression": True} for c in r["columns"]
             if c.get("isExpression") or c["value"] not in t["columns"]}
    if exprs:
        internal[r["name"]] = {"columns": exprs}


_PART_V6 = {
    "columns": _column_v6,
    "pks": _pk_v6,
    "fks": _fk_v6,
    "indexes": _index_v6,
    "uniques": _unique_v6,
    "checks": lambda t, r, _: t["checkConstraints"].__setitem__(r["name"], {"name": r["name"], "value": r["value"]}),
}


# -- v6 JSON → rows -------------------------------------------------------------------------------------------

def rows_from_v6(snap: dict[str, Any], previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `ddl` of mizzle's v6 snapshot JSON, in drizzle-kit 1.x's order; `previous` (the parent snapshot's rows)
    decides what the model cannot: whether a unique is a constraint or an index, a key column's notNull."""
    kept = {(r["entityType"], r.get("table"), r["name"]): r for r in previous}
    tables = list((snap.get("tables") or {}).values())
    internal = (snap.get("internal") or {}).get("indexes") or {}
    rows: list[dict[str, Any]] = [{"name": t["name"], "entityType": "tables"} for t in tables]
    for t in tables:
        rows += [_column_row(t, c, kept) for c in t["columns"].values()]
    parts = [r for t in tables for r in _constraint_rows(t, internal, kept)]
    parts += _key_uniques_kept(parts, previous)
    for kind in ("indexes", "fks", "pks", "uniques", "checks"):
        rows += [r for r in parts if r["entityType"] == kind]
    rows += [{"name": v["name"], "definition": v.get("definition"), "isExisting": bool(v.get("isExisting")),
              "error": None, "entityType": "views"} for v in (snap.get("views") or {}).values()]
    return rows


def _key_uniques_kept(parts: list[dict[str, Any]], previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parent's `uniques` rows on exactly a primary key's columns that `parts` (the new constraint rows) lack:
    drizzle-kit 1.x's `.unique().primaryKey()` (homarr's serverSetting), `PRIMARY KEY UNIQUE` in its SQL, where
    SQLite makes no index for the UNIQUE and mizzle's model folds it into the key (types.on_the_key). Left out, the
    next `drizzle-kit generate` rebuilds the table to add it back."""
    keys = {r["table"]: list(r["columns"]) for r in parts if r["entityType"] == "pks"}
    taken = {(r["table"], r["name"]) for r in parts}
    covered = {(r["table"], tuple(r["columns"])) for r in parts if r["entityType"] == "uniques"}
    return [dict(r) for r in previous if r.get("entityType") == "uniques" and keys.get(r.get("table")) == list(r["columns"])
            and (r["table"], r["name"]) not in taken and (r["table"], tuple(r["columns"])) not in covered]


def _column_row(t: dict[str, Any], c: dict[str, Any], kept: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    not_null = bool(c.get("notNull"))
    if c.get("primaryKey"):  # 1.x's `.primaryKey()` leaves notNull false; what an earlier snapshot said stays
        old = kept.get(("columns", t["name"], c["name"]))
        not_null = bool(old.get("notNull")) if old else False
    default = c.get("default")
    if isinstance(default, bool):
        default = "true" if default else "false"
    elif default is not None:
        default = str(default)
    gen = c.get("generated")
    return {"table": t["name"], "name": c["name"], "type": c["type"], "notNull": not_null,
            "autoincrement": bool(c.get("autoincrement")), "default": default,
            "generated": {"as": gen["as"], "type": gen.get("type", "stored")} if gen else None,
            "entityType": "columns"}


def _constraint_rows(t: dict[str, Any], internal: dict[str, Any],
                     kept: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
    name = t["name"]
    rows: list[dict[str, Any]] = []
    for ix in (t.get("indexes") or {}).values():
        cols = list(ix["columns"])
        flags = (internal.get(ix["name"]) or {}).get("columns") or {}
        plain = ix.get("isUnique") and not ix.get("where") and not flags
        real = ix.get(SERVER_NAME) or ix["name"]
        was = kept.get(("uniques", name, real)) or kept.get(("indexes", name, real))
        default = _default_unique_name(name, ix["name"], cols) and not ix.get(MADE_AS_INDEX)
        if plain and (was["entityType"] == "uniques" if was else default or ix.get(MADE_AS_CONSTRAINT)):
            rows.append({"table": name, "name": real, "columns": cols, "nameExplicit": not default,
                         "entityType": "uniques"})
            continue
        rows.append({"table": name, "name": real,
                     "columns": [{"value": c, "isExpression": bool((flags.get(c) or {}).get("isExpression"))}
                                 for c in cols],
                     "isUnique": bool(ix.get("isUnique")), "where": ix.get("where") or None, "origin": "manual",
                     "entityType": "indexes"})
    for f in (t.get("foreignKeys") or {}).values():
        explicit = not _default_fk_name(name, f)
        server = f.get(SERVER_NAME)
        if server and server.endswith("_fk") and not server.startswith("fk_"):  # the model's (0.x's) `<old>_…_fk`
            server = "fk_" + server
        rows.append({"table": name, "name": f["name"] if explicit else server or fk_name_v1(name, f["columnsFrom"], f["tableTo"],
                                                                                 f["columnsTo"]),
                     "columns": list(f["columnsFrom"]), "tableTo": f["tableTo"], "columnsTo": list(f["columnsTo"]),
                     "onUpdate": (f.get("onUpdate") or "no action").upper(),
                     "onDelete": (f.get("onDelete") or "no action").upper(), "nameExplicit": explicit,
                     "entityType": "fks"})
    rows += _pk_rows(t)
    for u in (t.get("uniqueConstraints") or {}).values():
        rows.append({"table": name, "name": u.get(SERVER_NAME) or u["name"], "columns": list(u["columns"]),
                     "nameExplicit": not _default_unique_name(name, u["name"], u["columns"]), "entityType": "uniques"})
    for c in (t.get("checkConstraints") or {}).values():
        rows.append({"table": name, "name": c["name"], "value": unqualified(c["value"], name), "entityType": "checks"})
    return rows


def unqualified(expression: str, table: str) -> str:
    """1.x writes a check with bare column names (`"age" >= 0`) where 0.x qualified them (`"users"."age" >= 0`)."""
    return expression.replace('"' + table.replace('"', '""') + '".', "")


def _pk_rows(t: dict[str, Any]) -> list[dict[str, Any]]:
    name = t["name"]
    server = t.get(SERVER_PK)
    if server and server.endswith("_pkey"):  # the model's `<old>_pkey` (PostgreSQL's suffix): 1.x's `<old>_pk`
        server = server[:-len("_pkey")] + "_pk"
    single = [c["name"] for c in t["columns"].values() if c.get("primaryKey")]
    if single:
        return [{"table": name, "name": server or f"{name}_pk", "columns": single, "nameExplicit": False, "entityType": "pks"}]
    out = []
    for p in (t.get("compositePrimaryKeys") or {}).values():
        cols = list(p["columns"])
        explicit = bool(p.get("name")) and p["name"] != pk_name(name, tuple(cols), cut=False)
        out.append({"table": name, "name": p["name"] if explicit else server or f"{name}_pk", "columns": cols,
                    "nameExplicit": explicit, "entityType": "pks"})
    return out


def renames_of(snap: dict[str, Any]) -> list[str]:
    """1.x's `renames` of a snapshot (`old->new`, `table.old->table.new`), from the `_meta` renames of mizzle's v6
    JSON (`"old"` → `"new"`, `"t"."c"` → `"t"."d"`)."""
    def bare(quoted: str) -> str:
        return ".".join(part.replace('""', '"') for part in re.findall(r'"((?:[^"]|"")*)"', quoted))
    meta = snap.get("_meta") or {}
    return [f"{bare(a)}->{bare(b)}" for kind in ("tables", "columns") for a, b in (meta.get(kind) or {}).items()]


# -- drizzle-kit 1.x's `up` of a 0.x snapshot (its updateToV7 and updateUpToV6, field by field) --------------------

_ACTIONS = {"no action": "NO ACTION", "cascade": "CASCADE", "restrict": "RESTRICT", "set default": "SET DEFAULT",
            "set null": "SET NULL"}


def _js_string(v: Any) -> str:
    """JavaScript's String(v) of a JSON value (a snapshot default)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _generated_up(gen: dict[str, Any] | None) -> dict[str, Any] | None:
    """A 0.x column's `generated` as drizzle-kit 1.x's `up` writes it: through its zod schema of 0.x snapshots,
    which orders the keys `type`, `as` (0.x wrote `as` first)."""
    return {"type": gen.get("type"), "as": gen.get("as")} if gen else None


def up_rows(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """The `ddl` drizzle-kit 1.x's `up` writes for a 0.x SQLite snapshot (version 5 or 6): its names and spellings
    kept as 0.x wrote them (a unique index stays an index; `nameExplicit` against 0.x's default names), rows of one
    kind together, in drizzle-kit's order of kinds."""
    if str(raw.get("version")) not in ("5", "6"):
        raise UsageError(f"a version {raw.get('version')} SQLite snapshot in a journal folder; `mizzle up` converts "
                         "versions 5 and 6")
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in ("tables", "columns", "indexes", "fks", "pks", "uniques",
                                                            "checks", "views")}
    for t in (raw.get("tables") or {}).values():
        name = t["name"]
        out["tables"].append({"name": name, "entityType": "tables"})
        for c in t["columns"].values():
            default = c.get("default")
            if str(raw.get("version")) == "5" and isinstance(default, (dict, list)):
                default = "'" + json.dumps(default, separators=(",", ":")) + "'"
            out["columns"].append({"table": name, "name": c["name"], "type": c["type"],
                                   "notNull": bool(c.get("notNull")) and not c.get("primaryKey"),
                                   "autoincrement": c.get("autoincrement"),
                                   "default": None if default is None else _js_string(default),
                                   "generated": _generated_up(c.get("generated")), "entityType": "columns"})
            if c.get("primaryKey"):
                out["pks"].append({"table": name, "name": f"{name}_pk", "columns": [c["name"]], "nameExplicit": False,
                                   "entityType": "pks"})
        for p in (t.get("compositePrimaryKeys") or {}).values():
            # version 5 keys a composite key by its name but gives the key no `name`: drizzle-kit's `up` writes null
            # (explicit, being no default name), as here
            out["pks"].append({"table": name, "name": p.get("name"), "columns": list(p["columns"]),
                               "nameExplicit": p.get("name") != pk_name(name, tuple(p["columns"]), cut=False),
                               "entityType": "pks"})
        out["indexes"] += [{"table": name, "name": ix["name"],
                            "columns": [{"value": c, "isExpression": False} for c in ix["columns"]],
                            "isUnique": bool(ix.get("isUnique")), "where": ix.get("where"), "origin": "manual",
                            "entityType": "indexes"} for ix in (t.get("indexes") or {}).values()]
        out["uniques"] += [{"table": name, "name": u["name"], "columns": list(u["columns"]),
                            "nameExplicit": not _default_unique_name(name, u["name"], u["columns"]),
                            "entityType": "uniques"}
                           for u in (t.get("uniqueConstraints") or {}).values()]
        out["checks"] += [{"table": name, "name": c["name"], "value": c["value"], "entityType": "checks"}
                          for c in (t.get("checkConstraints") or {}).values()]
        out["fks"] += [{"table": name, "name": f["name"], "columns": list(f["columnsFrom"]), "tableTo": f["tableTo"],
                        "columnsTo": list(f["columnsTo"]), "onUpdate": _ACTIONS[f.get("onUpdate") or "no action"],
                        "onDelete": _ACTIONS[f.get("onDelete") or "no action"],
                        "nameExplicit": not _default_fk_name(name, f), "entityType": "fks"}
                       for f in (t.get("foreignKeys") or {}).values()]
    out["views"] = [{"name": v["name"], "definition": v.get("definition"), "isExisting": bool(v.get("isExisting")),
                     "error": None, "entityType": "views"} for v in (raw.get("views") or {}).values()]
    return [r for rows in out.values() for r in rows]


def up_renames(raw: dict[str, Any]) -> list[str]:
    """drizzle-kit 1.x's `up` of a 0.x snapshot's `_meta` renames: `key->value` as 0.x wrote them (quoted)."""
    meta = raw.get("_meta") or {}
    return [f"{k}->{v}" for kind in ("tables", "columns") for k, v in (meta.get(kind) or {}).items()]


# -- the folder codec: what mizzle.migrations.folders1 asks of SQLite's 1.x snapshots -----------------------------

ORIGIN = "00000000-0000-0000-0000-000000000000"  # drizzle-kit's parent id of a folder's first snapshot


_KINDS = ("tables", "columns", "indexes", "fks", "pks", "uniques", "checks", "views")  # drizzle-kit 1.x's order


def row_key(row: dict[str, Any]) -> str:
    """A row's identity, as drizzle-kit 1.x keys SQLite rows: its kind, then its table (none for tables and
    views) and name."""
    return row["entityType"] + "\0" + json.dumps([row.get("table"), row["name"]], ensure_ascii=False,
                                                  separators=(",", ":"))


def _ancestors(snapshots: dict[str, dict[str, Any]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        i = stack.pop()
        if i not in seen and i in snapshots:
            seen.add(i)
            stack.extend(p for p in snapshots[i].get("prevIds") or [] if isinstance(p, str))
    return seen


def merged_rows(snapshots: dict[str, dict[str, Any]], tips: list[str]) -> list[dict[str, Any]]:
    """The schema after the leaves `tips` combined: their latest common ancestor's rows, with what each leaf's
    rows add, drop and change against them (every snapshot holds the whole schema of its own branch)."""
    if len(tips) == 1:
        return [dict(r) for r in snapshots[tips[0]].get("ddl") or []]
    common = set.intersection(*(_ancestors(snapshots, t) for t in tips))
    base = max(common, key=lambda i: snapshots[i]["_dir"], default=None)
    start = {row_key(r): r for r in (snapshots[base].get("ddl") or [] if base is not None else [])}
    state = dict(start)
    for t in tips:
        mine = {row_key(r): r for r in snapshots[t].get("ddl") or []}
        for k in start:
            if k not in mine:
                state.pop(k, None)
        state.update({k: r for k, r in mine.items() if start.get(k) != r})
    return sorted(state.values(), key=lambda r: _KINDS.index(r["entityType"]) if r["entityType"] in _KINDS else 99)


def row_changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(change, the row it touches as it was) from one whole schema to the next, in PostgreSQL's delta form
    (drop by key, create with the row, alter with the fields set), for the branch check."""
    old, new = {row_key(r): r for r in before}, {row_key(r): r for r in after}
    out: list[tuple[dict[str, Any], dict[str, Any]]] = [({"op": "drop", "key": k}, r) for k, r in old.items()
                                                         if k not in new]
    for k, r in new.items():
        if k not in old:
            out.append(({"op": "create", "row": r}, r))
        elif old[k] != r:
            out.append(({"op": "alter", "key": k, "set": {f: v for f, v in r.items() if old[k].get(f) != v}}, old[k]))
    return out


class FolderCodec:
    """SQLite's snapshots in drizzle-kit 1.x's folder layout ↔ v6 JSON (see mizzle.dialects.base.FolderCodec): every
    snapshot the whole schema of its branch, no deltas. Two leaves (branches merged without a migration joining
    them) combine as their common ancestor plus what each branch changed (`merged_rows`); the branch check compares
    each snapshot's changes against its parents' schema (`changes`)."""

    version = VERSION

    def state_json(self, snapshots: dict[str, dict[str, Any]], id_: str, source: str) -> dict[str, Any]:
        snap = snapshots[id_]
        if not is_1x(snap):
            raise IntegrityError(f"{source}: snapshot {id_} has no `ddl` list: not a drizzle-kit 1.x SQLite snapshot")
        prev = [p for p in snap.get("prevIds") or [] if isinstance(p, str)]
        return v6_from_rows(snap["ddl"], id_, prev[0] if prev else ORIGIN)

    def latest_json(self, snapshots: dict[str, dict[str, Any]], tips: list[str], source: str) -> dict[str, Any]:
        return v6_from_rows(merged_rows(snapshots, tips), tips[0], tips[0])

    def next_snapshot(self, v6: dict[str, Any], snapshots: dict[str, dict[str, Any]], tips: list[str], source: str,
                      sidecar_entry: dict[str, Any] | None) -> dict[str, Any]:
        """The whole schema as rows, its parents the folder's leaves."""
        previous = merged_rows(snapshots, tips) if tips else []
        return {"version": VERSION, "dialect": DIALECT, "id": v6["id"], "prevIds": tips or [ORIGIN],
                "ddl": rows_from_v6(v6, previous), "renames": renames_of(v6)}

    def changes(self, snapshots: dict[str, dict[str, Any]], id_: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """What snapshot `id_` changed: its rows against its parents' combined."""
        parents = [p for p in snapshots[id_].get("prevIds") or [] if p in snapshots]
        return row_changes(merged_rows(snapshots, parents) if parents else [], snapshots[id_].get("ddl") or [])

    up_from_raw = True  # `chain` converts the 0.x snapshot as drizzle-kit wrote it, as drizzle-kit's own `up` does

    def chain(self, parent: Any, v6: dict[str, Any] | None, id_: str, prev_ids: list[str],
              sidecar_entry: dict[str, Any] | None) -> tuple[dict[str, Any], Any]:
        """`mizzle up` from a SQLite 0.x folder: each snapshot (drizzle-kit 0.x's own JSON, version 5 or 6) as
        drizzle-kit 1.x's `up` converts it (`up_rows`): the 0.x names kept, the id kept, the parent the one before.
        No snapshot (a hand-written migration): the parent's rows again, no renames."""
        rows = up_rows(v6) if v6 is not None else list(parent or [])
        renames = up_renames(v6) if v6 is not None else []
        return {"dialect": DIALECT, "id": id_, "prevIds": prev_ids or [ORIGIN], "version": VERSION, "ddl": rows,
                "renames": renames}, rows

    def upgraded(self, snapshots: dict[str, dict[str, Any]], source: str) -> dict[str, dict[str, Any]]:
        return {}  # drizzle-kit 1.x's SQLite snapshots have one version so far



FOLDER_CODEC = FolderCodec()
