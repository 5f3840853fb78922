"""drizzle-kit 1.x's footprints of the statements that create and drop tables, columns, indexes, keys, unique
constraints, checks, foreign keys, enums, schemas and sequences (its `PostgresCommutativity.buildFootprint`, checked against
1.0.0-rc.5's bin.cjs): one footprint per statement drizzle-kit would make of the deltas, with its target and the
nodes it writes and reads, so that drizzle-kit's `check` (commutativity of branches) reads a folder mizzle wrote
as it reads its own.

drizzle-kit makes one `create_table` of a table's row and the rows of its columns, key, unique constraints and
checks (the key's and the uniques' names are among what it writes), and one `drop_table` of a table dropped with
all it holds; its indexes and foreign keys are statements of their own (`create_index`, `create_fk`).
Alterations (`alter_column`, `recreate_fk`, `alter_check`, …) carry a hash of drizzle-kit's SQL where drizzle-kit's
SQL is known for sure from the rows (alter_column's plain cases, recreate_fk); the others go without one.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

Row = dict[str, Any]


def _q(*parts: Any) -> str:
    return ".".join(str(p) for p in parts)


def _created(kind: str, *parts: Any) -> list[str]:
    """A created or dropped object's nodes (its `created(...)`), with the names it shares with other kinds."""
    q = _q(*parts)
    shared = {"tbl": [f"n|rel|{q}", f"n|type|{q}"], "idx": [f"n|rel|{q}"], "seq": [f"n|rel|{q}"], "enum": [f"n|type|{q}"],
              "fk": [f"n|con|{q}"], "ck": [f"n|con|{q}"],
              "uq": [f"n|con|{q}", f"n|rel|{_q(parts[0], parts[-1])}"]}.get(kind, [])
    return [f"s|{kind}|{q}", f"n|{kind}|{q}", f"e|{kind}|{q}", *shared]


def _under(schema: str, table: str) -> list[str]:
    return [f"n|tbl|{schema}.{table}", f"n|sch|{schema}"]


def _uniqueness(schema: str, table: str, columns: list[str]) -> str:
    return f"e|uniqueness|{_q(schema, table, *sorted(columns))}"


def _enum_read(column: Row) -> list[str]:
    schema = column.get("typeSchema")
    return [f"n|enum|{schema}.{column['type']}"] if schema and schema != "pg_catalog" and column.get("type") else []


def _check_columns(check: Row, columns: list[str]) -> list[str]:
    """The table's columns a check names (drizzle-kit reads them off the expression)."""
    value = str(check.get("value") or "")
    return [c for c in columns if re.search(r'(?<![\w"])"?' + re.escape(c) + r'"?(?![\w"])', value)]


def statement_footprints(op: str, row: Row, deltas: list[dict[str, Any]], old_rows: list[Row],
                         touched: set[tuple[str, str]], changed: Row | None = None) -> list[Row] | None:
    """The footprints of one create or drop delta of `row` (`touched`: the tables this migration creates, or
    drops, as `op` says; `changed`: an alter's new fields); [] when drizzle-kit's statement for its table covers it; None for a delta this module
    does not cover."""
    kind = row["entityType"]
    if op == "alter" and kind == "columns":
        return _alter_column(row, changed or {})
    if op == "alter" and kind in _ALTER:
        if not _makes_statement(kind, changed or {}):
            return []
        return _ALTER[kind](row, {**row, **(changed or {})}, old_rows + [d["row"] for d in deltas if d["op"] == "create"])
    if op not in ("create", "drop") or kind not in _BUILD:
        return None
    if kind in ("columns", "pks", "uniques", "checks", "indexes", "fks") \
            and (row["schema"], row["table"]) in touched and (op == "drop" or kind not in ("indexes", "fks")) \
            and not _between_dropped_tables(op, row, touched):
        return []  # in the table's CREATE TABLE / gone with its DROP TABLE
    return _BUILD[kind](op, row, deltas, old_rows)


