"""The schema model ↔ drizzle-kit's PostgreSQL snapshot JSON (version "7"), plus mizzle's sidecar
(`meta/_mizzle.json`) for facts the strict v7 format has no field for."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

from ...errors import IntegrityError, malformed_snapshot
from ...migrations.folder import ROOT_ID
from ...migrations.snapshots import default_from_json, new_id
from ...schema.lineage import all_columns
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
from ...schema.naming import implicit_pkey_name, type_name
from .ddl import not_null_said, single_key_column
from .objects_snapshot import objects_from_snapshot, objects_to_snapshot
from .snapshot_security import (
    policies_from_json,
    policies_to_json,
    roles_to_json,
    security_from_json,
    security_sidecar,
)
from .types import array_text, builtin_type, canonical_type, split_collation

# A partition (CREATE TABLE … PARTITION OF) is written into the sidecar entry, whole, under this key, and not into
# the snapshot's `tables`: drizzle-kit has no partitions, and a table of its snapshot that its schema code lacks is
# one its next generate drops (a partition's rows with it) — a drizzle-kit folder whose hand-written SQL partitions
# a table (PageSpace's drizzle-admin) got its partitions there from `check --rebuild-snapshots`. Read back from
# either place (snapshots written before this kept them in `tables`).
PARTITIONS_KEY = "partitions"
_CARRIED_TOP = ("policies", "privileges")  # views: objects_snapshot.py; roles: snapshot_security.py;
# privileges: the grants a drizzle-kit 1.x folder holds (snapshot_v9.py), carried as they are


def _default_to_json(value: str | None, type_: str) -> Any:
    if value is None or value == "null":  # drizzle-kit's `.default(null)`: `DEFAULT null` in SQL, JSON null here
        return None
    base = type_.split("(")[0]
    if value in ("true", "false") and base == "boolean":
        return value == "true"
    if base in ("smallint", "integer", "bigint", "real", "double precision", "serial", "bigserial", "smallserial"):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return value
    if base == "numeric" and not type_.endswith("]"):
        # numeric({mode: 'number'}).default(1.25) is a JSON number in drizzle-kit; a quoted '9.99' stays text.
        # Only where the number survives JSON unchanged (drizzle-kit compares the values as written).
        if re.fullmatch(r"-?\d+", value) and abs(int(value)) <= 2**53:
            return int(value)
        if re.fullmatch(r"-?\d+\.\d+", value):
            # one JSON would spell otherwise (`0.00`, the server's for DEFAULT '0.00'): drizzle-kit's
            # numeric().default("0.00"), `'0.00'`, as its pull writes it too (elizaOS/cloud's total_billed)
            return float(value) if repr(float(value)) == value else f"'{value}'"
    return value


def schema_from_snapshot(data: dict[str, Any], sidecar: dict[str, Any] | None = None, source: str = "snapshot") -> Schema:
    """A drizzle-kit pg snapshot (any v7 file, written by drizzle-kit or by mizzle) → the model."""
    if not isinstance(data, dict):
        raise IntegrityError(f"{source}: not a snapshot (expected a JSON object)")
    side = (sidecar or {}).get("snapshots", {}).get(data.get("id"), {}) if sidecar else {}
    try:
        tables = [_table_remembered(t, side.get("tables", {}))
                  for t in _with_schema_to({**(data.get("tables") or {}), **side.get(PARTITIONS_KEY, {})})]
        side_enums = side.get("enums", {})  # mizzle's: drizzle-kit's enum has no comment
        enums = [Enum(e["name"], tuple(e["values"]), e.get("schema") or DEFAULT_SCHEMA,
                      side_enums.get(f"{e.get('schema') or DEFAULT_SCHEMA}.{e['name']}", {}).get("comment"))
                 for e in (data.get("enums") or {}).values()]
        side_seqs = side.get("sequences", {})
        sequences = [_sequence_from_json(s, side_seqs.get(f"{s.get('schema') or DEFAULT_SCHEMA}.{s['name']}", {}))
                     for s in (data.get("sequences") or {}).values()]
        objects, carried_views = objects_from_snapshot(data, side)
        security = security_from_json(data, side)
    except (KeyError, TypeError, AttributeError) as e:
        raise IntegrityError(f"{source}: {malformed_snapshot(e)}") from None
    schemas = list((data.get("schemas") or {}).values())
    extras = [(k, json.dumps(data[k], sort_keys=True)) for k in _CARRIED_TOP if data.get(k)]
    if carried_views:  # drizzle-kit's `isExisting` views: not mizzle's to manage, carried as they are
        extras.append(("views", json.dumps(carried_views, sort_keys=True)))
    return make_schema("postgresql", tables=tables, enums=enums, sequences=sequences, schemas=schemas,
                       extras=extras, objects=objects, security=security)


def _with_schema_to(tables: dict[str, Any]) -> list[dict[str, Any]]:
    """The snapshot's tables, each foreign key without `schemaTo` given the schema of its target: public's table
    of that name where there is one (mizzle writes no `schemaTo` for public, drizzle-kit 0.31 always does), else
    the only table of that name. drizzle-kit before `schemaTo` (v5 snapshots, `drizzle-kit up`) left it out for
    any target, its SQL naming the schema all the same (eikona-io/api: `REFERENCES "comfy_deploy"."machines"`)."""
    where: dict[str, set[str]] = {}
    for t in tables.values():
        where.setdefault(str(t.get("name")), set()).add(t.get("schema") or DEFAULT_SCHEMA)

    def filled(f: dict[str, Any]) -> dict[str, Any]:
        found = where.get(str(f.get("tableTo")), set())
        if "schemaTo" in f or DEFAULT_SCHEMA in found or len(found) != 1:
            return f
        return {**f, "schemaTo": next(iter(found))}

    out = []
    for t in tables.values():
        fks = t.get("foreignKeys") or {}
        new = {k: filled(f) for k, f in fks.items()}
        out.append(t if all(new[k] is f for k, f in fks.items()) else {**t, "foreignKeys": new})
    return out


# -- speed: tables read from JSON remembered ----------------------------------------------------------
# `verify` and `check --rebuild-snapshots` read ~200 snapshots of one growing schema (dokploy: 186 of ~70 tables),
# and most of a snapshot's tables are, as JSON, the previous snapshot's. A table's model depends only on its JSON
# entry and its sidecar entry, so it is remembered under their JSON text (key order kept: it orders the columns).
# What it buys: the JSON text costs a fifth of building the table; and a table read again is the very same object,
# which the canonical forms' memo finds by identity (canonical_tables.py). Bounded (_READ_MAX).
_READ_MAX = 20_000
_read: dict[tuple[str, str], Table] = {}


_last: dict[Any, tuple[dict[str, Any], Any, Table]] = {}  # table name → the latest (JSON, sidecar entry, Table)


def _same_order(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal dicts (a == b) whose keys, and those of each dict in them (columns, indexes…), come in one order."""
    return list(a) == list(b) and all(list(x) == list(y) for x, y in zip(a.values(), b.values(), strict=True)
                                      if isinstance(x, dict))


