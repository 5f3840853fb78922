"""drizzle-kit 1.x's PostgreSQL snapshots (version "9") ↔ the v7 snapshot JSON the rest of mizzle reads.

A 1.x folder holds one `snapshot.json` per migration: the first is a `base` (the whole schema as a flat list of
`ddl` rows, each with an `entityType`), the later ones `diff`s (`deltas`: create a row, drop or alter the row with
a key). Every snapshot names its parents in `prevIds` (two or more after a branch merge). A row's key is its
entity type, a NUL, and the JSON list of its identity fields; renaming a table or column moves the rows that
depend on it (drizzle-kit's store does the same through its edges, written out here as `_EDGES`); a drop removes
its row only (drizzle-kit writes one for every row that goes).

This module only converts plain JSON: the state of a snapshot as v7 JSON (what `schema_from_snapshot` reads),
and back: the rows of a v7 snapshot mizzle made, and the deltas and footprints from a parent's rows to them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ...errors import IntegrityError, UsageError
from ...schema.naming import (
    column_addition,
    fk_name,
    fk_name_v1,
    make_object_name,
    pk_name,
    truncate_identifier,
    unique_name,
)
from .expressions import split_index_element
from .types import canonical_opclass, default_key

VERSION = "9"
DIALECT = "postgres"  # the 1.x spelling of the dialect in a snapshot

_IDENTITY: dict[str, tuple[str, ...]] = {
    "schemas": ("name",), "roles": ("name",), "tables": ("schema", "name"), "enums": ("schema", "name"),
    "sequences": ("schema", "name"), "views": ("schema", "name"), "indexes": ("schema", "name"),
    "privileges": ("schema", "table", "grantor", "grantee", "type"),
}
_TABLE_CHILD = ("columns", "indexes", "pks", "uniques", "checks", "fks", "policies", "privileges")
# (dependent type, target type, {target field: dependent field}, dependent list field naming the target)
_EDGES: list[tuple[str, str, dict[str, str], str | None]] = [
    *[(t, "schemas", {"name": "schema"}, None) for t in ("tables", "enums", "sequences", "views")],
    *[(t, "tables", {"schema": "schema", "name": "table"}, None) for t in _TABLE_CHILD],
    ("fks", "tables", {"schema": "schemaTo", "name": "tableTo"}, None),
    *[(t, "columns", {"schema": "schema", "table": "table"}, "columns") for t in ("indexes", "pks", "uniques", "fks")],
    ("fks", "columns", {"schema": "schemaTo", "table": "tableTo"}, "columnsTo"),
]
_CARRIED = {"roles": "roles", "policies": "policies", "views": "views", "privileges": "privileges"}  # v7 → rows


def entity_key(row: dict[str, Any]) -> str:
    """drizzle-kit's key of a ddl row: `<entityType>\\0<JSON list of its identity fields>`."""
    kind = row["entityType"]
    fields = _IDENTITY.get(kind, ("schema", "table", "name"))
    return kind + "\0" + json.dumps([row.get(f) for f in fields], ensure_ascii=False, separators=(",", ":"))


# -- a snapshot's state: the base's rows with the deltas of every diff on the way -----------------------------

State = dict[str, dict[str, Any]]


def state_of(snapshots: dict[str, dict[str, Any]], id_: str, source: str = "snapshot") -> State:
    """The rows a snapshot stands for. A merge snapshot (two or more prevIds) starts from its first parent's state
    with the diffs of the other parents' own history (the snapshots only they reach) applied, as drizzle-kit does."""
    chain: list[dict[str, Any]] = []
    snap = _lookup(snapshots, id_, source)
    while snap.get("type") == "diff":
        chain.append(snap)
        parents = snap.get("prevIds") or []
        if not parents or parents[0] not in snapshots:
            raise IntegrityError(f"{source}: snapshot {snap.get('id')} has no base snapshot before it",
                                 "Restore the missing migration folders from version control.")
        snap = snapshots[parents[0]]
    state: State = {}
    for row in snap.get("ddl") or []:
        state[entity_key(row)] = dict(row)
    for s in reversed(chain):
        parents = s.get("prevIds") or []
        if len(parents) > 1:
            first = _history(snapshots, parents[:1], set())
            for other_id, other in snapshots.items():
                if other_id in _history(snapshots, parents[1:], first) and other.get("type") == "diff":
                    apply_deltas(state, other.get("deltas") or [])
        apply_deltas(state, s.get("deltas") or [])
    return state


def _lookup(snapshots: dict[str, dict[str, Any]], id_: str, source: str) -> dict[str, Any]:
    if id_ not in snapshots:
        raise IntegrityError(f"{source}: snapshot {id_} is not in the migrations folder",
                             "Restore the missing migration folder from version control.")
    return snapshots[id_]


def _history(snapshots: dict[str, dict[str, Any]], ids: list[str], known: set[str]) -> set[str]:
    found: set[str] = set()
    stack = list(ids)
    while stack:
        i = stack.pop()
        if i in found or i in known or i not in snapshots:
            continue
        found.add(i)
        stack.extend(snapshots[i].get("prevIds") or [])
    return found


def apply_deltas(state: State, deltas: list[dict[str, Any]]) -> None:
    for d in deltas:
        op = d.get("op")
        if op == "create":
            state[entity_key(d["row"])] = dict(d["row"])
        elif op == "drop":  # no cascade: drizzle-kit writes a drop for every row that goes
            state.pop(d["key"], None)
        elif op in ("alter", "rename"):
            row = state.get(d["key"])
            if row is None:
                raise IntegrityError(f"a snapshot alters {d['key'].replace(chr(0), ' ')}, which does not exist")
            _move(state, d["key"], {**row, **(d.get("set") or {})})
        else:
            raise IntegrityError(f"a snapshot has a delta mizzle cannot read: {json.dumps(d)[:120]}")


def _names(dep: dict[str, Any], list_field: str) -> list[str]:
    return [c["value"] if isinstance(c, dict) else c for c in dep.get(list_field) or []
            if not (isinstance(c, dict) and c.get("isExpression"))]


def _move(state: State, old_key: str, new_row: dict[str, Any]) -> None:
    old_row = state.pop(old_key)
    state[entity_key(new_row)] = new_row
    if entity_key(new_row) == old_key:
        return
    for dep_key, dep in list(state.items()):
        patch = _relocate(dep, old_row, new_row)
        if patch:
            _move(state, dep_key, {**dep, **patch})


