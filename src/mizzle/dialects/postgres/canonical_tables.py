"""The canonical form of a PostgreSQL model (the dialect's `canonical` hook, used by `schema.compare`): every fact
in the one spelling PostgreSQL would store, so that schema code, a drizzle-kit snapshot and a live database compare
equal when the server would store the same thing.

- names longer than 63 bytes as PostgreSQL truncates them (constraints, indexes, policies, columns);
- enum column types spelled as the enum is (old drizzle-kit snapshots lower-case them);
- a serial column NOT NULL, as its type makes it (a snapshot may say `notNull: false`);
- `char`, `bit`, `numeric(p)` with the modifier PostgreSQL's grammar fills in (char(1), bit(1), numeric(p, 0));
- identity bounds as integers (older drizzle-kit wrote bigint's maximum as a float);
- index columns: the default operator class of the column's type as none, `public.` qualifiers dropped, an
  expression column's `DESC` / `NULLS` / operator class read out of its text;
- comments (on tables, columns, indexes, constraints, enum types) dropped when one side cannot hold them
  (`comments=False`: a drizzle-kit snapshot).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any

from ...schema.model import DEFAULT_SCHEMA, Column, Index, IndexColumn, Schema, Table
from ...schema.naming import MAX_IDENTIFIER_BYTES, serial_sequence_name, truncate_identifier
from ...schema.objects import Routine, make_objects
from .expressions import split_index_element
from .types import (
    SERIAL_BASE,
    builtin_type,
    canonical_args,
    canonical_bound,
    canonical_collation,
    canonical_opclass,
    frozen_at_create,
    plain_literal,
    serial_options,
    stored_precision,
)


def canonical(model: Schema, comments: bool = True) -> Schema:
    """`model` with every fact in the one spelling PostgreSQL would store (see the module docstring)."""
    enums: dict[tuple[str, str], list[Any]] = {}
    for e in model.enums:
        enums.setdefault((e.schema, e.name.lower()), []).append(e)
    by_name: dict[str, list[Any]] = {}  # an unqualified type's enum: the first schema's holding that name
    for (_, n), v in enums.items():
        by_name.setdefault(n, v)
    known = {(e.schema, e.name) for e in model.enums}
    memo = _canonical_memo(tuple((e.schema, e.name) for e in model.enums), comments)
    tables = [_remembered(memo, t, enums, by_name, known, comments) for t in model.tables]
    if comments:
        return model.with_(tables=tables)
    return model.with_(tables=tables, enums=[replace(e, comment=None) for e in model.enums])


# -- speed: canonical tables remembered --------------------------------------------------------------
# `verify` and `check --rebuild-snapshots` compare ~200 states of one growing database (each migration's
# snapshot and the replayed database), and most tables are equal from one step to the next. A table's
# canonical form depends only on the table, the model's enum names and `comments`, so it is remembered by value
# (the model's dataclasses are frozen: hash and == read every field); a hit costs a hash and an ==, a sixth of
# `_table`. On dokploy's 186 migrations canonical() went from ~0.9 s to ~0.5 s of CPU. Bounded (_MEMO_MAX).
# Second level, by identity: the snapshot reader and the introspection hand back the very same Table object for
# a table unchanged since the previous step (snapshot.py's `_table_remembered`, introspect.py's
# `_tables_remembered`); such a table is found by `id` (the entry holds the table, so its id is not reused)
# without the deep hash and the uncompared fields, which were half of canonical()'s time on dokploy.
_MEMO_MAX = 20_000
_Memo = tuple[dict[tuple[Table, tuple[Any, ...]], Table], dict[int, tuple[Table, Table]]]  # by value, by identity
_memo: dict[tuple[tuple[tuple[str, str], ...], bool], _Memo] = {}
_memo_size = [0]


def _canonical_memo(enum_names: tuple[tuple[str, str], ...], comments: bool) -> _Memo:
    if _memo_size[0] > _MEMO_MAX:
        _memo.clear()
        _memo_size[0] = 0
    return _memo.setdefault((enum_names, comments), ({}, {}))


def _remembered(memo: _Memo, t: Table, enums: dict[tuple[str, str], list[Any]], by_name: dict[str, list[Any]],
                known: set[tuple[str, str]], comments: bool) -> Table:
    """`_table(t, …)`, remembered in `memo`. Keyed by the table and the fields its equality ignores (compare=False:
    a key's, a constraint's or an index's server name, a column's `using` and `declared_not_null`, a policy's
    `renamed_from`): two tables equal by
    value may still differ in them, and the remembered one must not lend its own."""
    by_value, by_identity = memo
    seen = by_identity.get(id(t))
    if seen is not None and seen[0] is t:
        return seen[1]
    key = (t, _uncompared(t))
    try:
        hit = by_value.get(key)
    except TypeError:  # an unhashable value somewhere: computed, not remembered
        return _table(t, enums, by_name, known, comments)
    if hit is None:
        hit = by_value[key] = _table(t, enums, by_name, known, comments)
        _memo_size[0] += 1
    by_identity[id(t)] = (t, hit)
    _memo_size[0] += 1
    return hit


_UNCOMPARED_NAMES: dict[type, tuple[str, ...]] = {}  # speed: a class's compare=False fields, listed once


def _uncompared(t: Table) -> tuple[Any, ...]:
    """The values of the fields equality leaves out, of the table's keys, columns, indexes and policies."""
    out = []
    for x in (t.primary_key, *t.columns, *t.policies, *t.uniques, *t.foreign_keys, *t.indexes):
        if x is None:
            continue
        names = _UNCOMPARED_NAMES.get(type(x))
        if names is None:
            names = _UNCOMPARED_NAMES[type(x)] = tuple(f.name for f in fields(x) if not f.compare)
        out.append(tuple(getattr(x, n) for n in names))
    return tuple(out)