def _table_remembered(t: dict[str, Any], side_tables: dict[str, Any]) -> Table:
    """`_table_from_json(t, side_tables)`, remembered by the JSON text of the table and of its sidecar entry
    (first: equal to the latest entry of that name, compared as parsed JSON, key order included: no text made)."""
    try:
        name = (t.get("schema") or DEFAULT_SCHEMA, t["name"])
        side = side_tables.get(f"{name[0]}.{name[1]}")
        last = _last.get(name)
        if last is not None and (last[0] is t or (last[0] == t and _same_order(last[0], t))) and last[1] == side:
            return last[2]
        key = (json.dumps(t), json.dumps(side))
    except (TypeError, ValueError, KeyError, AttributeError):  # not plain JSON: read, not remembered
        return _table_from_json(t, side_tables)
    hit = _read.get(key)
    if hit is None:
        if len(_read) > _READ_MAX:
            _read.clear()
        hit = _read[key] = canonical_table(_table_from_json(t, side_tables))  # as make_schema orders it
    _last[name] = (t, side, hit)
    return hit


def _table_from_json(t: dict[str, Any], side_tables: dict[str, Any]) -> Table:
    schema = t.get("schema") or DEFAULT_SCHEMA
    side = side_tables.get(f"{schema}.{t['name']}", {})
    side_cols = side.get("columns", {})
    pk = _pk_from_json(t, side)
    pk_cols = set(pk.columns) if pk else set()
    columns = []
    only_inherited = set(side.get("inheritedColumns") or ())  # see _inheriting_table_json
    for c in t["columns"].values():
        if c["name"] in only_inherited:
            continue
        ident = c.get("identity")
        identity = None
        if ident:
            identity = Identity(kind=ident["type"], sequence_name=ident.get("name"),
                                increment=_s(ident.get("increment")), start=_s(ident.get("startWith")),
                                min_value=_s(ident.get("minValue")), max_value=_s(ident.get("maxValue")),
                                cache=_s(ident.get("cache")), cycle=bool(ident.get("cycle", False)))
        gen = c.get("generated")
        ts = _type_schema(c)
        columns.append(Column(
            name=c["name"], type=c["type"] if ts else canonical_type(c["type"]), not_null=bool(c.get("notNull")) or c["name"] in pk_cols,
            default=_default(c.get("default"), str(c.get("type", ""))), type_schema=ts, identity=identity,
            generated=gen["as"] if gen else None, comment=side_cols.get(c["name"], {}).get("comment"),
            # mizzle's sidecar; else a COLLATE in drizzle-kit's type text (a custom type: `text COLLATE "C"`)
            collation=side_cols.get(c["name"], {}).get("collation")
            or (None if ts else split_collation(c["type"])[1]),
            declared_not_null=bool(c.get("notNull"))))
    side_fks = side.get("foreignKeys", {})
    fks = [_fk_from_json(f, side_fks) for f in (t.get("foreignKeys") or {}).values()]
    side_uq = side.get("uniqueConstraints", {})
    uniques = [UniqueConstraint(u["name"], tuple(u["columns"]), bool(u.get("nullsNotDistinct")),
                                side_uq.get(u["name"], {}).get("deferrable"), _server_name(u, side_uq))
               for u in (t.get("uniqueConstraints") or {}).values()]
    side_ck = side.get("checkConstraints", {})
    checks = [CheckConstraint(c["name"], c["value"], bool(side_ck.get(c["name"], {}).get("notValid")),
                              bool(side_ck.get(c["name"], {}).get("noInherit")), _server_name(c, side_ck))
              for c in (t.get("checkConstraints") or {}).values()]
    side_ix = side.get("indexes", {})
    indexes = [_index_from_json(ix, side_ix) for ix in (t.get("indexes") or {}).values()]
    return Table(name=t["name"], schema=schema, columns=tuple(columns), primary_key=pk, foreign_keys=tuple(fks),
                 uniques=tuple(uniques), checks=tuple(checks), indexes=tuple(indexes), comment=side.get("comment"),
                 unlogged=bool(side.get("unlogged")),
                 excludes=tuple(_exclusion_from_json(n, x) for n, x in (side.get("excludes") or {}).items()),
                 rls=_rls_from_json(t, side), force_rls=bool(side.get("forceRls")),
                 policies=policies_from_json(t.get("policies")), extras=_rls_flag_from_json(t),
                 comments=tuple((k, n, x) for k, n, x in side.get("comments") or ()), **_lineage_from_sidecar(side))