# drizzle-kit's diff drops these fields of an altered row before deciding on a statement (an index's `concurrently`
# too), and makes one for an index only when these change, for a primary key only when its columns do
_NO_STATEMENT = {"indexes": {"nameExplicit", "concurrently"}, "fks": {"nameExplicit"}, "uniques": {"nameExplicit"}}
_STATEMENT_FIELDS = {"indexes": {"isUnique", "method", "with", "columns", "where"}, "pks": {"columns"}}


def _makes_statement(kind: str, changed: Row) -> bool:
    """Whether an alter delta setting `changed` is one drizzle-kit writes a statement (so a footprint) for: a row
    whose `nameExplicit` alone flips (schema code naming an index or key as the database has it) is not."""
    fields = set(changed) - _NO_STATEMENT.get(kind, set())
    return bool(fields & _STATEMENT_FIELDS[kind]) if kind in _STATEMENT_FIELDS else bool(fields)


def _between_dropped_tables(op: str, fk: Row, touched: set[tuple[str, str]]) -> bool:
    """A foreign key from one dropped table to another: drizzle-kit drops it first (`drop_fk`), so that the tables
    drop in any order; one to a table that stays goes with its DROP TABLE (its `jsonDropFKs` filter)."""
    return op == "drop" and fk["entityType"] == "fks" and fk["table"] != fk.get("tableTo") \
        and (fk.get("schemaTo"), fk.get("tableTo")) in touched


def _table(op: str, row: Row, deltas: list[dict[str, Any]], old_rows: list[Row]) -> list[Row]:
    s, n = row["schema"], row["name"]
    writes, reads = _created("tbl", s, n), [f"n|sch|{s}"]
    if op == "create":
        mine = [d["row"] for d in deltas if d["op"] == "create" and d["row"].get("schema") == s
                and d["row"].get("table") == n]
        writes += [f"n|rel|{s}.{r['name']}" for r in mine if r["entityType"] == "pks"]
        writes += [f"n|rel|{s}.{r['name']}" for r in mine if r["entityType"] == "uniques"]
        reads += [e for r in mine if r["entityType"] == "columns" for e in _enum_read(r)]
    return [{"statementType": f"{op}_table", "statementTarget": ["table", s, n], "writes": writes, "reads": reads}]


def _column(op: str, row: Row, deltas: list[dict[str, Any]], old_rows: list[Row]) -> list[Row]:
    s, t, n = row["schema"], row["table"], row["name"]
    reads = _under(s, t) + (_enum_read(row) if op == "create" else [])
    return [{"statementType": "add_column" if op == "create" else "drop_column",
             "statementTarget": ["column", s, t, n], "writes": _created("col", s, t, n), "reads": reads}]


def _index(op: str, row: Row, deltas: list[dict[str, Any]], old_rows: list[Row]) -> list[Row]:
    s, t, n = row["schema"], row["table"], row["name"]
    cols = [c["value"] for c in row.get("columns") or [] if not c.get("isExpression")]
    out: Row = {"statementType": f"{op}_index", "statementTarget": ["index", s, t, n], "writes": _created("idx", s, n)}
    if op == "create":
        out["reads"] = _under(s, t) + [f"n|col|{s}.{t}.{c}" for c in cols]
        return [out]
    plain = row.get("isUnique") and not row.get("where") and not any(c.get("isExpression") for c in row["columns"])
    key = [_uniqueness(s, t, cols)] if plain else []
    out["reads"] = (_under(s, t) if key else [f"e|tbl|{s}.{t}", f"n|sch|{s}"]) + [f"e|col|{s}.{t}.{c}" for c in cols]
    out["sharedWrites"] = key
    return [out]


def _fk(op: str, row: Row, deltas: list[dict[str, Any]], old_rows: list[Row]) -> list[Row]:
    s, t, n = row["schema"], row["table"], row["name"]
    out: Row = {"statementType": f"{op}_fk", "statementTarget": ["table", s, t], "writes": _created("fk", s, t, n)}
    if op == "create":
        to_s, to_t = row["schemaTo"], row["tableTo"]
        out["reads"] = [*_under(s, t), f"n|tbl|{to_s}.{to_t}", f"n|sch|{to_s}",
                        *(f"n|col|{s}.{t}.{c}" for c in row["columns"]),
                        *(f"n|col|{to_s}.{to_t}.{c}" for c in row["columnsTo"]),
                        _uniqueness(to_s, to_t, list(row["columnsTo"]))]
    else:
        out["reads"] = _under(s, t) + [f"e|col|{s}.{t}.{c}" for c in row["columns"]]
    return [out]


