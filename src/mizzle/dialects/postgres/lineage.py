"""Partitioned tables, partitions and table inheritance on PostgreSQL: the catalogue query introspection adds
to its pipeline, the canonical spellings of a partition key and a partition bound (the ones
`pg_get_partkeydef` / `pg_get_expr(relpartbound)` print), and the DDL of the lineage changes
(schema/lineage.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ...errors import SchemaLoadError
from ...schema import lineage as li
from ...schema.model import DEFAULT_SCHEMA, Schema, Table

# (table oid, partition key, partition bound, [(parent schema, parent name) in inhseqno order])
Q_LINEAGE = """
SELECT c.oid, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
       ARRAY(SELECT ARRAY[pn.nspname::text, p.relname::text] FROM pg_inherits i
             JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
             WHERE i.inhrelid = c.oid ORDER BY i.inhseqno)
FROM pg_class c
WHERE c.relkind IN ('r', 'p') AND c.relnamespace = ANY(%(ns)s)
  AND (c.relkind = 'p' OR c.relispartition OR EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid))
"""

_STRATEGY = re.compile(r"^\s*(range|list|hash)\s*\((.*)\)\s*$", re.I | re.S)
_KEYWORDS = {"for", "values", "from", "to", "in", "with", "minvalue", "maxvalue", "default", "modulus",
             "remainder"}
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_$]*|-?\d[\d.]*|\S")


def with_lineage(tables: dict[int, Table], rows: list[tuple[Any, ...]]) -> dict[int, Table]:
    """The introspected tables (by oid) with their partition key, partition bound and parents."""
    for oid, key, bound, parents in rows:
        t = tables.get(oid)
        if t is None:
            continue
        ps = tuple((p[0], p[1]) for p in parents)
        if bound is not None:
            tables[oid] = t.with_(partition_by=key, partition_of=ps[0] if ps else None, partition_bound=bound)
        else:
            tables[oid] = t.with_(partition_by=key, inherits=ps)
    return tables


def canonical_partition_by(spec: str) -> str:
    """`range (at)` → `RANGE (at)`, as pg_get_partkeydef prints it (the key itself is kept as written)."""
    m = _STRATEGY.match(spec)
    if m is None:
        raise SchemaLoadError(f"partition key {spec!r}: expected RANGE (...), LIST (...) or HASH (...)")
    return f"{m.group(1).upper()} ({_spaced(m.group(2), keywords=False)})"


def canonical_bound(bound: str) -> str:
    """`from (1) to (10)` / `FOR VALUES IN ('a','b')` / `default` → the server's spelling:
    `FOR VALUES FROM (1) TO (10)`, `FOR VALUES IN ('a', 'b')`, `DEFAULT`."""
    text = _spaced(bound)
    head = text.split(" ", 1)[0].lower()
    if head == "default":
        return "DEFAULT"
    if head in ("from", "in", "with"):
        text = "FOR VALUES " + text
    if not text.upper().startswith("FOR VALUES "):
        raise SchemaLoadError(f"partition bound {bound!r}: expected FOR VALUES FROM (...) TO (...), "
                              "FOR VALUES IN (...), FOR VALUES WITH (modulus M, remainder R) or DEFAULT")
    return text


def _spaced(text: str, keywords: bool = True) -> str:
    """Tokens joined the way the server prints them: keywords upper case (modulus, remainder lower), one space
    between words, a space after a comma, none inside parentheses or around `::`."""
    out = ""
    for tok in _TOKEN.findall(text):
        low = tok.lower()
        if keywords and low in _KEYWORDS:
            tok = low if low in ("modulus", "remainder") else tok.upper()
        last = out.rsplit(" ", 1)[-1]
        if not out or tok in (",", ")", ":") or out.endswith(("(", ":")):
            out += tok
        elif tok == "(" and (out[-1:].isalnum() or out[-1:] in ('_', '$', '"')) \
                and last.upper() not in ("FROM", "TO", "IN", "WITH"):
            out += tok  # a function call: lower(x), "left"(x) (a keyword's name, quoted)
        else:
            out += " " + tok
    return out


def parent_key(value: Any, schema: str, what: str) -> tuple[str, str]:
    """A parent named in schema code: a Table, `"schema.name"`, or `"name"` (in the table's own schema)."""
    if hasattr(value, "name") and hasattr(value, "schema"):
        return (value.schema or DEFAULT_SCHEMA, value.name)
    if not isinstance(value, str) or not value:
        raise SchemaLoadError(f"{what}: expected a table or a table name, got {value!r}")
    if "." in value:
        s, _, n = value.partition(".")
        return (s, n)
    return (schema, value)


# -- DDL -----------------------------------------------------------------------------------------------

def create_clauses(t: Table, qname: Callable[[str, str], str]) -> tuple[str, str]:
    """(what comes between the table name and its column list, what comes after it) in CREATE TABLE."""
    before = after = ""
    if t.partition_of is not None:
        before = f" PARTITION OF {qname(*t.partition_of)}"
        after = f" {t.partition_bound or 'DEFAULT'}"
    elif t.inherits:
        after = f" INHERITS ({', '.join(qname(*p) for p in t.inherits)})"
    if t.partition_by:
        after += f" PARTITION BY {t.partition_by}"
    return before, after


def render(qname: Callable[[str, str], str]) -> dict[type, Callable[..., list[str]]]:
    return {
        li.AttachPartition: lambda c: [f"ALTER TABLE {qname(*c.parent)} ATTACH PARTITION {qname(*c.table)} "
                                       f"{c.bound}"],
        li.DetachPartition: lambda c: [f"ALTER TABLE {qname(*c.parent)} DETACH PARTITION {qname(*c.table)}"],
        li.Inherit: lambda c: [f"ALTER TABLE {qname(*c.table)} INHERIT {qname(*c.parent)}"],
        li.NoInherit: lambda c: [f"ALTER TABLE {qname(*c.table)} NO INHERIT {qname(*c.parent)}"],
    }


# -- schema code ---------------------------------------------------------------------------------------

def lineage_of_sa_table(t: Any) -> dict[str, Any]:
    """The lineage a SQLAlchemy Table declares: `postgresql_partition_by`, `postgresql_inherits` (a name or a
    tuple of names; `"schema.name"` for another schema), info={"mizzle": {"partition_of": …, "bounds": …}}."""
    schema = t.schema or DEFAULT_SCHEMA
    where = f"table {schema}.{t.name}"
    opts = t.dialect_options["postgresql"]
    info = (t.info or {}).get("mizzle") or {}
    out: dict[str, Any] = {}
    if opts.get("partition_by"):
        out["partition_by"] = canonical_partition_by(str(opts["partition_by"]))
    inherits = opts.get("inherits")
    if inherits:
        names = inherits if isinstance(inherits, (list, tuple)) else (inherits,)
        out["inherits"] = tuple(parent_key(n, schema, f"{where}: postgresql_inherits") for n in names)
    if "bounds" in info and "partition_of" not in info:
        raise SchemaLoadError(f'{where}: info={{"mizzle": {{"bounds": …}}}} without "partition_of"')
    if "partition_of" in info:
        if "inherits" in out:
            raise SchemaLoadError(f"{where}: a partition cannot also inherit (postgresql_inherits)")
        if "bounds" not in info:
            raise SchemaLoadError(f'{where}: a partition needs its bounds: info={{"mizzle": {{"partition_of": …, '
                                  '"bounds": "FOR VALUES FROM (…) TO (…)" | "FOR VALUES IN (…)" | "DEFAULT"}}}}')
        out["partition_of"] = parent_key(info["partition_of"], schema, f"{where}: partition_of")
        out["partition_bound"] = canonical_bound(str(info["bounds"]))
    return out


# -- the server's spelling of a bound ----------------------------------------------------------------

def server_bounds(conn: Any, expected: Schema, actual: Schema) -> Schema:
    """`expected` with each partition bound that differs from `actual`'s replaced by the server's spelling of
    it (`'2024-01-01'::date` → `'2024-01-01'`, a timestamptz in the session's time zone): a partition of a temporary
    copy of the partitioned table is made with it, in a transaction rolled back. A bound the server refuses stays
    as written."""
    jobs = []
    for t in expected.tables:
        a = actual.table(*t.key)
        parent = actual.table(*t.partition_of) if t.partition_of is not None else None
        if a is None or parent is None or not parent.partition_by or a.partition_of != t.partition_of \
                or a.partition_bound == t.partition_bound or t.partition_bound in (None, "DEFAULT"):
            continue
        jobs.append((t, parent))
    if not jobs:
        return expected
    rows = _temp_tables_read(conn, [
        f"CREATE TEMP TABLE mz_pb_{n} (LIKE {_qi(parent.schema)}.{_qi(parent.name)}) PARTITION BY "
        f"{parent.partition_by}; CREATE TEMP TABLE mz_pb_{n}_p PARTITION OF mz_pb_{n} {t.partition_bound}"
        for n, (t, parent) in enumerate(jobs)], [f"mz_pb_{n}_p" for n in range(len(jobs))],
        "pg_get_expr(c.relpartbound, c.oid)")
    fixed = {t.key: rows[f"mz_pb_{n}_p"] for n, (t, _) in enumerate(jobs) if rows.get(f"mz_pb_{n}_p")}
    return expected.with_(tables=[t.with_(partition_bound=fixed[t.key]) if t.key in fixed else t
                                  for t in expected.tables])


def server_partition_keys(conn: Any, expected: Schema, actual: Schema) -> Schema:
    """`expected` with each partition key that differs from `actual`'s replaced by the server's spelling of it
    (`LIST (left(lower(name), 1))` → `LIST ("left"(lower(name), 1))`): a temporary copy of the table is
    partitioned by it, in a transaction rolled back. A key the server refuses stays as written."""
    jobs = [(t, a) for t in expected.tables if t.partition_by and (a := actual.table(*t.key)) is not None
            and a.partition_by and a.partition_by != t.partition_by]
    if not jobs:
        return expected
    rows = _temp_tables_read(conn, [
        f"CREATE TEMP TABLE mz_pk_{n} (LIKE {_qi(a.schema)}.{_qi(a.name)}) PARTITION BY {t.partition_by}"
        for n, (t, a) in enumerate(jobs)], [f"mz_pk_{n}" for n in range(len(jobs))], "pg_get_partkeydef(c.oid)")
    fixed = {t.key: rows[f"mz_pk_{n}"] for n, (t, _) in enumerate(jobs) if rows.get(f"mz_pk_{n}")}
    return expected.with_(tables=[t.with_(partition_by=fixed[t.key]) if t.key in fixed else t
                                  for t in expected.tables])


def _temp_tables_read(conn: Any, bodies: list[str], names: list[str], read: str) -> dict[str, str]:
    """Each of `bodies` (statements making temporary tables) run on its own, its error swallowed (the server refuses
    it: nothing is read for it), in a transaction rolled back; `read` (an expression of pg_class `c`) of each of the
    temporary tables `names` made, by name."""
    script = [f"DO $mztt$ BEGIN EXECUTE {_literal(b)}; EXCEPTION WHEN others THEN NULL; END $mztt$;" for b in bodies]
    with conn.transaction(force_rollback=True):
        conn.execute("\n".join(script), prepare=False)
        return dict(conn.execute(
            f"SELECT c.relname, {read} FROM pg_class c WHERE c.relname = ANY(%(n)s) "
            "AND c.relpersistence = 't' AND pg_table_is_visible(c.oid)", {"n": names}).fetchall())


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"