def _type_schema(c: dict[str, Any]) -> str | None:
    """A column's `typeSchema`, but none for a built-in type: drizzle-kit writes such a column's type unqualified
    whatever its entry says (CodebuffAI/codebuff's 0004 snapshot: `"type": "integer", "typeSchema": "public"`).
    Spelled in another case it is the user's type, as for drizzle-kit, whose native types are lower-case (openpanel's
    enum "Interval")."""
    ts, spelling = c.get("typeSchema"), str(c.get("type", ""))
    return None if ts and spelling == spelling.lower() and builtin_type(spelling) else ts


def _index_from_json(ix: dict[str, Any], side_ix: dict[str, Any]) -> Index:
    ixs = side_ix.get(ix["name"], {})  # mizzle's: drizzle-kit's index has no INCLUDE, NULLS NOT DISTINCT, COLLATE
    colls = ixs.get("collations") or []
    # a version 5/6 snapshot names each column by a string, which `drizzle-kit up` makes an ascending column element
    cols = [IndexColumn(expression=ic["expression"], is_expression=bool(ic.get("isExpression")),
                        asc=bool(ic.get("asc", True)), nulls=ic.get("nulls") or "last",
                        opclass=ic.get("opclass") or None, collation=colls[k] if k < len(colls) else None)
            for k, ic in enumerate({"expression": c} if isinstance(c, str) else c for c in ix["columns"])]
    include = tuple(ixs.get("include", ()))
    written = _include_written_in(cols[-1]) if cols and not include else None
    if written is not None:
        cols[-1], include = written
    with_ = tuple((str(k), _with_value(v)) for k, v in (ix.get("with") or {}).items())  # in order
    return Index(name=ix["name"], columns=tuple(cols), unique=bool(ix.get("isUnique")),
                 method=ix.get("method") or "btree", where=ix.get("where") or None, with_=with_, include=include,
                 concurrently=bool(ix.get("concurrently")), nulls_not_distinct=bool(ixs.get("nullsNotDistinct")),
                 server_name=_server_name(ix, side_ix))