def _unique(op: str, row: Row, deltas: list[dict[str, Any]], old_rows: list[Row]) -> list[Row]:
    s, t, n = row["schema"], row["table"], row["name"]
    ref = "n" if op == "create" else "e"
    out: Row = {"statementType": "add_unique" if op == "create" else "drop_unique",
                "statementTarget": ["table", s, t], "writes": _created("uq", s, t, n),
                "reads": _under(s, t) + [f"{ref}|col|{s}.{t}.{c}" for c in row["columns"]]}
    if op == "drop":
        out["sharedWrites"] = [_uniqueness(s, t, list(row["columns"]))]
    return [out]


def _pk(op: str, row: Row, deltas: list[dict[str, Any]], old_rows: list[Row]) -> list[Row]:
    s, t, n = row["schema"], row["table"], row["name"]
    ref = "n" if op == "create" else "e"
    out: Row = {"statementType": "add_pk" if op == "create" else "drop_pk", "statementTarget": ["table", s, t],
                "writes": [*_created("pk", s, t), f"n|con|{s}.{t}.{n}", f"n|rel|{s}.{n}"],
                "reads": _under(s, t) + [f"{ref}|col|{s}.{t}.{c}" for c in row["columns"]]}
    if op == "drop":
        out["sharedWrites"] = [_uniqueness(s, t, list(row["columns"]))]
    return [out]


def _check(op: str, row: Row, deltas: list[dict[str, Any]], old_rows: list[Row]) -> list[Row]:
    s, t, n = row["schema"], row["table"], row["name"]
    rows = old_rows + [d["row"] for d in deltas if d["op"] == "create"]
    columns = list(dict.fromkeys(r["name"] for r in rows if r.get("entityType") == "columns"
                                 and r.get("schema") == s and r.get("table") == t))
    ref = "n" if op == "create" else "e"
    return [{"statementType": "add_check" if op == "create" else "drop_check", "statementTarget": ["table", s, t],
             "writes": _created("ck", s, t, n),
             "reads": _under(s, t) + [f"{ref}|col|{s}.{t}.{c}" for c in _check_columns(row, columns)]}]


def _enum(op: str, row: Row, deltas: list[dict[str, Any]], old_rows: list[Row]) -> list[Row]:
    s, n = row["schema"], row["name"]
    return [{"statementType": f"{op}_enum", "statementTarget": ["enum", s, n], "writes": _created("enum", s, n),
             "reads": [f"n|sch|{s}"]}]


def _schema(op: str, row: Row, deltas: list[dict[str, Any]], old_rows: list[Row]) -> list[Row]:
    return [{"statementType": f"{op}_schema", "statementTarget": ["schema", row["name"]],
             "writes": _created("sch", row["name"])}]


def _sequence(op: str, row: Row, deltas: list[dict[str, Any]], old_rows: list[Row]) -> list[Row]:
    s, n = row["schema"], row["name"]
    return [{"statementType": f"{op}_sequence", "statementTarget": ["sequence", s, n],
             "writes": _created("seq", s, n), "reads": [f"n|sch|{s}"]}]