def _relocate(dep: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    for kind, to, fields, list_field in _EDGES:
        if dep["entityType"] != kind or old["entityType"] != to:
            continue
        if not all(dep.get(mine) == old.get(theirs) for theirs, mine in fields.items()):
            continue
        if list_field is None:
            patch.update({mine: new.get(theirs) for theirs, mine in fields.items()})
        elif old["name"] in _names(dep, list_field):
            patch[list_field] = [_renamed(c, old["name"], new["name"]) for c in dep[list_field]]
    return patch


def _renamed(item: Any, old: str, new: str) -> Any:
    if isinstance(item, dict):
        return {**item, "value": new} if item.get("value") == old and not item.get("isExpression") else item
    return new if item == old else item


# -- rows → v7 JSON -------------------------------------------------------------------------------------------

def v7_from_state(state: State, id_: str, prev_id: str) -> dict[str, Any]:
    """The v7 snapshot JSON of a 1.x state; objects mizzle does not model are carried as their rows."""
    rows = list(state.values())
    tables: dict[str, Any] = {}
    for r in rows:
        if r["entityType"] == "tables":
            tables[f"{r['schema']}.{r['name']}"] = {
                "name": r["name"], "schema": "" if r["schema"] == "public" else r["schema"], "columns": {},
                "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}, "policies": {},
                "checkConstraints": {}, "isRLSEnabled": bool(r.get("isRlsEnabled"))}
    snap: dict[str, Any] = {"id": id_, "prevId": prev_id, "version": "7", "dialect": "postgresql", "tables": tables,
                            "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
                            "_meta": {"columns": {}, "schemas": {}, "tables": {}}}
    # columns first: a key's v7 form (the column's primaryKey or a composite key) depends on its column being
    # there, whatever the order of the rows (drizzle-kit 1.0.0-beta wrote a table's pks before its columns)
    for r in sorted(rows, key=lambda r: r["entityType"] != "columns"):
        kind = r["entityType"]
        if kind in _TOP_V7:
            _TOP_V7[kind](snap, r)
        elif kind == "schemas":
            if r["name"] != "public":
                snap["schemas"][r["name"]] = r["name"]
        elif kind == "enums":
            snap["enums"][f"{r['schema']}.{r['name']}"] = {"name": r["name"], "schema": r["schema"],
                                                           "values": list(r["values"])}
        elif kind == "sequences":
            snap["sequences"][f"{r['schema']}.{r['name']}"] = _sequence_v7(r)
        elif kind != "tables":
            t = tables.get(f"{r['schema']}.{r['table']}")
            if t is None:
                raise IntegrityError(f"a snapshot has {kind} {r.get('name')} of a table that does not exist "
                                     f"({r['schema']}.{r['table']})")
            _TABLE_PARTS[kind](t, r)
    return snap


def _sequence_v7(r: dict[str, Any]) -> dict[str, Any]:
    return {"name": r["name"], "schema": r["schema"], "increment": r.get("incrementBy"),
            "startWith": r.get("startWith"), "minValue": r.get("minValue"), "maxValue": r.get("maxValue"),
            "cache": None if r.get("cacheSize") is None else str(r["cacheSize"]), "cycle": bool(r.get("cycle"))}


def _column_v7(t: dict[str, Any], r: dict[str, Any]) -> None:
    d: dict[str, Any] = {"name": r["name"], "type": r["type"] + "[]" * int(r.get("dimensions") or 0),
                         "primaryKey": False, "notNull": bool(r.get("notNull"))}
    if r.get("typeSchema"):
        d["typeSchema"] = r["typeSchema"]
    if r.get("default") is not None:
        d["default"] = r["default"]
    if r.get("generated"):
        d["generated"] = {"as": r["generated"]["as"], "type": r["generated"].get("type", "stored")}
    if r.get("identity"):
        i = r["identity"]
        d["identity"] = {"type": i["type"], "name": i.get("name"), "schema": r["schema"],
                         "increment": i.get("increment"), "startWith": i.get("startWith"),
                         "minValue": i.get("minValue"), "maxValue": i.get("maxValue"),
                         "cache": None if i.get("cache") is None else str(i["cache"]), "cycle": bool(i.get("cycle"))}
    t["columns"][r["name"]] = d


# the v7 JSON made of a 1.x state (mizzle's own, never a file) keeps here the name of a key 1.x did not name that is
# not `<table>_pkey`: drizzle-kit 1.x keeps `<old>_pkey` through a table rename (the model's PrimaryKey.server_name)
PK_NAME = "_pkName"


def _pk_v7(t: dict[str, Any], r: dict[str, Any]) -> None:
    cols = list(r["columns"])
    if len(cols) == 1 and not r.get("nameExplicit") and cols[0] in t["columns"]:
        t["columns"][cols[0]]["primaryKey"] = True
        if r["name"] != f"{t['name']}_pkey":
            t[PK_NAME] = r["name"]
        return
    t["compositePrimaryKeys"][r["name"]] = {"name": r["name"], "columns": cols}


# the v7 JSON made of a 1.x state keeps here, on a unique, foreign key or index 1.x did not name, the name it has
# when that is not the one the current table gives (`<old>_…`, kept through a table rename: drizzle-kit 1.x renames
# a table and nothing else); the entry is keyed by the current default, as the schema code names it
# (the model's ForeignKey.server_name)
SERVER_NAME = "_serverName"


def _unnamed_default(t: dict[str, Any], r: dict[str, Any]) -> str | None:
    """The name the table gives today to the row's unique, foreign key or index when 1.x did not name it."""
    if r.get("nameExplicit", True):
        return None
    if r["entityType"] == "fks":
        return fk_name_v1(t["name"], tuple(r["columns"]), r["tableTo"], tuple(r["columnsTo"]))
    if r["entityType"] == "uniques":
        return unique_name(t["name"], tuple(r["columns"])) if r["name"].endswith("_unique") else \
            make_object_name(t["name"], column_addition(tuple(r["columns"])), "key")
    if any(c.get("isExpression") for c in r["columns"]):  # 1.x's default of an expression index: kept as it is
        return None
    return make_object_name(t["name"], column_addition(tuple(c["value"] for c in r["columns"])), "index")


def _keyed(t: dict[str, Any], r: dict[str, Any], d: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """`d` (a v7 entry) under the name the schema code gives it, with the row's own name kept (SERVER_NAME)."""
    default = _unnamed_default(t, r)
    if default is None or default == r["name"]:
        return r["name"], d
    return default, {**d, "name": default, SERVER_NAME: r["name"]}


def _fk_v7(t: dict[str, Any], r: dict[str, Any]) -> None:
    d: dict[str, Any] = {"name": r["name"], "tableFrom": r["table"], "tableTo": r["tableTo"]}
    if r.get("schemaTo") and r["schemaTo"] != "public":
        d["schemaTo"] = r["schemaTo"]
    d.update({"columnsFrom": list(r["columns"]), "columnsTo": list(r["columnsTo"]),
              "onDelete": (r.get("onDelete") or "NO ACTION").lower(), "onUpdate": (r.get("onUpdate") or "NO ACTION").lower()})
    name, d = _keyed(t, r, d)
    t["foreignKeys"][name] = d


def _index_v7(t: dict[str, Any], r: dict[str, Any]) -> None:
    cols = []
    for c in r["columns"]:
        cd: dict[str, Any] = {"expression": c["value"], "isExpression": bool(c.get("isExpression")),
                              "asc": bool(c.get("asc", True)), "nulls": "first" if c.get("nullsFirst") else "last"}
        if c.get("opclass"):
            cd["opclass"] = c["opclass"]["name"]
        cols.append(cd)
    d: dict[str, Any] = {"name": r["name"], "columns": cols, "isUnique": bool(r.get("isUnique"))}
    if r.get("where"):
        d["where"] = r["where"]
    d.update({"concurrently": bool(r.get("concurrently")), "method": r.get("method") or "btree",
              "with": _with_dict(r.get("with") or "")})
    name, d = _keyed(t, r, d)
    t["indexes"][name] = d


def _with_dict(text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        k, _, v = part.partition("=")
        out[k.strip()] = int(v) if v.strip().isdigit() else v.strip()
    return out


_TABLE_PARTS = {
    "columns": _column_v7,
    "pks": _pk_v7,
    "fks": _fk_v7,
    "indexes": _index_v7,
    "uniques": lambda t, r: t["uniqueConstraints"].__setitem__(*_keyed(t, r, {
        "name": r["name"], "nullsNotDistinct": bool(r.get("nullsNotDistinct")), "columns": list(r["columns"])})),
    "checks": lambda t, r: t["checkConstraints"].__setitem__(r["name"], {"name": r["name"], "value": r["value"]}),
    "policies": lambda t, r: _policy_v7(t, r),
}


# -- v7 JSON → rows -------------------------------------------------------------------------------------------

def rows_from_v7(snap: dict[str, Any], key_names: dict[str, str] | None = None,
                 side_tables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The ddl rows of a v7 snapshot (mizzle's, or drizzle-kit 0.x's for `mizzle up`), in drizzle-kit's order.
    `key_names`: "schema.table" → the server's name of a key the snapshot states as the column's primaryKey
    (mizzle's sidecar `primaryKey.name`), written as 1.x writes a key it did not name. `side_tables`: the sidecar
    entry's tables, whose uniques, foreign keys and indexes may have a `serverName` (written as the row's name)."""
    if snap.get("dialect", "postgresql") != "postgresql":
        from ...errors import UsageError

        raise UsageError(f"converting a {snap.get('dialect')} folder to drizzle-kit 1.x's layout (`mizzle up`) is "
                         "supported for PostgreSQL only so far",
                         "Keep the journal layout for this folder (a new SQLite folder can start in the 1.x layout).")
    rows: list[dict[str, Any]] = [{"name": s, "entityType": "schemas"} for s in (snap.get("schemas") or {}).values()
                                  if s != "public"]
    for e in (snap.get("enums") or {}).values():
        rows.append({"schema": e.get("schema") or "public", "name": e["name"], "values": list(e["values"]),
                     "entityType": "enums"})
    rows += [_sequence_row(s) for s in (snap.get("sequences") or {}).values()]
    tables = list((snap.get("tables") or {}).values())
    for t in tables:
        rows.append({"schema": t.get("schema") or "public", "name": t["name"],
                     "isRlsEnabled": rls_enabled(t, snap), "entityType": "tables"})
    for t in tables:
        keyed = {c for p in (t.get("compositePrimaryKeys") or {}).values() for c in p["columns"]}
        rows += [_column_row(t, c, c["name"] in keyed) for c in t["columns"].values()]
    for t in tables:
        q = f"{t.get('schema') or 'public'}.{t['name']}"
        rows += _constraint_rows(t, (key_names or {}).get(q), (side_tables or {}).get(q) or {})
    for t in tables:
        rows += [_carried_row("policies", p, t) for p in (t.get("policies") or {}).values()]
    for key in _CARRIED.values():
        rows += [_carried_row(key, v) for v in (snap.get(key) or {}).values()
                 if not (key == "views" and v.get("isExisting"))]  # 1.x keeps `.existing()` views out of its ddl
    return rows


def _carried_row(kind: str, v: dict[str, Any], table: dict[str, Any] | None = None) -> dict[str, Any]:
    """A row mizzle carries (role, policy, view, privilege): as it is when it came from a 1.x snapshot, else
    drizzle-kit 0.x's object in 1.x's form."""
    if not isinstance(v, dict):
        raise IntegrityError(f"the snapshot has a malformed entry in {kind}: {json.dumps(v)[:120]}")
    if v.get("entityType"):
        return v
    if kind == "roles":
        return {"name": v["name"], "superuser": False, "createDb": bool(v.get("createDb")),
                "createRole": bool(v.get("createRole")), "inherit": v.get("inherit", True) is not False,
                "canLogin": False, "replication": False, "bypassRls": False, "connLimit": -1, "password": None,
                "validUntil": None, "entityType": "roles"}
    if kind == "policies":
        schema = (table or {}).get("schema") or v.get("schema") or "public"
        return {"schema": schema or "public", "table": (table or {}).get("name") or v.get("on"), "name": v["name"],
                "as": v.get("as") or "PERMISSIVE", "for": v.get("for") or "ALL", "roles": list(v.get("to") or ["public"]),
                "using": v.get("using"), "withCheck": v.get("withCheck"), "entityType": "policies"}
    if kind == "views":
        return view_row(v)
    raise IntegrityError(f"the snapshot has {kind} in drizzle-kit 0.x's form, which mizzle cannot write in the 1.x "
                         "layout", "Keep the journal layout for this folder.")


def _sequence_row(s: dict[str, Any]) -> dict[str, Any]:
    cache = s.get("cache")
    return {"schema": s.get("schema") or "public", "name": s["name"], "incrementBy": _str(s.get("increment")),
            "minValue": _str(s.get("minValue")), "maxValue": _str(s.get("maxValue")),
            "startWith": _str(s.get("startWith")), "cacheSize": None if cache is None else int(cache),
            "cycle": bool(s.get("cycle")), "entityType": "sequences"}


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def v9_type(spelling: str) -> tuple[str, int]:
    """mizzle's spelling of a type (`numeric(10, 2)[]`, `timestamp (3)`) → drizzle-kit 1.x's type and dimensions."""
    dims = 0
    t = spelling
    while t.endswith("[]"):
        dims += 1
        t = t[:-2]
    return re.sub(r",\s+", ",", re.sub(r"\s+\(", "(", t)), dims


def unqualified(expression: str, schema: str, table: str) -> str:
    """drizzle-kit 1.x writes a table's checks and index predicates with bare column names (`"age" >= 0`), where
    0.x's snapshots (and mizzle's v7) have them qualified (`"users"."age" >= 0`, `"s"."t"."c"`)."""
    t = '"' + table.replace('"', '""') + '".'
    return expression.replace('"' + schema.replace('"', '""') + '".' + t, "").replace(t, "")


def _casts_to_own_type(cast: str, c: dict[str, Any]) -> bool:
    """Whether a default's cast names the column's own type: bare, quoted or schema-qualified, with as many `[]` as
    the column has. The brackets are compared apart from the name because an enum array's cast quotes the name
    only (`'{}'::"api_scope"[]`, as 1.x's SQL and the server spell it), and 0.x's SQL spaces them (`uuid []`)."""
    own_type, dims = v9_type(c["type"])
    cast_type, cast_dims = v9_type(re.sub(r"\s+\[", "[", cast))
    names = {own_type, f'"{own_type}"'} | ({f'"{c["typeSchema"]}"."{own_type}"'} if c.get("typeSchema") else set())
    return cast_type in names and cast_dims == dims


def _column_row(t: dict[str, Any], c: dict[str, Any], in_key: bool = False) -> dict[str, Any]:
    type_, dims = v9_type(c["type"])
    default = c.get("default")
    if isinstance(default, bool):
        default = "true" if default else "false"
    elif default is not None:
        default = str(default)
        # also `(ARRAY[]::text[])::text[]` and `ARRAY['a', 'b']::text[]`, as 1.x's SQL spells an array's default
        m = re.fullmatch(r"('.*'|\(.*\)|ARRAY\[.*\])::(.+?)", default, re.S)
        if m is not None and _casts_to_own_type(m.group(2), c):
            default = m.group(1)  # 1.x keeps the literal only (the cast as the server or the SQL spells it)
        elif type_.split("(")[0] in ("numeric", "decimal") and not default.startswith("'") and not dims \
                and re.fullmatch(r"-?\d+(\.\d+)?", default):
            default = f"'{default}'"  # numeric({mode: 'number'}).default(1.25): 1.x writes the text literal
    identity = None
    if c.get("identity"):
        i = c["identity"]
        identity = {"type": i["type"], "name": i.get("name"), "increment": _str(i.get("increment")),
                    "startWith": _str(i.get("startWith")), "minValue": _str(i.get("minValue")),
                    "maxValue": _str(i.get("maxValue")), "cache": None if i.get("cache") is None else int(i["cache"]),
                    "cycle": bool(i.get("cycle"))}
    gen = c.get("generated")
    return {"schema": t.get("schema") or "public", "table": t["name"], "name": c["name"], "type": type_,
            "typeSchema": c.get("typeSchema"), "notNull": bool(c.get("notNull") or c.get("primaryKey") or in_key
                                                          or type_ in ("serial", "bigserial", "smallserial")),
            "dimensions": dims, "default": default,
            "generated": {"as": gen["as"], "type": gen.get("type", "stored")} if gen else None,
            "identity": identity, "entityType": "columns"}


def _server(entry: dict[str, Any], side: dict[str, Any], part: str) -> str:
    """The name a unique, foreign key or index has on the server (SERVER_NAME, the sidecar's `serverName`)."""
    return entry.get(SERVER_NAME) or ((side.get(part) or {}).get(entry["name"]) or {}).get("serverName") or entry["name"]


def _key_row_name(t: dict[str, Any], server: str | None, side: dict[str, Any]) -> str | None:
    """The name of the key row of a table whose single-column key the server names `server`: that name when
    drizzle-kit 1.x keeps it (`<old>_pkey` through a table rename), None (`<table>_pkey`) when PostgreSQL named
    the key after the UNIQUE declared on its column, which drizzle-kit's row does not know (homarr-labs/homarr's
    serverSetting: its key is serverSetting_settingKey_unique on the server, serverSetting_pkey in drizzle-kit's
    snapshot; the server's name stays in the sidecar)."""
    uniques = (t.get("uniqueConstraints") or {}).values()
    if server and any(server in (u["name"], _server(u, side, "uniqueConstraints")) for u in uniques):
        return None
    return server


def _constraint_rows(t: dict[str, Any], key_name: str | None = None,
                     side: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    schema, name = t.get("schema") or "public", t["name"]
    side = side or {}
    key_name = _key_row_name(t, key_name or t.get(PK_NAME), side)
    base = {"schema": schema, "table": name}
    rows: list[dict[str, Any]] = []
    for ix in (t.get("indexes") or {}).values():
        rows.append(_index_row(base, ix, _server(ix, side, "indexes")))
    for f in (t.get("foreignKeys") or {}).values():
        # 1.x's default name, or 0.x's (`…_fk`), which drizzle-kit's own `up` also keeps as no name of the code's:
        # marked explicit, drizzle-kit's next generate asked of each whether it was renamed (hollo: 70 questions).
        # 0.x's snapshot holds it whole, the server (and a rebuilt snapshot) cut; drizzle-kit's `up` writes it cut
        old = (name, tuple(f["columnsFrom"]), f["tableTo"], tuple(f["columnsTo"]))
        explicit = f["name"] not in (fk_name_v1(*old), fk_name(*old), fk_name(*old, cut=False))
        server = _server(f, side, "foreignKeys")
        rows.append({**base, "name": server if explicit else truncate_identifier(server), "nameExplicit": explicit,
                     "columns": list(f["columnsFrom"]),
                     "schemaTo": f.get("schemaTo") or "public", "tableTo": f["tableTo"],
                     "columnsTo": list(f["columnsTo"]), "onUpdate": (f.get("onUpdate") or "no action").upper(),
                     "onDelete": (f.get("onDelete") or "no action").upper(), "entityType": "fks"})
    single = [c["name"] for c in t["columns"].values() if c.get("primaryKey")]
    for key, cols in [(key_name or f"{name}_pkey", single)] if single else [
            (p["name"], p["columns"]) for p in (t.get("compositePrimaryKeys") or {}).values()]:
        rows.append({**base, "name": key, "columns": list(cols),  # 0.x's default name whole (`up`) or cut (server)
                     "nameExplicit": key not in (f"{name}_pkey", pk_name(name, tuple(cols)),
                                                 f"{name}_{'_'.join(cols)}_pk") and not single,
                     "entityType": "pks"})
    for u in (t.get("uniqueConstraints") or {}).values():
        defaults = (make_object_name(name, column_addition(tuple(u["columns"])), "key"),  # a column's unique()
                    unique_name(name, tuple(u["columns"])),  # a table's unique().on(…), as the server cuts it
                    unique_name(name, tuple(u["columns"]), cut=False))  # and whole, as 0.x's snapshot holds it
        rows.append({**base, "name": _server(u, side, "uniqueConstraints"), "nameExplicit": u["name"] not in defaults,
                     "columns": list(u["columns"]),
                     "nullsNotDistinct": bool(u.get("nullsNotDistinct")), "entityType": "uniques"})
    for c in (t.get("checkConstraints") or {}).values():
        rows.append({**base, "name": c["name"], "value": unqualified(c["value"], schema, name), "entityType": "checks"})
    return rows


def _same_index(a: dict[str, Any] | None, b: dict[str, Any], types: dict[tuple[str, str, str], tuple[str, bool]]) -> bool:
    """Two index rows alike but for an operator class one names and the other leaves to the column's type (the
    default: `.op("uuid_ops")` on a uuid column), which mizzle's model does not keep apart: drizzle-kit's row is
    kept, else it would see every such index changed and build it again."""
    if a is None or a["entityType"] != "indexes" or b["entityType"] != "indexes":
        return False

    def plain(r: dict[str, Any]) -> dict[str, Any]:
        cols = []
        for c in r["columns"]:
            c = _column_element(c, lambda n: (r["schema"], r["table"], n) in types)
            name = (c.get("opclass") or {}).get("name")
            if name and not c.get("isExpression"):
                type_, is_enum = types.get((r["schema"], r["table"], c["value"]), (None, False))
                name = canonical_opclass(name, r.get("method") or "btree", type_, is_enum)
            cols.append({**c, "opclass": name})
        return {**r, "columns": cols}
    return plain(a) == plain(b)


def _column_element(c: dict[str, Any], is_column: Callable[[str], bool]) -> dict[str, Any]:
    """An index element drizzle-kit 1.x keeps as SQL text (``sql`${t.name} gin_trgm_ops` ``: the expression
    `"name" gin_trgm_ops`) as the server reads it back: the column, with its operator class and order."""
    if not c.get("isExpression"):
        return c
    expr, asc, nulls, opclass, collation = split_index_element(c["value"])
    name = expr.strip('"')
    if collation is not None or not (expr.startswith('"') or expr.replace("_", "").isalnum()) or not is_column(name):
        return c
    first = nulls == "first" if nulls is not None else (True if asc is False else c["nullsFirst"])
    return {**c, "value": name, "isExpression": False, "asc": c["asc"] if asc is None else asc, "nullsFirst": first,
            "opclass": {"name": opclass, "default": False} if opclass else c.get("opclass")}


def _same_column(a: dict[str, Any] | None, b: dict[str, Any]) -> bool:
    """Two column rows alike but for a default the server stores the same way: drizzle-kit 1.x writes
    `null::character varying` as `"null"`, and the server stores no default for a NULL constant, so the model
    (and a pulled schema) has none; drizzle-kit's row is kept, else it would set the default again."""
    if a is None or a["entityType"] != "columns" or b["entityType"] != "columns" or a.get("default") == b.get("default"):
        return False
    type_ = a["type"] + "[]" * int(a.get("dimensions") or 0)
    enum = a.get("typeSchema") is not None
    return ({**a, "default": None} == {**b, "default": None}
            and default_key(a.get("default"), type_, enum) == default_key(b.get("default"), type_, enum))


def _bare_opclass(name: str, schema: str) -> str:
    """drizzle-kit 1.x names an operator class bare (`.op("gin_trgm_ops")`); the server's, of an extension
    installed in public or in the table's schema, comes qualified (`public.gin_trgm_ops`)."""
    for s in {"public", schema}:
        if name.startswith(f"{s}."):
            return name[len(s) + 1:]
    return name


def _index_row(base: dict[str, Any], ix: dict[str, Any], server_name: str | None = None) -> dict[str, Any]:
    cols = [{"value": unqualified(c["expression"], base["schema"], base["table"]) if c.get("isExpression") else c["expression"],
             "isExpression": bool(c.get("isExpression")), "asc": bool(c.get("asc", True)),
             "nullsFirst": c.get("nulls") == "first",
             "opclass": {"name": _bare_opclass(c["opclass"], base["schema"]), "default": False}
             if c.get("opclass") else None}
            for c in ix["columns"]]
    plain = [c["value"] for c in cols if not c["isExpression"]]
    defaults = {make_object_name(base["table"], column_addition(tuple(plain)), "index")}
    name = server_name or ix["name"]
    if len(plain) == len(cols):  # 0.x's `<table>_<columns>_index`, whole in its snapshot, cut on the server
        whole = f"{base['table']}_{'_'.join(plain)}_index"
        defaults |= {whole, truncate_identifier(whole)}
        # drizzle-kit writes its default name whole (the server cuts it): one read back from the server is too
        name = whole if ix["name"] in defaults and name == truncate_identifier(whole) else name
    with_ = ",".join(f"{k}={json.dumps(v) if isinstance(v, bool) else v}" for k, v in (ix.get("with") or {}).items())
    return {**base, "name": name, "nameExplicit": ix["name"] not in defaults, "columns": cols,
            "isUnique": bool(ix.get("isUnique")),
            "where": unqualified(ix["where"], base["schema"], base["table"]) if ix.get("where") else None, "with": with_,
            "method": ix.get("method") or "btree", "concurrently": bool(ix.get("concurrently")), "entityType": "indexes"}


# -- roles, policies, views and privileges: 1.x's rows ↔ the v7 fields mizzle models them from ----------------

# drizzle-kit 1.x's `with` of a view: every option, null when unset (its snapshot validator wants each key), in its
# order; no options at all is `with: null`
VIEW_WITH = ("checkOption", "securityBarrier", "securityInvoker", "autovacuumEnabled", "autovacuumFreezeMaxAge",
             "autovacuumFreezeMinAge", "autovacuumFreezeTableAge", "autovacuumMultixactFreezeMaxAge",
             "autovacuumMultixactFreezeMinAge", "autovacuumMultixactFreezeTableAge", "autovacuumVacuumCostDelay",
             "autovacuumVacuumCostLimit", "autovacuumVacuumScaleFactor", "autovacuumVacuumThreshold", "fillfactor",
             "logAutovacuumMinDuration", "parallelWorkers", "toastTupleTarget", "userCatalogTable",
             "vacuumIndexCleanup", "vacuumTruncate")


def rls_enabled(t: dict[str, Any], snap: dict[str, Any]) -> bool:
    """1.x's `isRlsEnabled`: on with `.enableRLS()` or any policy on the table (0.x kept the flag for a table
    without policies and let policies imply it; `drizzle-kit up` converts the same way)."""
    schema = t.get("schema") or "public"
    linked = any(p.get("on") == t["name"] and (p.get("schema") or "public") == schema
                 for p in (snap.get("policies") or {}).values() if isinstance(p, dict) and not p.get("entityType"))
    return bool(t.get("isRLSEnabled") or t.get("policies") or linked)


def view_row(v: dict[str, Any]) -> dict[str, Any]:
    """A view of mizzle's v7 JSON (drizzle-kit 0.x's shape) as 1.x's row."""
    options = v.get("with") or {}
    unknown = sorted(set(options) - set(VIEW_WITH))
    if unknown:
        raise IntegrityError(f"view {v['name']}: option(s) {', '.join(unknown)} have no field in drizzle-kit 1.x's "
                             "snapshot")
    return {"schema": v.get("schema") or "public", "name": v["name"], "definition": v.get("definition"),
            "with": {k: options.get(k) for k in VIEW_WITH} if options else None,
            "withNoData": True if v.get("withNoData") else None, "using": v.get("using"),
            "tablespace": v.get("tablespace"), "materialized": bool(v.get("materialized")), "entityType": "views"}


def _view_v7(snap: dict[str, Any], r: dict[str, Any]) -> None:
    d: dict[str, Any] = {"name": r["name"], "schema": r["schema"], "columns": {}, "definition": r.get("definition"),
                         "materialized": bool(r.get("materialized")), "isExisting": False}
    options = {k: x for k, x in (r.get("with") or {}).items() if x is not None}
    if options:
        d["with"] = options
    for field in ("withNoData", "using", "tablespace"):
        if r.get(field) is not None:
            d[field] = r[field]
    snap["views"][f"{r['schema']}.{r['name']}"] = d


def _role_v7(snap: dict[str, Any], r: dict[str, Any]) -> None:
    snap["roles"][r["name"]] = {"name": r["name"], "createDb": bool(r.get("createDb")),
                                "createRole": bool(r.get("createRole")), "inherit": r.get("inherit") is not False}


def _policy_v7(t: dict[str, Any], r: dict[str, Any]) -> None:
    d: dict[str, Any] = {"name": r["name"], "as": r.get("as") or "PERMISSIVE", "for": r.get("for") or "ALL",
                         "to": list(r.get("roles") or ["public"])}
    for v7, v9 in (("using", "using"), ("withCheck", "withCheck")):
        if r.get(v9) is not None:
            d[v7] = r[v9]
    t["policies"][r["name"]] = d


_TOP_V7 = {
    "roles": _role_v7,
    "views": _view_v7,
    # grants drizzle-kit pulled: mizzle keeps its own in the sidecar; these are carried as they are
    "privileges": lambda snap, r: snap.setdefault("privileges", {}).__setitem__(entity_key(r), r),
}


_POLICY_ROLES_BUILTIN = ("current_user", "current_role", "session_user", "public")


def object_footprints(d: dict[str, Any], row: dict[str, Any]) -> list[dict[str, Any]] | None:
    """drizzle-kit 1.x's footprints of a role, view or policy delta, or of a table's `isRlsEnabled` changing: the
    statements it makes of them (`create_role`, `alter_view`, a view whose query changes dropped and made again,
    `recreate_policy` when `as` or `for` changes, `alter_rls`…), their targets, and the nodes they write and read,
    so that its `check` sees a mizzle branch touching them as it sees its own. None for any other delta."""
    kind, op = row["entityType"], d["op"]
    verb = {"create": "create", "drop": "drop"}.get(op, "alter")
    changed = set(d.get("set") or {})
    if kind == "roles":
        n = row["name"]
        writes = [f"s|role|{n}"] if verb == "alter" else [f"s|role|{n}", f"n|role|{n}", f"e|role|{n}"]
        return [{"statementType": f"{verb}_role", "statementTarget": ["role", n], "writes": writes}]
    if kind == "views":
        q = f"{row['schema']}.{row['name']}"
        verbs = ["drop", "create"] if verb == "alter" and changed & {"definition", "materialized"} else [verb]
        return [{"statementType": f"{v}_view", "statementTarget": ["view", row["schema"], row["name"]],
                 "writes": [f"s|view|{q}"] if v == "alter" else [f"s|view|{q}", f"n|view|{q}", f"e|view|{q}",
                                                                  f"n|rel|{q}", f"n|type|{q}"],
                 "reads": [f"n|sch|{row['schema']}"]} for v in verbs]
    if kind not in ("policies", "tables"):
        return None
    under = [f"n|tbl|{row['schema']}.{row.get('table', row['name'])}", f"n|sch|{row['schema']}"]
    if kind == "policies":
        q = f"{row['schema']}.{row['table']}.{row['name']}"
        now = d["row"] if op == "create" else {**row, **(d.get("set") or {})}
        roles = [f"n|role|{r}" for r in now.get("roles") or [] if r not in _POLICY_ROLES_BUILTIN]
        reads = {"create": [*under, *roles, f"e|rls|{row['schema']}.{row['table']}"], "drop": under}.get(
            verb, [*under, *roles])
        writes = [f"s|pol|{q}"] if verb == "alter" else [f"s|pol|{q}", f"n|pol|{q}", f"e|pol|{q}"]
        statement = "recreate_policy" if verb == "alter" and changed & {"as", "for"} else f"{verb}_policy"
        return [{"statementType": statement, "statementTarget": ["table", row["schema"], row["table"]],
                 "writes": writes, "reads": reads}]
    if kind == "tables" and op == "alter" and changed == {"isRlsEnabled"}:
        q = f"{row['schema']}.{row['name']}"
        on = bool(d["set"]["isRlsEnabled"])
        return [{"statementType": "alter_rls", "statementTarget": ["table", row["schema"], row["name"]],
                 "writes": [f"s|rls|{q}"] + ([] if on else [f"e|rls|{q}"]), "reads": under}]
    return None


def _rename_footprints(row: dict[str, Any], changed: dict[str, Any]) -> list[dict[str, Any]] | None:
    """drizzle-kit 1.x's footprint of a table or column renamed (`rename_table`, `rename_column`); None for others."""
    new = {**row, **changed}
    if row["entityType"] == "tables" and row["schema"] == new["schema"]:
        def table(t: dict[str, Any]) -> list[str]:
            q = f"{t['schema']}.{t['name']}"
            return [f"s|tbl|{q}", f"n|tbl|{q}", f"n|rel|{q}", f"n|type|{q}"]
        return [{"statementType": "rename_table", "statementTarget": ["table", row["schema"], row["name"]],
                 "writes": table(row) + table(new), "reads": [f"n|sch|{row['schema']}"]}]
    if row["entityType"] == "columns":
        def column(c: dict[str, Any]) -> list[str]:
            return [f"s|col|{c['schema']}.{c['table']}.{c['name']}", f"n|col|{c['schema']}.{c['table']}.{c['name']}"]
        return [{"statementType": "rename_column",
                 "statementTarget": ["column", row["schema"], row["table"], row["name"]],
                 "writes": column(row) + column(new),
                 "reads": [f"n|tbl|{row['schema']}.{row['table']}", f"n|sch|{row['schema']}"]}]
    return None


# -- deltas and footprints from one state to the next ---------------------------------------------------------

def deltas_between(old: State, new_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drops, then creates and alters, taking `old` to `new_rows` (a rename is a drop and a create: the same
    state), each checked by applying it as it is chosen."""
    new = {entity_key(r): r for r in new_rows}
    state = {k: dict(r) for k, r in old.items()}
    out: list[dict[str, Any]] = []
    for k in old:
        if k not in new and k in state:
            out.append({"op": "drop", "key": k})
            apply_deltas(state, out[-1:])
    for k, r in new.items():
        if k not in state:
            out.append({"op": "create", "row": r})
        else:
            changed = {f: v for f, v in r.items() if f != "entityType" and state[k].get(f) != v}
            if not changed:
                continue
            out.append({"op": "alter", "key": k, "set": changed})
        apply_deltas(state, out[-1:])
    return out


def _name_of(row: dict[str, Any]) -> str:
    """drizzle-kit's name of a row in a version 8 `renames` entry: `schema.table.name`, the parts it has."""
    return ".".join(str(row[f]) for f in ("schema", "table", "name") if row.get(f))


_RENAME_ORDER = ("schemas", "enums", "sequences", "roles", "tables", "columns", "views", "policies", "uniques",
                 "indexes", "checks", "pks", "fks")


def rename_deltas(state: State, rows: list[dict[str, Any]], renames: list[str]) -> list[dict[str, Any]]:
    """The rename deltas of a version 8 snapshot's `renames` (`from->to`, each side `schema.table.name`), applied
    to `state` as they are chosen: kind by kind, as drizzle-kit's diff asks its resolvers, an entry renames a row of
    the kind that is in `state` and not in `rows` (`from`) into one that is in `rows` and not in `state` (`to`)."""
    pairs = [tuple(r.split("->", 1)) for r in renames if "->" in r]
    out: list[dict[str, Any]] = []
    for kind in _RENAME_ORDER:
        if not pairs:
            break
        new = {entity_key(r): r for r in rows if r["entityType"] == kind}
        for old_name, new_name in list(pairs):
            gone = next((k for k, r in state.items() if r["entityType"] == kind and k not in new
                         and _name_of(r) == old_name), None)
            made = next((r for k, r in new.items() if k not in state and _name_of(r) == new_name), None)
            if gone is None or made is None:
                continue
            fields = _IDENTITY.get(kind, ("schema", "table", "name"))
            out.append({"op": "rename", "key": gone,
                        "set": {f: made[f] for f in fields if state[gone].get(f) != made.get(f)}})
            apply_deltas(state, out[-1:])
            pairs.remove((old_name, new_name))
    return out


def meta_renames(meta: Any) -> list[str]:
    """A v7 snapshot's `_meta` renames (`"schema"."table"."column"` → the same, each part quoted) as a version 8
    snapshot's `renames` (`schema.table.column->…`), which `rename_deltas` reads."""
    def unquoted(name: str) -> str:
        return ".".join(name[1:-1].split('"."'))

    if not isinstance(meta, dict):
        return []
    return [f"{unquoted(a)}->{unquoted(b)}" for kind in ("schemas", "tables", "columns")
            for a, b in (meta.get(kind) or {}).items()
            if isinstance(a, str) and isinstance(b, str) and a.startswith('"') and b.startswith('"')]


def _kept_key_names(rows: list[dict[str, Any]], state: State) -> list[dict[str, Any]]:
    """drizzle-kit's `up` (withStateKeyNames): a primary key its code leaves unnamed (`<table>_pkey`) keeps the name
    the state has for the table's key (`<old>_pkey` after a rename)."""
    keys = {(r["schema"], r["table"]): r["name"] for r in state.values() if r["entityType"] == "pks"}
    return [{**r, "name": keys.get((r["schema"], r["table"]), r["name"])}
            if r["entityType"] == "pks" and not r.get("nameExplicit") and r["name"] == f"{r['table']}_pkey" else r
            for r in rows]


def row_of_key(key: str) -> dict[str, Any]:
    """The identity fields of a row, from its key."""
    kind, _, ident = key.partition("\0")
    fields = _IDENTITY.get(kind, ("schema", "table", "name"))
    return {"entityType": kind, **dict(zip(fields, json.loads(ident), strict=False))}


_NODE_KIND = {"tables": "tbl", "columns": "col", "indexes": "idx", "fks": "fk", "pks": "pk", "uniques": "unique",
              "checks": "check", "enums": "enum", "sequences": "seq", "schemas": "sch", "views": "view",
              "policies": "policy", "roles": "role", "privileges": "priv"}


def footprints_of(old: State, deltas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What each delta writes and reads, in drizzle-kit's footprint form, so its `check` sees mizzle's migrations
    when it looks for branches that do not commute."""
    from .footprints import statement_footprints

    out = []
    state = {k: dict(r) for k, r in old.items()}  # each delta's row as the deltas before it left it
    old_rows = list(old.values())
    touched = {op: {(r["schema"], r["name"]) for d in deltas if d["op"] == op
                    for r in [d["row"] if op == "create" else old.get(d["key"]) or row_of_key(d["key"])]
                    if r["entityType"] == "tables"} for op in ("create", "drop")}
    for d in deltas:
        row = d["row"] if d["op"] == "create" else state.get(d["key"]) or row_of_key(d["key"])
        if d["op"] == "create" or d["key"] in state:
            apply_deltas(state, [d])
        kind = row["entityType"]
        own = object_footprints(d, row) if d["op"] != "rename" else _rename_footprints(row, d["set"])
        if own is None:
            own = statement_footprints(d["op"], row, deltas, old_rows, touched.get(d["op"], set()), d.get("set"))
        if own is not None:
            out.extend(own)
            continue
        name = ".".join(str(row[f]) for f in ("schema", "table", "name") if row.get(f) is not None)
        node = _NODE_KIND.get(kind, kind)
        reads = [f"n|sch|{row['schema']}"] if row.get("schema") else []
        if row.get("table") is not None:
            reads.insert(0, f"n|tbl|{row['schema']}.{row['table']}")
        target = [node, *(str(row[f]) for f in ("schema", "table", "name") if row.get(f) is not None)]
        out.append({"statementType": f"{d['op']}_{node}", "statementTarget": target,
                    "writes": [f"s|{node}|{name}", f"n|{node}|{name}", f"e|{node}|{name}"], "reads": reads})
    return out


# -- the folder codec: what mizzle.migrations.folders1 asks of PostgreSQL's 1.x snapshots -------------------------

ORIGIN = "00000000-0000-0000-0000-000000000000"  # drizzle-kit's parent id of a folder's first snapshot
V8 = "8"  # drizzle-kit 1.0.0-beta to 1.0.0-rc.4: every snapshot the whole state as `ddl` rows (+ `renames`), no `type`


def key_names(sidecar_entry: dict[str, Any] | None) -> dict[str, str]:
    """"schema.table" → a primary key's server name, from a snapshot's sidecar entry (PrimaryKey.server_name)."""
    return {k: t["primaryKey"]["name"] for k, t in ((sidecar_entry or {}).get("tables") or {}).items()
            if (t.get("primaryKey") or {}).get("name")}


def side_tables(sidecar_entry: dict[str, Any] | None) -> dict[str, Any]:
    """"schema.table" → a snapshot's sidecar entry of the table (its constraints' `serverName`s)."""
    return (sidecar_entry or {}).get("tables") or {}


def _parents(snap: dict[str, Any]) -> list[str]:
    return [p for p in snap.get("prevIds") or [] if isinstance(p, str)]


def _check(snap: dict[str, Any], source: str) -> None:
    if snap.get("dialect") != DIALECT:
        raise UsageError(f"{source}: a drizzle-kit 1.x snapshot for {snap.get('dialect')!r}; mizzle reads and writes "
                         "the 1.x layout for PostgreSQL only so far")
    if str(snap.get("version")) not in (VERSION, V8) or (str(snap.get("version")) == V8
                                                         and not isinstance(snap.get("ddl"), list)):
        raise UsageError(f"{source}: snapshot {snap.get('id')} is a version {snap.get('version')} PostgreSQL snapshot "
                         "in drizzle-kit 1.x's layout; mizzle reads versions 8 and 9")


def _refuse_a_lost_parent(snap: dict[str, Any], parents: list[str], snapshots: dict[str, dict[str, Any]],
                          source: str) -> None:
    """IntegrityError when a version 8 snapshot names a parent no migration folder holds: converted as deltas from
    its parents' state, it has none to start from (the message named a `(start)` snapshot without a base)."""
    lost = [p for p in parents if p not in snapshots]
    if lost:
        raise IntegrityError(
            f"{source}/{snap.get('_dir')}: its parent snapshot {lost[0]} is in no migration folder, so it cannot be "
            "converted as the changes from the state before it",
            "Restore that snapshot from version control. If it is lost (a migration folder without snapshot.json), "
            "delete this snapshot.json and every later one, run `mizzle up`, then `mizzle check --rebuild-snapshots` "
            "(it rebuilds them from the SQL).")


class FolderCodec:
    """PostgreSQL's snapshots in drizzle-kit 1.x's folder layout ↔ v7 JSON (see mizzle.dialects.base.FolderCodec).
    Version 9 (1.0.0-rc.5 on): a base, then diffs. Version 8 (1.0.0-beta to 1.0.0-rc.4): every snapshot the whole state as rows — read as
    it is, and converted to version 9 by `upgraded` as drizzle-kit's `up` does (deltas from the parents' state)."""

    version = VERSION
    up_from_raw = False  # `chain` converts mizzle's v7 JSON of the model (any drizzle-kit 0.x version read)

    def state_json(self, snapshots: dict[str, dict[str, Any]], id_: str, source: str) -> dict[str, Any]:
        snap = _lookup(snapshots, id_, source)
        _check(snap, source)
        prev = _parents(snap)
        return v7_from_state(self._state(snapshots, id_, source), id_, prev[0] if prev else ORIGIN)

    def _state(self, snapshots: dict[str, dict[str, Any]], id_: str, source: str) -> State:
        snap = snapshots[id_]
        if str(snap.get("version")) == V8:  # the whole state
            return {entity_key(r): dict(r) for r in snap["ddl"]}
        if any(str(s.get("version")) == V8 for s in snapshots.values()):  # a diff after version 8 snapshots
            snapshots = {**snapshots, **self.upgraded(snapshots, source)}
        return state_of(snapshots, id_, source)

    def latest_json(self, snapshots: dict[str, dict[str, Any]], tips: list[str], source: str) -> dict[str, Any]:
        for t in tips:
            _check(snapshots[t], source)
        if len(tips) == 1:
            return v7_from_state(self._state(snapshots, tips[0], source), tips[0], tips[0])
        return v7_from_state(self.state_after(snapshots, tips, source), tips[0], tips[0])

    def state_after(self, snapshots: dict[str, dict[str, Any]], tips: list[str], source: str) -> State:
        """The rows after the leaves `tips` combined (a merge snapshot with every leaf as a parent)."""
        if any(str(s.get("version")) == V8 for s in snapshots.values()):
            snapshots = {**snapshots, **self.upgraded(snapshots, source)}
        merge = {"type": "diff", "id": "(next)", "prevIds": tips, "deltas": []}
        return state_of({**snapshots, "(next)": merge}, "(next)", source)

    def next_snapshot(self, v7: dict[str, Any], snapshots: dict[str, dict[str, Any]], tips: list[str], source: str,
                      sidecar_entry: dict[str, Any] | None) -> dict[str, Any]:
        """A base for the first migration, else a diff from the leaves' state with the footprints of its deltas.
        Rows mizzle would write the same way keep drizzle-kit's own (fields mizzle does not model stay)."""
        for t in tips:
            if str(snapshots[t].get("version")) != VERSION:
                raise UsageError(f"{source}/{snapshots[t]['_dir']}: a version {snapshots[t].get('version')} snapshot "
                                 "(drizzle-kit 1.0.0-beta to 1.0.0-rc.4); run `mizzle up` (or `drizzle-kit up`) to "
                                 "convert the folder to version 9 first, drizzle-kit 1.0.0-rc.5's: from then on, "
                                 "drizzle-kit before 1.0.0-rc.5 cannot read the folder")
            _check(snapshots[t], source)
        old: State = self.state_after(snapshots, tips, source) if tips else {}
        rows = rows_from_v7(v7, key_names(sidecar_entry), side_tables(sidecar_entry))
        head: dict[str, Any] = {"type": "diff" if tips else "base", "version": VERSION, "dialect": DIALECT,
                                "id": v7["id"], "prevIds": tips or [ORIGIN]}
        if old:
            seen = {entity_key(r): r for r in rows_from_v7(v7_from_state(old, "", ""))}
            types = {(r["schema"], r["table"], r["name"]): (r["type"], r.get("typeSchema") is not None)
                     for r in rows if r["entityType"] == "columns"}
            rows = [old[k] if k in old and (seen.get(k) == r or _same_index(seen.get(k), r, types)
                                            or _same_column(seen.get(k), r)) else r
                    for r in rows for k in [entity_key(r)]]
        state = {k: dict(r) for k, r in old.items()}
        deltas = rename_deltas(state, rows, meta_renames(v7.get("_meta")))  # as drizzle-kit 1.x writes a rename
        deltas += deltas_between(state, rows)
        head["footprints"] = footprints_of(old, deltas)
        head["deltas" if tips else "ddl"] = deltas if tips else rows
        return head

    def chain(self, parent: Any, v7: dict[str, Any] | None, id_: str, prev_ids: list[str],
              sidecar_entry: dict[str, Any] | None) -> tuple[dict[str, Any], Any]:
        """`mizzle up` from a 0.x folder: the snapshot of `v7` after the state `parent` (None: the first, a base),
        and its state for the next one. `v7` None: a migration without a snapshot, written as drizzle-kit 1.x
        writes a custom migration's (a diff with no deltas)."""
        if v7 is None:
            return {"type": "diff", "version": VERSION, "dialect": DIALECT, "id": id_, "prevIds": prev_ids,
                    "footprints": [], "deltas": []}, parent
        rows = rows_from_v7(v7, key_names(sidecar_entry), side_tables(sidecar_entry))
        state: State = parent or {}
        head: dict[str, Any] = {"type": "diff" if parent is not None else "base", "version": VERSION,
                                "dialect": DIALECT, "id": id_, "prevIds": prev_ids or [ORIGIN]}
        deltas = deltas_between(state, rows)
        head["footprints"] = footprints_of(state, deltas)
        head["deltas" if parent is not None else "ddl"] = deltas if parent is not None else rows
        return head, {entity_key(r): r for r in rows}

    def upgraded(self, snapshots: dict[str, dict[str, Any]], source: str) -> dict[str, dict[str, Any]]:
        """Every version 8 snapshot as version 9, as drizzle-kit's `up` converts it: no parent, a base with the
        rows; else a diff from its parents' state (several: the last folder first) to its rows, the renames its
        `renames` lists written as rename deltas (`rename_deltas`), a key its code leaves unnamed keeping the name
        it had."""
        out: dict[str, dict[str, Any]] = {}
        for id_ in sorted(snapshots, key=lambda i: snapshots[i]["_dir"]):
            snap = snapshots[id_]
            if str(snap.get("version")) != V8:
                continue
            _check(snap, source)
            rows = [dict(r) for r in snap["ddl"]]
            real = [p for p in _parents(snap) if p and p != ORIGIN]
            head = {"version": VERSION, "dialect": DIALECT, "id": id_}
            if not real:
                creates = [{"op": "create", "row": r} for r in rows]
                out[id_] = {"type": "base", **head, "prevIds": [ORIGIN], "footprints": footprints_of({}, creates),
                            "ddl": rows}
                continue
            _refuse_a_lost_parent(snap, real, snapshots, source)
            prev = sorted(real, key=lambda p: str(snapshots.get(p, {}).get("_dir", "")), reverse=True)
            start = state_of({**snapshots, **out, "(start)": {"type": "diff", "id": "(start)", "prevIds": prev,
                                                               "deltas": []}}, "(start)", source)
            state = {k: dict(r) for k, r in start.items()}
            deltas = rename_deltas(state, rows, [r for r in snap.get("renames") or [] if isinstance(r, str)])
            deltas += deltas_between(state, _kept_key_names(rows, state))
            out[id_] = {"type": "diff", **head, "prevIds": prev, "footprints": footprints_of(start, deltas),
                        "deltas": deltas}
        return out

    def changes(self, snapshots: dict[str, dict[str, Any]], id_: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        snapshot = snapshots[id_]
        return [(d, d["row"] if d.get("op") == "create" else row_of_key(d.get("key", "")))
                for d in snapshot.get("deltas") or []]


FOLDER_CODEC = FolderCodec()
