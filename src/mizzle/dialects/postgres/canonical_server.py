"""Ask the server what it stores for an expression: the checks, partial-index predicates, index expressions,
defaults, generated columns and an extension type's modifiers of an expected model that do not already match the live database are applied
to temporary copies of the live tables (`CREATE TEMP TABLE … (LIKE …)`) inside a transaction that is rolled
back, and read back as `pg_get_constraintdef` / `pg_get_indexdef` / `pg_get_expr` print them — the spelling
introspection reads from the live tables. All of it is one script and one query: two round trips whatever
the number of expressions. An expression the server refuses (a column that is not there) stays as written.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...schema.model import Column, Index, Schema, Table
from .expressions import expression_key
from .types import default_key, frozen_at_create, plain_literal


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _dollar(sql: str) -> str:
    tag = "mz"
    while f"${tag}$" in sql:
        tag += "x"
    return f"${tag}${sql}${tag}$"


def server_forms(conn: Any, expected: Schema, actual: Schema) -> Schema:
    """`expected` with each differing expression replaced by the server's own form of it."""
    jobs: list[tuple[str, int, str, Any]] = []  # (kind, table no, object name, payload)
    script: list[str] = []
    temp_of: dict[int, tuple[str, str]] = {}
    for no, t in enumerate(expected.tables):
        a = actual.table(t.schema, t.name)
        if a is None or a is t:  # the very same table (compare's RepeatMemo): nothing differs
            continue
        tmp = f"mz_canon_{no}"
        stmts = _probes(tmp, no, t, a)
        if not stmts:
            continue
        temp_of[no] = (t.schema, t.name)
        script.append(f"CREATE TEMP TABLE {tmp} (LIKE {_qi(a.schema)}.{_qi(a.name)});")
        for kind, name, sql, orig in stmts:
            script.append(f"DO {_dollar(f'BEGIN EXECUTE {_literal(sql)}; EXCEPTION WHEN others THEN NULL; END')};")
            jobs.append((kind, no, name, orig))
    if not jobs:
        return expected
    forms: dict[tuple[str, int, str], Any] = {}
    with conn.transaction(force_rollback=True):
        conn.execute("\n".join(script), prepare=False)
        rows = conn.execute(_READ, {"names": [f"mz_canon_{no}" for no in temp_of]}).fetchall()
    for kind, relname, name, a, b in rows:
        no = int(relname.rsplit("_", 1)[1])
        forms[(kind, no, name)] = (a, b)
    tables = []
    for no, t in enumerate(expected.tables):
        mine = [j for j in jobs if j[1] == no]
        tables.append(_apply(t, mine, forms) if mine else t)
    return expected.with_(tables=tables)


def _probes(tmp: str, no: int, t: Any, a: Any) -> list[tuple[str, str, str, Any]]:
    """The statements that make the server spell each of `t`'s expressions that differ from `a`'s on the temp
    table `tmp`: (kind, name on the temp table, statement, the object of `t` it stands for)."""
    from .snapshot_v9 import unqualified

    def bare(e: str) -> str:  # `"post"."year"` (drizzle-kit 0.x's spelling) names the real table, not the temp one
        return unqualified(e, t.schema or "public", t.name)

    stmts: list[tuple[str, str, str, Any]] = []
    a_checks = {expression_key(c.expression) for c in a.checks}
    for chk in t.checks:
        if expression_key(chk.expression) not in a_checks:
            name = f"mz_c_{len(stmts)}"
            stmts.append(("check", name, f"ALTER TABLE pg_temp.{tmp} ADD CONSTRAINT {name} CHECK "
                          f"({bare(chk.expression)}) NOT VALID", chk.name))
    for c in t.columns:
        ac = a.column(c.name)
        if ac is None:
            continue
        if c.default is not None and c.identity is None and not c.is_serial and \
                default_key(c.default, c.type, c.type_schema is not None) != \
                default_key(ac.default, ac.type, ac.type_schema is not None) and \
                not (frozen_at_create(c.default, c.type) and plain_literal(ac.default)):  # asked now: another instant
            stmts.append(("default", c.name, f"ALTER TABLE pg_temp.{tmp} ALTER COLUMN {_qi(c.name)} SET DEFAULT "
                          f"{c.default}", c.name))
        if _typmod_differs(c, ac):
            name = f"mz_t_{len(stmts)}"
            stmts.append(("type", name, f"ALTER TABLE pg_temp.{tmp} ADD COLUMN {name} {_type_sql(c)}", c.name))
        if c.generated is not None and expression_key(c.generated) != expression_key(ac.generated):
            name = f"mz_g_{len(stmts)}"
            stmts.append(("generated", name, f"ALTER TABLE pg_temp.{tmp} ADD COLUMN {name} {_type_sql(ac)} "
                          f"GENERATED ALWAYS AS ({bare(c.generated)}) STORED", c.name))
    for i in t.indexes:
        ai = a.index(i.name) if hasattr(a, "index") else next((x for x in a.indexes if x.name == i.name), None)
        if ai is None or not (i.where or any(c.is_expression for c in i.columns)):
            continue
        if expression_key(i.where) == expression_key(ai.where) and \
                [expression_key(c.expression) for c in i.columns] == [expression_key(c.expression) for c in ai.columns]:
            continue
        name = f"mz_i_{no}_{len(stmts)}"
        stmts.append(("index", name, f"CREATE INDEX {name} ON pg_temp.{tmp} USING {i.method} ({_index_cols(i)})"
                      + (f" WHERE {bare(i.where)}" if i.where else ""), i.name))
    return stmts