def _alter_column(row: Row, changed: Row) -> list[Row]:
    """`alter_column`: it writes the column's properties that change (a type change rewrites the default too, an
    identity the default and NOT NULL), and carries the hash of its SQL when drizzle-kit's SQL is known for sure
    here: NOT NULL and the default set or dropped, and a plain type change with them (_plain_retype); nothing else
    (another change: no hash, so drizzle-kit's `check`
    takes the same change on two branches for a conflict, never the reverse; a hash of other text than
    drizzle-kit's errs the same way, and two different changes never share one)."""
    to = {**row, **changed}
    s, t, n = to["schema"], to["table"], to["name"]
    props: list[str] = []
    for field, adds in (("notNull", ("notNull",)), ("default", ("default",)), ("type", ("type", "default")),
                        ("typeSchema", ("type", "default")), ("dimensions", ("type", "default")),
                        ("generated", ("generated", "default")), ("identity", ("identity", "default", "notNull"))):
        if field in changed:  # in drizzle-kit's order: its diff adds each property to a Set as it meets it
            props += [p for p in adds if p not in props]
    reads = [*_under(s, t), f"n|col|{s}.{t}.{n}", *(_enum_read(to) if "default" in changed or "type" in props else [])]
    out: Row = {"statementType": "alter_column", "statementTarget": ["column", s, t, n],
                "writes": [f"s|colprop|{s}.{t}.{n}.{p}" for p in props], "reads": reads}
    if changed and (set(changed) <= {"notNull", "default"} or _plain_retype(row, to, changed)):
        key = f'"{t}"' if s == "public" else f'"{s}"."{t}"'
        sql = []
        if "type" in changed:
            sql.append(f'ALTER TABLE {key} ALTER COLUMN "{n}" SET DATA TYPE {to["type"]} USING "{n}"::{to["type"]};')
        if "default" in changed:  # before NOT NULL, as drizzle-kit's alter_column convertor writes them
            sql.append(f'ALTER TABLE {key} ALTER COLUMN "{n}" '
                       + (f"SET DEFAULT {_default_sql(to)};" if to.get("default") else "DROP DEFAULT;"))
        if "notNull" in changed:
            sql.append(f'ALTER TABLE {key} ALTER COLUMN "{n}" {"SET" if changed["notNull"] else "DROP"} NOT NULL;')
        out["sqlHash"] = hashlib.sha256("\n".join(sql).encode()).hexdigest()[:16]
    return [out]


_SERIALS = ("smallserial", "serial", "bigserial")


def _plain_retype(row: Row, to: Row, changed: Row) -> bool:
    """A type change whose SQL drizzle-kit 1.x writes from the rows alone (`SET DATA TYPE t USING "c"::t;`, then
    the default and NOT NULL as they change): no enum on either side (its default dropped and set again), no
    serial (its sequence), no array, no generated column."""
    return "type" in changed and set(changed) <= {"type", "notNull", "default"} \
        and not any(r.get("typeSchema") or r.get("dimensions") or r.get("generated")
                    or str(r.get("type") or "").lower() in _SERIALS for r in (row, to))


def _default_sql(col: Row) -> str:
    """drizzle-kit 1.x's `defaultToSQL`: the row's default, cast to its enum type (or array type) where it has one."""
    dims = "[]" if (col.get("dimensions") or 0) > 0 else ""
    type_schema = col.get("typeSchema")
    if type_schema:
        qualifier = f'"{type_schema}".' if type_schema != "public" else ""
        return f'{col["default"]}::{qualifier}"{col["type"]}"{dims}'
    return f'{col["default"]}::{col["type"]}[]' if dims else str(col["default"])


_BUILD = {"schemas": _schema, "sequences": _sequence, "tables": _table, "columns": _column, "indexes": _index, "fks": _fk, "uniques": _unique, "pks": _pk,
          "checks": _check, "enums": _enum}


# -- alterations of enums, foreign keys, indexes, uniques and checks: drizzle-kit's statement and nodes, without the
# hash of its SQL (the same change on two branches is then a conflict to drizzle-kit's `check`, never the reverse)

def _alter_enum(old: Row, new: Row, rows: list[Row]) -> list[Row]:
    s, n = new["schema"], new["name"]
    before, after = list(old.get("values") or []), list(new.get("values") or [])
    if all(v in after for v in before) and [v for v in after if v in before] == before:  # ADD VALUE
        return [{"statementType": "alter_enum", "statementTarget": ["enum", s, n], "writes": [f"s|enum|{s}.{n}"],
                 "reads": [f"n|sch|{s}"]}]
    users = [r for r in rows if r.get("entityType") == "columns" and r.get("typeSchema") == s and r.get("type") == n]
    return [{"statementType": "recreate_enum", "statementTarget": ["enum", s, n],
             "writes": [*_created("enum", s, n), *(f"s|colprop|{_q(c['schema'], c['table'], c['name'])}.{p}"
                                                   for c in users for p in ("type", "default"))],
             "reads": [f"n|sch|{s}", *(x for c in users for x in (*_under(c["schema"], c["table"]),
                                                                  f"n|col|{_q(c['schema'], c['table'], c['name'])}"))]}]