_IDENT = r'"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*'


def _unopened_paren(text: str) -> int:
    """Where `text` closes a parenthesis it did not open (outside quotes), else -1."""
    depth, quote = 0, ""
    for k, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote  # a doubled quote closes and reopens: the same in effect
        elif ch in "'\"":
            quote = ch
        elif ch in "()":
            depth += 1 if ch == "(" else -1
            if depth < 0:
                return k
    return -1


def _include_written_in(c: IndexColumn) -> tuple[IndexColumn, tuple[str, ...]] | None:
    """drizzle-kit has no INCLUDE: teams write it into the last column's sql`` (latitude-llm's `"created_at")
    INCLUDE ("credits", "billable"`), which drizzle-kit pastes inside the column list's parentheses, so its SQL
    makes an index with that INCLUDE. Read so: the column before the `)` closing the list, and the INCLUDE's
    columns. None unless the expression closes a parenthesis it did not open, then says INCLUDE (identifiers."""
    k = _unopened_paren(c.expression) if c.is_expression else -1
    if k < 0:
        return None
    head, tail = c.expression[:k].strip(), c.expression[k + 1:]
    m = re.fullmatch(rf"\s*INCLUDE\s*\(\s*((?:{_IDENT})(?:\s*,\s*(?:{_IDENT}))*)\s*", tail, re.I)
    if not m or not head:
        return None
    names = tuple(n[1:-1].replace('""', '"') if n.startswith('"') else n.lower()
                  for n in re.findall(_IDENT, m.group(1)))
    plain = re.fullmatch(_IDENT, head)
    column = head[1:-1].replace('""', '"') if plain and head.startswith('"') else head.lower() if plain else head
    return replace(c, expression=column, is_expression=not plain), names


def _default(value: Any, type_: str) -> str | None:
    """A column's default as the snapshot holds it; a JSON array (older drizzle-kit's `.default([])`, whose SQL says
    `DEFAULT '{}'`: latitude's webhooks.project_ids) is the array literal of an array column, else that JSON text."""
    if not isinstance(value, list):
        return default_from_json(value)
    if not type_.endswith("]"):
        return "'" + json.dumps(value).replace("'", "''") + "'"

    def element(v: Any) -> Any:
        if isinstance(v, list):
            return [element(x) for x in v]
        return v if v is None or isinstance(v, str) else json.dumps(v)  # true / false / numbers as JSON writes them
    return "'" + array_text(element(value)).replace("'", "''") + "'"