def _typmod_differs(c: Column, ac: Column) -> bool:
    """The same type with other modifiers, which an extension's typmod_in may store in another spelling
    (PostGIS: geography(point,-1) is geography(Point,4326), the default SRID); core types compare as written."""
    base = c.type.split("(", 1)[0]
    return (c.type != ac.type and "(" in c.type and base == ac.type.split("(", 1)[0] and c.type_schema is None
            and ac.type_schema is None and not c.type.endswith("]"))


def _literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _type_sql(c: Column) -> str:
    t = c.stored_type
    if c.type_schema:
        base = c.base_type
        return f"{_qi(c.type_schema)}.{_qi(base)}" + t[len(base):]
    return t


def _index_cols(i: Index) -> str:
    out = []
    for c in i.columns:
        s = f"({c.expression})" if c.is_expression else _qi(c.expression)
        if c.opclass:
            s += f" {c.opclass}"
        out.append(s)
    return ", ".join(out)


_READ = """
SELECT 'check', c.relname, con.conname, pg_get_constraintdef(con.oid, true), NULL::text[]
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
WHERE c.relname = ANY(%(names)s) AND c.relpersistence = 't' AND pg_table_is_visible(c.oid) AND con.contype = 'c'
UNION ALL
SELECT CASE WHEN a.attgenerated = 's' THEN 'generated' ELSE 'default' END, c.relname, a.attname,
       pg_get_expr(ad.adbin, ad.adrelid), NULL
FROM pg_attrdef ad JOIN pg_class c ON c.oid = ad.adrelid
JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
WHERE c.relname = ANY(%(names)s) AND c.relpersistence = 't' AND pg_table_is_visible(c.oid)
UNION ALL
SELECT 'type', c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NULL
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relname = ANY(%(names)s) AND c.relpersistence = 't' AND pg_table_is_visible(c.oid)
  AND a.attname LIKE 'mz\\_t\\_%%' AND NOT a.attisdropped
UNION ALL
SELECT 'index', c.relname, ic.relname, pg_get_expr(i.indpred, i.indrelid, true),
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k ORDER BY k)
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE c.relname = ANY(%(names)s) AND c.relpersistence = 't' AND pg_table_is_visible(c.oid)
"""


def _apply(t: Table, jobs: list[tuple[str, int, str, Any]], forms: dict[tuple[str, int, str], Any]) -> Table:
    from .expressions import check_expression, strip_parentheses
    from .types import canonical_default, canonical_type, strip_own_cast

    checks, columns, indexes = list(t.checks), list(t.columns), list(t.indexes)
    for kind, no, name, orig in jobs:
        got = forms.get((kind, no, name))
        if got is None:
            continue
        text, defs = got
        if kind == "check":
            checks = [replace(c, expression=check_expression(text)) if c.name == orig else c for c in checks]
        elif kind == "default":
            columns = [replace(c, default=canonical_default(strip_own_cast(text, c.type, c.type_schema is not None), c.type,
                                                                     c.type_schema is not None)) if c.name == orig else c
                       for c in columns]
        elif kind == "generated":
            columns = [replace(c, generated=strip_parentheses(text)) if c.name == orig else c for c in columns]
        elif kind == "type":
            columns = [replace(c, type=canonical_type(text)) if c.name == orig else c for c in columns]
        elif kind == "index":
            indexes = [_fix_index(i, text, defs) if i.name == orig else i for i in indexes]
    return replace(t, checks=tuple(checks), columns=tuple(columns), indexes=tuple(indexes))


def _fix_index(i: Index, where: str | None, defs: list[str]) -> Index:
    cols = tuple(replace(c, expression=defs[k]) if c.is_expression and k < len(defs) else c
                 for k, c in enumerate(i.columns))
    return replace(i, where=where if i.where else None, columns=cols)