def _alter_fk(old: Row, new: Row, rows: list[Row]) -> list[Row]:
    """`recreate_fk`: create_fk's nodes, and the hash of drizzle-kit's one statement (its `recreateFKConvertor`:
    DROP and ADD in one ALTER TABLE, the actions written unless NO ACTION); no hash when the row lacks an action."""
    out = _fk("create", new, [], [])
    out[0]["statementType"] = "recreate_fk"
    if new.get("onDelete") and new.get("onUpdate"):
        def name(schema: str, table: str) -> str:
            return f'"{table}"' if schema == "public" else f'"{schema}"."{table}"'

        def cols(names: list[str]) -> str:
            return ",".join(f'"{c}"' for c in names)

        actions = "".join(f" ON {what} {new[field]}" for what, field in (("DELETE", "onDelete"), ("UPDATE", "onUpdate"))
                          if new[field] != "NO ACTION")
        sql = (f'ALTER TABLE {name(new["schema"], new["table"])} DROP CONSTRAINT "{new["name"]}", ADD CONSTRAINT '
               f'"{new["name"]}" FOREIGN KEY ({cols(new["columns"])}) REFERENCES '
               f'{name(new["schemaTo"], new["tableTo"])}({cols(new["columnsTo"])}){actions};')
        out[0]["sqlHash"] = hashlib.sha256(sql.encode()).hexdigest()[:16]
    return out


def _alter_index(old: Row, new: Row, rows: list[Row]) -> list[Row]:
    out = _index("create", new, [], [])
    cols = [c["value"] for c in old.get("columns") or []]
    plain = old.get("isUnique") and not old.get("where") and not any(c.get("isExpression") for c in old["columns"])
    out[0].update(statementType="recreate_index",
                  sharedWrites=[_uniqueness(old["schema"], old["table"], cols)] if plain else [])
    return out


def _alter_unique(old: Row, new: Row, rows: list[Row]) -> list[Row]:
    s, t, n = new["schema"], new["table"], new["name"]
    return [{"statementType": "alter_unique", "statementTarget": ["table", s, t], "writes": [f"s|uq|{s}.{t}.{n}"],
             "reads": [*_under(s, t), *(f"n|col|{s}.{t}.{c}" for c in new["columns"]),
                       *(f"e|col|{s}.{t}.{c}" for c in old["columns"])],
             "sharedWrites": [_uniqueness(s, t, list(old["columns"]))]}]


def _alter_check(old: Row, new: Row, rows: list[Row]) -> list[Row]:
    s, t, n = new["schema"], new["table"], new["name"]
    columns = list(dict.fromkeys(r["name"] for r in rows if r.get("entityType") == "columns"
                                 and r.get("schema") == s and r.get("table") == t))
    return [{"statementType": "alter_check", "statementTarget": ["table", s, t], "writes": [f"s|ck|{s}.{t}.{n}"],
             "reads": [*_under(s, t), *(f"n|col|{s}.{t}.{c}" for c in _check_columns(new, columns)),
                       *(f"e|col|{s}.{t}.{c}" for c in _check_columns(old, columns))]}]


def _alter_pk(old: Row, new: Row, rows: list[Row]) -> list[Row]:
    """`alter_pk` (the key's columns change in place): it writes the table's key, reads the new columns, and shares
    the uniqueness of the old ones (drizzle-kit's statement, not a generic alteration of a `pk` node)."""
    s, t = new["schema"], new["table"]
    return [{"statementType": "alter_pk", "statementTarget": ["table", s, t], "writes": [f"s|pk|{s}.{t}"],
             "reads": [*_under(s, t), *(f"n|col|{s}.{t}.{c}" for c in new["columns"])],
             "sharedWrites": [_uniqueness(s, t, list(old["columns"]))]}]


_ALTER = {"enums": _alter_enum, "fks": _alter_fk, "indexes": _alter_index, "uniques": _alter_unique,
          "checks": _alter_check, "pks": _alter_pk}