def _long(name: str) -> bool:
    return len(name) > 15 and len(name.encode("utf-8")) > MAX_IDENTIFIER_BYTES  # 15 characters: 60 bytes at most


def _stored_column_names(t: Table) -> Table:
    """`t` with column names longer than 63 bytes as PostgreSQL stores them, where the columns are and where keys
    and indexes name them: a drizzle-kit snapshot holds the whole name, the database the cut one, and drift and
    verify reported the column dropped and added at every step."""
    if not any(_long(c.name) for c in t.columns) and not any(_long(c) for f in t.foreign_keys for c in f.ref_columns):
        return t

    def cut(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(truncate_identifier(n) for n in names)

    pk = t.primary_key
    return replace(
        t, columns=tuple(replace(c, name=truncate_identifier(c.name)) for c in t.columns),
        primary_key=replace(pk, columns=cut(pk.columns)) if pk is not None else None,
        uniques=tuple(replace(u, columns=cut(u.columns)) for u in t.uniques),
        foreign_keys=tuple(replace(f, columns=cut(f.columns), ref_columns=cut(f.ref_columns)) for f in t.foreign_keys),
        indexes=tuple(replace(i, columns=tuple(c if c.is_expression else replace(c, expression=truncate_identifier(
            c.expression)) for c in i.columns)) for i in t.indexes))


def _table(t: Table, enums: dict[tuple[str, str], list[Any]], by_name: dict[str, list[Any]],
           known: set[tuple[str, str]], comments: bool) -> Table:
    t = _stored_column_names(t)
    cols = []
    for c in t.columns:
        c2 = c if (stored := stored_precision(c.type)) == c.type else replace(c, type=stored)  # a snapshot's (7)
        if c.is_serial and not c.not_null:  # NOT NULL by its type: drizzle-kit's `bigserial` in bigint mode says false
            c2 = replace(c2, not_null=True)
        base = c.base_type
        if c.type_schema is None and (DEFAULT_SCHEMA, base) in known:
            # an enum's type left unqualified (drizzle-kit 0.31 writes no typeSchema for `pgEnum(name, TsEnum)`;
            # its SQL writes the bare name): found on the search path, in public, as the server found it
            c2 = replace(c2, type_schema=DEFAULT_SCHEMA)
        elif c.type_schema is None and (t.schema, base) in known:
            # an enum array drizzle-kit 0.x wrote with no typeSchema (zoriya/Kyoo's `genres[]` on pgSchema("kyoo"));
            # its SQL qualifies it with the table's schema, where the enum is
            c2 = replace(c2, type_schema=t.schema)
        elif (c.type_schema or t.schema, base) not in known and not (c.type_schema is None and builtin_type(base)):
            # a v5/v6 snapshot's lower-cased enum; not a built-in type (openpanel's enum "Interval" and interval)
            cands = enums.get((c.type_schema or t.schema, base.lower()))
            if cands is None and c.type_schema is None:
                cands = by_name.get(base.lower())
            if cands is not None and len(cands) == 1:
                e = cands[0]
                c2 = replace(c2, type=e.name + c.type[len(base):], type_schema=e.schema)
        if c2.identity is not None:
            i = c2.identity
            c2 = replace(c2, identity=replace(i, max_value=canonical_bound(i.max_value, c2.type),
                                              min_value=canonical_bound(i.min_value, c2.type)))
        if not comments and c2.comment is not None:
            c2 = replace(c2, comment=None)
        cols.append(c2)
    types = {c.name: c for c in cols}
    pk = t.primary_key
    uniques = list(t.uniques)
    if pk is not None:
        pk = replace(pk, name=truncate_identifier(pk.name) if pk.name else None)
    return replace(
        t, columns=tuple(cols), primary_key=pk,
        uniques=tuple(sorted((replace(u, name=truncate_identifier(u.name)) for u in uniques), key=lambda x: x.name)),
        foreign_keys=tuple(sorted((replace(f, name=truncate_identifier(f.name)) for f in t.foreign_keys),
                                  key=lambda x: x.name)),
        checks=tuple(sorted((replace(c, name=truncate_identifier(c.name)) for c in t.checks), key=lambda x: x.name)),
        indexes=tuple(sorted((_index(i, types) for i in t.indexes), key=lambda x: x.name)),
        policies=tuple(sorted((replace(p, name=truncate_identifier(p.name)) for p in t.policies),
                              key=lambda x: x.name)),
        comment=t.comment if comments else None, comments=t.comments if comments else ())


def _index(i: Index, columns: dict[str, Column]) -> Index:
    cols = []
    for c in i.columns:
        expr, is_expr, asc, nulls, opclass = c.expression, c.is_expression, c.asc, c.nulls, c.opclass
        collation = canonical_collation(c.collation)
        if is_expr:
            e, a, n, o, k = split_index_element(expr)
            if a is not None or n is not None or o is not None or k is not None:
                expr = e
                asc = a if a is not None else asc
                nulls = n if n is not None else ("first" if a is False else nulls)
                opclass = o or opclass
                collation = canonical_collation(k) or collation
            if e.startswith('"') or e.replace("_", "").isalnum():  # `("name")`: a plain column after all
                name = e.strip('"')
                if name in columns:
                    expr, is_expr = name, False
        col = columns.get(expr) if not is_expr else None
        opclass = canonical_opclass(opclass, i.method, col.type if col else None,
                                    bool(col and col.type_schema)) if opclass else None
        if col is not None and collation == col.collation:  # the column's own: PostgreSQL records no other
            collation = None
        cols.append(IndexColumn(expr, is_expr, asc, nulls, opclass, collation))
    return replace(i, name=truncate_identifier(i.name), columns=tuple(cols), concurrently=False)


def _column_pairs(expected: Schema, actual: Schema, candidate: Callable[[Column], bool],
                  rewrite: Callable[[Table, Column, Column], Column]) -> list[Table]:
    """`expected`'s tables, each column for which `candidate` holds rewritten by `rewrite(table, column, actual's
    column)` where `actual` has that column; a table none of whose columns is rewritten is kept as it is (speed:
    verify compares ~200 states of ~70 tables, and a table without a candidate is not looked up on the other side)."""
    tables = []
    for t in expected.tables:
        if not any(candidate(c) for c in t.columns):
            tables.append(t)
            continue
        a = actual.table(t.schema, t.name)
        cols = [rewrite(t, c, ac) if candidate(c) and a is not None and (ac := a.column(c.name)) is not None else c
                for c in t.columns]
        tables.append(t if all(x is y for x, y in zip(cols, t.columns, strict=True)) else replace(t, columns=tuple(cols)))
    return tables


def frozen_defaults(expected: Schema, actual: Schema) -> Schema:
    """`expected` with a date/time default the server evaluates once (`DEFAULT 'now()'`: a string, not the function)
    spelled as `actual` holds it, where `actual` holds a literal there: the instant its table was made, which no
    other database shares (letta's `server_default="now()"` read as drift on every database, at every step of
    verify). A literal of any other instant is the same default, made at another time."""
    def rewrite(t: Table, c: Column, ac: Column) -> Column:
        if ac.default != c.default and frozen_at_create(c.default, c.type) and plain_literal(ac.default):
            return replace(c, default=ac.default)
        return c

    tables = _column_pairs(expected, actual, lambda c: bool(c.default and c.default.startswith("'")), rewrite)
    changed = any(x is not y for x, y in zip(tables, expected.tables, strict=True))
    return expected.with_(tables=tables) if changed else expected


_NEXTVAL_OF = re.compile(r"^nextval\('(?P<seq>(?:[^']|'')+)'(?:::regclass)?\)$")


def serials_renamed(expected: Schema, actual: Schema) -> Schema:
    """`expected` with a serial column spelled as `actual` spells it, where one side says `bigserial` and the other
    holds that serial under a sequence named for the table's (or the column's) old name: `ALTER TABLE old RENAME TO
    new` (drizzle-kit's rename) keeps `old_id_seq`, `RENAME COLUMN id TO user_id` keeps `t_id_seq`, so the column
    reads as `bigint DEFAULT nextval('old_id_seq')` with that sequence owned by it, serial's options and all — the
    serial a drizzle-kit snapshot still calls it (latitude's provider_api_keys). Either way: a snapshot compared with
    the database, the database's model rebuilt into a snapshot that says what the SQL said."""
    kept, gone = [], set()

    def rewrite(t: Table, c: Column, ac: Column) -> Column:
        if (s := _renamed_serial(t, c, ac, actual)) is not None:  # `bigserial` here
            kept.append(s)
            return replace(c, type=ac.type, default=ac.default)
        if (s := _renamed_serial(t, ac, c, expected)) is not None:  # `bigserial` there
            gone.add(s.key)
            return replace(c, type=ac.type, default=None)
        return c

    # only a column that is a serial here, or holds a sequence's nextval here, can be one
    tables = _column_pairs(expected, actual,
                           lambda c: c.type in SERIAL_BASE or (c.default or "").startswith("nextval("), rewrite)
    if not kept and not gone:
        return expected
    known = {s.key for s in expected.sequences}
    return expected.with_(tables=tables, sequences=(*(s for s in expected.sequences if s.key not in gone),
                                                    *(s for s in kept if s.key not in known)))


def _renamed_serial(t: Table, serial: Column, held: Column, holder: Schema) -> Any:
    """The sequence of `holder` behind `held` when `held` is the serial column `serial` under a sequence that is
    not named `<table>_<column>_seq`; else None."""
    base = SERIAL_BASE.get(serial.type)
    m = _NEXTVAL_OF.match(held.default or "")
    if base is None or m is None or held.type != base:
        return None
    s = next((s for s in holder.sequences if s.owned_by == (t.schema, t.name, held.name)), None)
    own = serial_sequence_name(t.name, held.name)
    # a rename keeps `<old table>_<column>_seq`, a column's rename `<table>_<old column>_seq` (jns-w/edu-fullstack's
    # users.id → user_id); another name (`t_id_seq1`: the table made again while the old one, renamed away, kept
    # `t_id_seq`) is a sequence of its own, not the serial (Authelia's recreated tables: generate wrote nothing for
    # the column and a snapshot that said `integer`)
    renamed = s is not None and (s.name.endswith(f"_{held.name}_seq")
                                 or (s.name.startswith(f"{t.name}_") and s.name.endswith("_seq")))
    if s is not None and (not renamed or any(x.schema == t.schema and x.name == own for x in holder.sequences)):
        return None
    if (s is None or s.name == own
            or m.group("seq").replace('"', "").split(".")[-1] != s.name or (s.data_type or "bigint") != base
            or not serial_options(base, s.increment, s.start, s.min_value, s.max_value, s.cache, s.cycle)):
        return None
    return s


def routines_spelled_as(expected: Schema, actual: Schema) -> Schema:
    """`expected` with a function's or procedure's arguments spelled as `actual` spells them where both are one
    argument list (`canonical_args`): the arguments are part of a routine's identity, so the code's
    `ts TIMESTAMP WITH TIME ZONE` and the `ts timestamp with time zone` the server prints (a snapshot of `pull`'s
    module, polar's `generate_customer_short_id`) would otherwise be a DROP FUNCTION, which a column default
    calling it blocks, and a CREATE. `actual`'s text is the one kept: `generate` writes the code's."""
    theirs = {(o.schema, o.name, canonical_args(o.args)): o.args for o in actual.objects.all() if isinstance(o, Routine)}
    items = expected.objects.all()
    out = [replace(o, args=theirs.get((o.schema, o.name, canonical_args(o.args)), o.args))
           if isinstance(o, Routine) else o for o in items]
    if all(a.args == b.args for a, b in zip(items, out, strict=True) if isinstance(a, Routine)):
        return expected
    return expected.with_(objects=make_objects(out))