def _fk_from_json(f: dict[str, Any], side_fks: dict[str, Any]) -> ForeignKey:
    side = side_fks.get(f["name"], {})
    return ForeignKey(name=f["name"], columns=tuple(f["columnsFrom"]), ref_table=f["tableTo"],
                      ref_columns=tuple(f["columnsTo"]), ref_schema=f.get("schemaTo") or DEFAULT_SCHEMA,
                      on_delete=(f.get("onDelete") or "no action").lower(),
                      on_update=(f.get("onUpdate") or "no action").lower(), deferrable=side.get("deferrable"),
                      not_valid=bool(side.get("notValid")), match_full=bool(side.get("matchFull")),
                      server_name=_server_name(f, side_fks))


def _server_name(entry: dict[str, Any], side: dict[str, Any]) -> str | None:
    """A constraint's or an index's server name (ForeignKey.server_name): from a 1.x row (snapshot_v9.SERVER_NAME)
    or mizzle's sidecar."""
    return entry.get("_serverName") or (side.get(entry["name"]) or {}).get("serverName")


def _rls_from_json(t: dict[str, Any], side: dict[str, Any]) -> bool:
    """drizzle-kit enables row-level security on a table with policies whatever its isRLSEnabled says
    (`.enableRLS()` is for a table without policies); the sidecar says when it is off all the same."""
    if "rls" in side:
        return bool(side["rls"])
    return bool(t.get("isRLSEnabled") or t.get("policies"))


def _rls_flag_from_json(t: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """drizzle-kit's `isRLSEnabled` (`.enableRLS()`) as a table extra when on: the one fact the model does not hold
    of a table with policies (they enable row-level security with the flag or without; miurla/morphic's chats has
    both), kept so that a snapshot written from the model (`generate` carries it forward) says it again."""
    return (("isRLSEnabled", "true"),) if t.get("isRLSEnabled") is True else ()


def _pk_from_json(t: dict[str, Any], side: dict[str, Any]) -> PrimaryKey | None:
    """The key: a composite key's entry, else the columns marked primaryKey; deferrable from the sidecar."""
    pk_single = [c["name"] for c in t["columns"].values() if c.get("primaryKey")]
    composite = list((t.get("compositePrimaryKeys") or {}).values())
    pk = None
    if composite:
        p = composite[0]
        pk = PrimaryKey(tuple(p["columns"]), p.get("name"))
    elif pk_single:
        pk = PrimaryKey(tuple(pk_single), None)
    side_pk = {"name": t["_pkName"], **(side.get("primaryKey") or {})} if t.get("_pkName") else \
        side.get("primaryKey") or {}  # _pkName: snapshot_v9.PK_NAME, from a 1.x snapshot's key row
    if pk is not None and (side_pk.get("deferrable") or side_pk.get("name") or side_pk.get("serverName")):
        # the sidecar's `name`: the server's name of a key drizzle-kit writes as the column's primaryKey; its
        # `serverName`: a composite key's, where the server has another name than the snapshot's (`baseline`'s)
        pk = PrimaryKey(pk.columns, pk.name, side_pk.get("deferrable"),
                        side_pk.get("name") if pk.name is None else side_pk.get("serverName"))
    return pk


def _exclusion_to_json(x: ExclusionConstraint) -> dict[str, Any]:
    d: dict[str, Any] = {"method": x.method, "elements": [
        {"expression": e.expression, "isExpression": e.is_expression, "operator": e.operator,
         **({"opclass": e.opclass} if e.opclass else {})} for e in x.elements]}
    if x.where:
        d["where"] = x.where
    if x.deferrable:
        d["deferrable"] = x.deferrable
    if x.include:
        d["include"] = list(x.include)
    if x.with_:
        d["with"] = dict(x.with_)
    return d


def _exclusion_from_json(name: str, d: dict[str, Any]) -> ExclusionConstraint:
    elements = tuple(ExclusionElement(e["expression"], e["operator"], bool(e.get("isExpression")), e.get("opclass"))
                     for e in d["elements"])
    return ExclusionConstraint(name, elements, d.get("method") or "gist", d.get("where"), d.get("deferrable"),
                               tuple(d.get("include") or ()), tuple((d.get("with") or {}).items()))


def _lineage_from_sidecar(side: dict[str, Any]) -> dict[str, Any]:
    """Partitioning and inheritance (v7 has no field for them): `partitionBy`, `partitionOf` ([schema, name]),
    `partitionBound`, `inherits` ([[schema, name], …])."""
    out: dict[str, Any] = {}
    if side.get("partitionBy"):
        out["partition_by"] = side["partitionBy"]
    if side.get("partitionOf"):
        out["partition_of"] = tuple(side["partitionOf"])
        out["partition_bound"] = side.get("partitionBound") or "DEFAULT"
    if side.get("inherits"):
        out["inherits"] = tuple(tuple(p) for p in side["inherits"])
    return out


def _with_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _s(v: Any) -> str | None:
    return None if v is None else str(v)


def _sequence_from_json(s: dict[str, Any], side: dict[str, Any]) -> Sequence:
    owner = side.get("ownedBy")
    return Sequence(name=s["name"], schema=s.get("schema") or DEFAULT_SCHEMA, increment=_s(s.get("increment")),
                    start=_s(s.get("startWith")), min_value=_s(s.get("minValue")), max_value=_s(s.get("maxValue")),
                    cache=_s(s.get("cache")), cycle=bool(s.get("cycle", False)), data_type=side.get("dataType"),
                    owned_by=(str(owner[0]), str(owner[1]), str(owner[2])) if owner else None)


def snapshot_from_schema(schema: Schema, prev_id: str = ROOT_ID, id_: str | None = None,
                         renames: dict[str, dict[str, str]] | None = None,
                         memo: dict[int, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model → (drizzle-kit v7 snapshot, sidecar entry for facts v7 cannot hold). `memo`: each table's JSON
    and sidecar entry by the table's identity (see migrations/snapshots.py)."""
    side_tables: dict[str, Any] = {}
    tables: dict[str, Any] = {}
    partitions: dict[str, Any] = {}  # see PARTITIONS_KEY
    for t in schema.tables:
        if t.inherits and t.partition_of is None:
            tables[t.qualified], side = _inheriting_table_json(schema, t)
        else:
            (partitions if t.partition_of is not None else tables)[t.qualified], side = \
                _table_json_remembered(t, memo) if memo is not None else (_table_to_json(t), _table_sidecar(t))
        if side:
            side_tables[t.qualified] = side
    snap: dict[str, Any] = {
        "id": id_ or new_id(),
        "prevId": prev_id,
        "version": "7",
        "dialect": "postgresql",
        "tables": tables,
        "enums": {f"{e.schema}.{e.name}": {"name": e.name, "schema": e.schema, "values": list(e.values)}
                  for e in schema.enums},
        "schemas": {s: s for s in schema.schemas},
        "sequences": {f"{s.schema}.{s.name}": _sequence_to_json(s) for s in schema.sequences},
        "roles": roles_to_json(schema.security),
        "policies": {},
        "views": {},
        "_meta": {"columns": {}, "schemas": {}, "tables": {}, **(renames or {})},
    }
    for key, text in schema.extras:
        snap[key] = json.loads(text)
    side_seqs = {f"{s.schema}.{s.name}": {k: v for k, v in (("dataType", s.data_type),
                                                          ("ownedBy", list(s.owned_by) if s.owned_by else None)) if v}
                 for s in schema.sequences if s.data_type or s.owned_by}
    views, side_objects = objects_to_snapshot(schema.objects)
    snap["views"] = {**snap["views"], **views}
    side = security_sidecar(schema.security)
    if side_tables:
        side["tables"] = side_tables
    if partitions:
        side[PARTITIONS_KEY] = partitions
    if side_seqs:
        side["sequences"] = side_seqs
    side_enums = {f"{e.schema}.{e.name}": {"comment": e.comment} for e in schema.enums if e.comment is not None}
    if side_enums:
        side["enums"] = side_enums
    return snap, {**side, **side_objects}


def _inheriting_table_json(schema: Schema, t: Table) -> tuple[dict[str, Any], dict[str, Any]]:
    """A table inheriting others (INHERITS), as drizzle-kit's schema code declares it: every column it has, its
    parents' first (drizzle-kit has no inheritance: a column its snapshot lacks is one its next generate adds, which
    PostgreSQL refuses for an inherited one). The columns it only inherits are named in the sidecar entry
    (`inheritedColumns`), and read back as the parents' (the model lists a table's own columns)."""
    columns = all_columns(schema, t)
    side = _table_sidecar(t)
    own = {c.name for c in t.columns}
    inherited = [c.name for c in columns if c.name not in own]
    if inherited:
        side["inheritedColumns"] = inherited
    return _table_to_json(t.with_(columns=columns)), side


def _table_json_remembered(t: Table, memo: dict[int, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Speed (`check --rebuild-snapshots`: the introspection hands back the very same Table for a table unchanged
    since the previous migration): a table's JSON and sidecar entry computed once per Table object — ~70 tables
    by ~190 snapshots on dokploy, a third of the rebuild's snapshot writing. The entry holds the table, so its id
    is not reused."""
    hit = memo.get(id(t))
    if hit is None or hit[0] is not t:
        hit = memo[id(t)] = (t, _table_to_json(t), _table_sidecar(t))
    return hit[1], hit[2]


def _type_to_json(t: str) -> str:
    """A column's type as the snapshot spells it: a mixed-case domain or type name quoted (read back unquoted, it
    would be lower-cased as PostgreSQL reads an unquoted name)."""
    dims = ""
    while t.endswith("[]"):
        t, dims = t[:-2], dims + "[]"
    return type_name(t) + dims


def _table_to_json(t: Table) -> dict[str, Any]:
    pk = t.primary_key
    single_pk = single_key_column(t)
    composite = pk if pk and single_pk is None else None
    columns = {}
    for c in t.columns:
        d: dict[str, Any] = {"name": c.name, "type": c.type if c.type_schema else _type_to_json(c.type)}
        if c.type_schema:
            d["typeSchema"] = c.type_schema
        d["primaryKey"] = c.name == single_pk
        d["notNull"] = not_null_said(t, c)  # a composite key's member: false unless declared
        if c.default is not None:
            d["default"] = _default_to_json(c.default, c.type)
        if c.generated is not None:
            d["generated"] = {"as": c.generated, "type": "stored"}
        if c.identity is not None:
            i = c.identity
            d["identity"] = {"type": i.kind, "name": i.sequence_name, "schema": t.schema, "increment": i.increment,
                             "startWith": i.start, "minValue": i.min_value, "maxValue": i.max_value,
                             "cache": i.cache, "cycle": i.cycle}
        columns[c.name] = d
    indexes = {}
    for ix in t.indexes:
        cols = []
        for ic in ix.columns:
            cd: dict[str, Any] = {"expression": ic.expression, "isExpression": ic.is_expression, "asc": ic.asc,
                                  "nulls": ic.nulls}
            if ic.opclass:
                cd["opclass"] = ic.opclass
            cols.append(cd)
        d = {"name": ix.name, "columns": cols, "isUnique": ix.unique}
        if ix.where:
            d["where"] = ix.where
        d.update({"concurrently": ix.concurrently, "method": ix.method,
                  "with": {k: (int(v) if v.isdigit() else (v == "true" if v in ("true", "false") else v))
                           for k, v in ix.with_}})
        indexes[ix.name] = d
    out = {
        "name": t.name,
        "schema": "" if t.schema == DEFAULT_SCHEMA else t.schema,
        "columns": columns,
        "indexes": indexes,
        "foreignKeys": {f.name: _fk_to_json(t, f) for f in t.foreign_keys},
        "compositePrimaryKeys": ({(n := composite.name or implicit_pkey_name(t.name)): {
            "name": n, "columns": list(composite.columns)}} if composite else {}),
        "uniqueConstraints": {u.name: {"name": u.name, "nullsNotDistinct": u.nulls_not_distinct,
                                       "columns": list(u.columns)} for u in t.uniques},
        "policies": policies_to_json(t.policies),
        "checkConstraints": {c.name: {"name": c.name, "value": c.expression} for c in t.checks},
        # drizzle-kit's: policies enable it without the flag; .enableRLS() with policies is the extra's
        "isRLSEnabled": t.rls and (not t.policies or dict(t.extras).get("isRLSEnabled") == "true"),
    }
    for key, text in t.extras:
        if key != "isRLSEnabled":
            out[key] = json.loads(text)
    return out


def _fk_to_json(t: Table, f: ForeignKey) -> dict[str, Any]:
    d: dict[str, Any] = {"name": f.name, "tableFrom": t.name, "tableTo": f.ref_table}
    if f.ref_schema != DEFAULT_SCHEMA:  # drizzle-kit writes schemaTo only for a non-public target
        d["schemaTo"] = f.ref_schema
    d.update({"columnsFrom": list(f.columns), "columnsTo": list(f.ref_columns), "onDelete": f.on_delete,
              "onUpdate": f.on_update})
    return d


def _table_sidecar(t: Table) -> dict[str, Any]:
    side: dict[str, Any] = {}
    if t.comment:
        side["comment"] = t.comment
    if t.force_rls:
        side["forceRls"] = True
    if t.comments:  # COMMENT ON INDEX / CONSTRAINT: [kind, name, text]
        side["comments"] = [list(c) for c in t.comments]
    if t.policies and not t.rls:  # policies on a table whose row-level security is off (drizzle-kit: on)
        side["rls"] = False
    cols = {c.name: {k: v for k, v in (("comment", c.comment), ("collation", c.collation)) if v}
            for c in t.columns if c.comment or c.collation}
    if cols:
        side["columns"] = cols
    fks = {f.name: {k: v for k, v in (("deferrable", f.deferrable), ("notValid", f.not_valid), ("matchFull", f.match_full),
                                      ("serverName", f.server_name)) if v}
           for f in t.foreign_keys if f.deferrable or f.not_valid or f.match_full or f.server_name}
    if fks:
        side["foreignKeys"] = fks
    pk = t.primary_key
    if pk is not None and (pk.deferrable or pk.server_name):
        side["primaryKey"] = {k: v for k, v in (("deferrable", pk.deferrable),
                                                ("name", pk.server_name if pk.name is None else None),
                                                ("serverName", pk.server_name if pk.name else None)) if v}
    uqs = {u.name: {k: v for k, v in (("deferrable", u.deferrable), ("serverName", u.server_name)) if v}
           for u in t.uniques if u.deferrable or u.server_name}
    if uqs:
        side["uniqueConstraints"] = uqs
    cks = {c.name: {k: w for k, v, w in (("notValid", c.not_valid, True), ("noInherit", c.no_inherit, True),
                                         ("serverName", c.server_name, c.server_name)) if v}
           for c in t.checks if c.not_valid or c.no_inherit or c.server_name}
    if cks:
        side["checkConstraints"] = cks
    if t.unlogged:
        side["unlogged"] = True
    if t.excludes:
        side["excludes"] = {x.name: _exclusion_to_json(x) for x in t.excludes}
    ixs = {i.name: _index_sidecar(i) for i in t.indexes}
    ixs = {k: v for k, v in ixs.items() if v}
    if ixs:
        side["indexes"] = ixs
    if t.partition_by:
        side["partitionBy"] = t.partition_by
    if t.partition_of is not None:
        side["partitionOf"] = list(t.partition_of)
        side["partitionBound"] = t.partition_bound
    if t.inherits:
        side["inherits"] = [list(p) for p in t.inherits]
    return side


def _index_sidecar(i: Index) -> dict[str, Any]:
    side: dict[str, Any] = {}
    if i.include:
        side["include"] = list(i.include)
    if i.nulls_not_distinct:
        side["nullsNotDistinct"] = True
    if any(c.collation for c in i.columns):
        side["collations"] = [c.collation for c in i.columns]
    if i.server_name:
        side["serverName"] = i.server_name
    return side


def _sequence_to_json(s: Sequence) -> dict[str, Any]:
    return {"name": s.name, "schema": s.schema, "increment": s.increment, "startWith": s.start,
            "minValue": s.min_value, "maxValue": s.max_value, "cache": s.cache, "cycle": s.cycle}
