"""One comparison of two schema models for `drift`, `verify`, `baseline` and `generate --check`: both sides
are brought to one canonical form per kind of fact (the one PostgreSQL would store), objects the code leaves
unnamed are matched by definition, and each difference is described with both of its values.

    compare(expected, actual) → [Change]      lines(expected, actual) → ["~ column t.c: type a → b", …]

What is canonical (see docs/canonical-forms.md for the table of cases, tested against a real server):
- names longer than 63 bytes as PostgreSQL truncates them;
- enum column types spelled as the enum is (old drizzle-kit snapshots lower-case them);
- identity bounds as integers (older drizzle-kit wrote bigint's maximum as a float);
- index columns: the default operator class of the column's type as none, `public.` qualifiers dropped, an
  expression column's `DESC` / `NULLS` / operator class read out of its text;
- comments dropped when one side cannot hold them (`comments=False`: a drizzle-kit snapshot);
- defaults and expressions through `default_key` / `expression_key` (dialects/postgres/types.py and
  expressions.py), and, with a connection (`server_forms`), as the server itself stores them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import dialects
from .changes import (
    AddCheck,
    AddForeignKey,
    AddUnique,
    AlterColumn,
    AlterSequence,
    Change,
    CreateIndex,
    DropCheck,
    DropForeignKey,
    DropIndex,
    DropUnique,
    SetPrimaryKey,
    SetTableComment,
)
from .diff import Renames, diff, index_equal
from .diff_security import comparable_security, fold_into_tables
from .model import Column, Index, IndexColumn, Schema, Table, make_schema
from .naming import truncate_identifier
from .object_changes import CreateObject, DropObject, ReplaceObject, what_differs
from .table_features import AddExclusion, DropExclusion

# -- canonical form ------------------------------------------------------------------------------------

def canonical(model: Schema, *, comments: bool = True) -> Schema:
    """`model` with every fact in the one spelling PostgreSQL would store (see the module docstring)."""
    if not dialects.get(model.dialect).canonical_forms:
        return model
    enums: dict[tuple[str, str], list[Any]] = {}
    for e in model.enums:
        enums.setdefault((e.schema, e.name.lower()), []).append(e)
    known = {(e.schema, e.name) for e in model.enums}
    memo = _canonical_memo(tuple((e.schema, e.name) for e in model.enums), comments)
    tables = [_remembered(memo, t, enums, known, comments) for t in model.tables]
    return make_schema(model.dialect, tables, model.enums, model.sequences, model.schemas, model.extras, objects=model.objects,
                       security=model.security)


# -- speed: canonical tables remembered --------------------------------------------------------------
# `verify` and `check --rebuild-snapshots` compare ~200 states of one growing database (each migration's
# snapshot and the replayed database), and most tables are equal from one step to the next. A table's
# canonical form depends only on the table, the model's enum names and `comments`, so it is remembered by value
# (the model's dataclasses are frozen: hash and == read every field); a hit costs a hash and an ==, a sixth of
# `_table`. On dokploy's 186 migrations canonical() went from ~0.9 s to ~0.5 s of CPU. Bounded (_MEMO_MAX).
_MEMO_MAX = 20_000
_memo: dict[tuple[tuple[tuple[str, str], ...], bool], dict[Table, Table]] = {}
_memo_size = [0]


def _canonical_memo(enum_names: tuple[tuple[str, str], ...], comments: bool) -> dict[Table, Table]:
    if _memo_size[0] > _MEMO_MAX:
        _memo.clear()
        _memo_size[0] = 0
    return _memo.setdefault((enum_names, comments), {})


def _remembered(memo: dict[Table, Table], t: Table, enums: dict[tuple[str, str], list[Any]],
                known: set[tuple[str, str]], comments: bool) -> Table:
    """`_table(t, …)`, remembered in `memo`."""
    try:
        hit = memo.get(t)
    except TypeError:  # an unhashable value somewhere: computed, not remembered
        return _table(t, enums, known, comments)
    if hit is None:
        hit = memo[t] = _table(t, enums, known, comments)
        _memo_size[0] += 1
    return hit


def _table(t: Table, enums: dict[tuple[str, str], list[Any]], known: set[tuple[str, str]], comments: bool) -> Table:
    from ..dialects.postgres.types import canonical_bound

    cols = []
    for c in t.columns:
        c2 = c
        base = c.base_type
        if (c.type_schema or t.schema, base) not in known:
            cands = enums.get((c.type_schema or t.schema, base.lower()))
            if cands is None and c.type_schema is None:
                cands = next((v for (s, n), v in enums.items() if n == base.lower()), None)
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
        comment=t.comment if comments else None)


def _index(i: Index, columns: dict[str, Column]) -> Index:
    from ..dialects.postgres.expressions import split_index_element
    from ..dialects.postgres.types import canonical_opclass

    cols = []
    for c in i.columns:
        expr, is_expr, asc, nulls, opclass = c.expression, c.is_expression, c.asc, c.nulls, c.opclass
        if is_expr:
            e, a, n, o = split_index_element(expr)
            if a is not None or n is not None or o is not None:
                expr = e
                asc = a if a is not None else asc
                nulls = n if n is not None else ("first" if a is False else nulls)
                opclass = o or opclass
            if e.startswith('"') or e.replace("_", "").isalnum():  # `("name")`: a plain column after all
                name = e.strip('"')
                if name in columns:
                    expr, is_expr = name, False
        col = columns.get(expr) if not is_expr else None
        opclass = canonical_opclass(opclass, i.method, col.type if col else None,
                                    bool(col and col.type_schema)) if opclass else None
        cols.append(IndexColumn(expr, is_expr, asc, nulls, opclass))
    return replace(i, name=truncate_identifier(i.name), columns=tuple(cols), concurrently=False)


# -- matching by definition ----------------------------------------------------------------------------

def align(expected: Schema, actual: Schema, renamed: list[tuple[str, str, str, str, str]] | None = None, *,
          by_definition: bool = True) -> Schema:
    """`expected` with the names of `actual` wherever an object matches one of `actual`'s by definition but
    not by name (a primary key on the same columns; a unique, foreign key, check or index with the same
    definition whose name `expected` does not use): constraints the code leaves unnamed get PostgreSQL's
    names in a `create_all` database and drizzle-kit's in a snapshot, and neither is a difference."""
    from .diff import check_equal

    tables = []
    for t in expected.tables:
        a = actual.table(t.schema, t.name)
        if a is None:
            tables.append(t)
            continue
        pk = t.primary_key
        log: list[tuple[str, str, str]] = []
        if pk is not None and a.primary_key is not None and pk.columns == a.primary_key.columns:
            # CREATE TABLE with a primary key and a unique constraint on the same columns: PostgreSQL keeps one
            # index, the key, under the unique constraint's name
            u = next((u for u in t.uniques if u.columns == pk.columns and u.name == a.primary_key.name
                      and pk.name in (None, f"{t.name}_pkey") and all(x.name != u.name for x in a.uniques)), None)
            if u is not None:
                t = replace(t, uniques=tuple(x for x in t.uniques if x is not u))
                pk = replace(pk, name=u.name)
        if pk is not None and a.primary_key is not None and pk.columns == a.primary_key.columns and (
                by_definition or pk.name is None or a.primary_key.name is None):
            if pk.name and a.primary_key.name and pk.name != a.primary_key.name:
                log.append(("primary key", pk.name, a.primary_key.name))
            pk = replace(pk, name=a.primary_key.name or pk.name)
        if not by_definition:
            tables.append(replace(t, primary_key=pk))
            continue
        t = replace(t, primary_key=pk,
                    uniques=_adopt(t.uniques, a.uniques, lambda x, y: x == y, log, "unique"),
                    foreign_keys=_adopt(t.foreign_keys, a.foreign_keys, lambda x, y: x == y, log, "foreign key"),
                    checks=_adopt(t.checks, a.checks, check_equal, log, "check"),
                    indexes=_adopt(t.indexes, a.indexes, index_equal, log, "index"))
        if renamed is not None:
            renamed.extend((t.schema, t.name, *x) for x in log)
        tables.append(t)
    return make_schema(expected.dialect, tables, expected.enums, expected.sequences, expected.schemas, expected.extras,
                       objects=expected.objects, security=expected.security)


def _adopt(mine: tuple[Any, ...], theirs: tuple[Any, ...], eq: Any, log: list[tuple[str, str, str]],
           kind: str) -> tuple[Any, ...]:
    their_names = {x.name for x in theirs}
    my_names = {x.name for x in mine}
    taken: set[str] = set()
    out = []
    for x in mine:
        if x.name in their_names and eq(x, next(y for y in theirs if y.name == x.name)):
            out.append(x)
            continue
        match = next((y for y in theirs if y.name not in my_names and y.name not in taken
                      and eq(replace(x, name=y.name), y)), None)
        if match is not None:
            taken.add(match.name)
            log.append((kind, x.name, match.name))
            x = replace(x, name=match.name)
        out.append(x)
    return tuple(sorted(out, key=lambda x: x.name))


def renamed_by_definition(expected: Schema, actual: Schema) -> list[tuple[str, str, str, str, str]]:
    """(schema, table, kind, name in `expected`, name in `actual`) for each object `align` renames."""
    out: list[tuple[str, str, str, str, str]] = []
    align(expected, actual, out)
    return out


ALEMBIC_TABLE = "alembic_version"


def set_aside_alembic(expected: Schema, live: Schema) -> tuple[Schema, str | None]:
    """`live` without Alembic's `alembic_version` table (when `expected` does not have one), and the schema
    it was found in (None: not there). Alembic's bookkeeping is not the application's schema."""
    found = [t for t in live.tables if t.name == ALEMBIC_TABLE and expected.table(t.schema, t.name) is None]
    if not found:
        return live, None
    keep = [t for t in live.tables if t not in found]
    return make_schema(live.dialect, keep, live.enums, live.sequences, live.schemas, live.extras,
                       objects=live.objects, security=live.security), found[0].schema


# -- comparing ------------------------------------------------------------------------------------------

def compare(expected: Schema, actual: Schema, *, comments: bool = True, conn: Any = None,
            reverse: bool = False, by_definition: bool = True) -> list[Change]:
    """The changes that turn `expected` into `actual` (`reverse`: `actual` into `expected`), both in canonical
    form, names matched by definition. `comments=False` when `expected` cannot hold comments (a drizzle-kit
    snapshot); with `conn` (psycopg, on the server `actual` came from), the expressions and defaults of
    `expected` that do not already match are asked of the server (see `server_forms`). `by_definition=False`
    (generate: a name the code gives is meant) matches only a primary key one side leaves unnamed."""
    e, a = canonical(expected, comments=comments), canonical(actual, comments=comments)
    if conn is not None:
        d = dialects.get(e.dialect)
        e = d.object_forms(conn, d.server_forms(conn, e, a), a)
    e = align(e, a, by_definition=by_definition)
    e, a = comparable_security(e, a)
    return (diff(a, e, Renames(none=True)) if reverse else diff(e, a, Renames(none=True))).changes


def for_generate(old: Schema, new: Schema) -> tuple[Schema, Schema]:
    """`generate`'s two models in canonical form; a primary key one side leaves unnamed takes the other's
    name (a drizzle-kit snapshot cannot hold a single-column key's name). Other names are the code's to give:
    not matched by definition."""
    if not dialects.get(old.dialect).canonical_forms:
        return old, new
    o, n = canonical(old), canonical(new)
    return align(o, n, by_definition=False), n


def lines(expected: Schema, actual: Schema, *, comments: bool = True, conn: Any = None,
          reverse: bool = False) -> list[str]:
    """`compare`, one line per difference (see `describe_all`)."""
    return describe_all(compare(expected, actual, comments=comments, conn=conn, reverse=reverse))


def describe_all(changes: list[Change]) -> list[str]:
    """One line per difference: a drop and an add of one object (same name) become one `~` line naming what
    differs, with both values."""
    changes = fold_into_tables(changes)
    out: list[str] = []
    drops: dict[tuple[str, Any, str], Change] = {}
    for c in changes:
        k = _pair_key(c)
        if k is not None and k[0] == "-":
            drops[k[1:]] = c  # type: ignore[index]
    merged: set[int] = set()
    paired: dict[int, str] = {}
    for c in changes:
        k = _pair_key(c)
        if k is not None and k[0] == "+" and k[1:] in drops:
            d = drops[k[1:]]  # type: ignore[index]
            merged.add(id(d))
            paired[id(c)] = _changed(d, c)
    for c in changes:
        if id(c) in merged:
            continue
        out.append(paired.get(id(c)) or describe(c))
    return out


def _pair_key(c: Change) -> tuple[str, ...] | None:
    if isinstance(c, DropIndex):
        return ("-", "index", c.table, c.index.name)  # type: ignore[return-value]
    if isinstance(c, CreateIndex):
        return ("+", "index", c.table, c.index.name)  # type: ignore[return-value]
    if isinstance(c, (DropUnique, DropForeignKey, DropCheck, DropExclusion)):
        return ("-", "constraint", c.table, _obj(c).name)  # type: ignore[return-value]
    if isinstance(c, (AddUnique, AddForeignKey, AddCheck, AddExclusion)):
        return ("+", "constraint", c.table, _obj(c).name)  # type: ignore[return-value]
    if isinstance(c, SetPrimaryKey) and (c.old is None) != (c.new is None):
        return ("-" if c.new is None else "+", "pk", c.table, "")  # type: ignore[return-value]
    if isinstance(c, (DropObject, CreateObject)):  # a view, function, … made again: one line
        return ("-" if isinstance(c, DropObject) else "+", "object", (c.obj.kind, *c.obj.key), "")  # type: ignore[return-value]
    return None


def _obj(c: Any) -> Any:
    for f in ("unique", "foreign_key", "fk", "check", "constraint"):
        if hasattr(c, f):
            return getattr(c, f)
    raise AttributeError(type(c).__name__)  # pragma: no cover


def _q(key: tuple[str, str]) -> str:
    return key[1] if key[0] == "public" else f"{key[0]}.{key[1]}"


def _changed(old_c: Any, new_c: Any) -> str:
    if isinstance(old_c, SetPrimaryKey):
        o, n = old_c.old, new_c.new
        assert o is not None and n is not None
        parts = []
        if o.columns != n.columns:
            parts.append(f"({', '.join(o.columns)}) → ({', '.join(n.columns)})")
        if (o.name or None) != (n.name or None):
            parts.append(f"name {o.name or '(default)'} → {n.name or '(default)'}")
        if o.deferrable != n.deferrable:
            parts.append(f"deferrable {o.deferrable or 'no'} → {n.deferrable or 'no'}")
        return f"~ primary key on {_q(old_c.table)}: {', '.join(parts) or 'changed'}"
    if isinstance(old_c, DropIndex):
        return f"~ index {new_c.index.name} on {_q(new_c.table)}: {_index_diff(old_c.index, new_c.index)}"
    if isinstance(old_c, DropObject):
        return what_differs(old_c.obj, new_c.obj)
    o, n = _obj(old_c), _obj(new_c)
    kind = {DropUnique: "unique", DropForeignKey: "foreign key", DropCheck: "check"}.get(type(old_c), "constraint")
    if kind == "check":
        flags = [f"{f.replace('_', ' ')} {_v(getattr(o, f))} → {_v(getattr(n, f))}"
                 for f in ("not_valid", "no_inherit") if getattr(o, f) != getattr(n, f)]
        what = f"{o.expression} → {n.expression}" if o.expression != n.expression or not flags else ", ".join(flags)
        return f"~ check {n.name} on {_q(new_c.table)}: {what}"
    fields = [f for f in o.__dataclass_fields__ if f != "name" and getattr(o, f) != getattr(n, f)]
    what = ", ".join(f"{f.replace('_', ' ')} {_v(getattr(o, f))} → {_v(getattr(n, f))}" for f in fields)
    return f"~ {kind} {n.name} on {_q(new_c.table)}: {what or 'changed'}"


def _v(x: Any) -> str:
    if isinstance(x, tuple):
        return "(" + ", ".join(map(str, x)) + ")"
    return "none" if x is None else str(x)


def _index_diff(o: Index, n: Index) -> str:
    from ..dialects.postgres.expressions import expression_key

    parts = []
    if o.unique != n.unique:
        parts.append("unique" if n.unique else "no longer unique")
    if o.method != n.method:
        parts.append(f"using {o.method} → {n.method}")
    if o.columns != n.columns:
        parts.append(f"columns {_cols(o)} → {_cols(n)}")
    if expression_key(o.where) != expression_key(n.where):
        parts.append(f"where {o.where or 'none'} → {n.where or 'none'}")
    if o.with_ != n.with_:
        parts.append(f"with {dict(o.with_)} → {dict(n.with_)}")
    if o.include != n.include:
        parts.append(f"include {_v(o.include)} → {_v(n.include)}")
    return ", ".join(parts) or "changed"


def _cols(i: Index) -> str:
    def one(c: IndexColumn) -> str:
        s = c.expression if not c.is_expression else f"({c.expression})"
        if c.opclass:
            s += f" {c.opclass}"
        if not c.asc:
            s += " desc"
        if c.nulls != ("first" if not c.asc else "last"):
            s += f" nulls {c.nulls}"
        return s
    return "(" + ", ".join(one(c) for c in i.columns) + ")"


def describe(c: Change) -> str:
    """`c.describe()`, with both values for a changed column."""
    if isinstance(c, AlterColumn):
        return _column_diff(c)
    if isinstance(c, ReplaceObject):
        return what_differs(c.old, c.new)
    if isinstance(c, SetTableComment):
        return f"~ comment on table {_q(c.table)}: {_v(c.old and repr(c.old))} → {_v(c.new and repr(c.new))}"
    if isinstance(c, AlterSequence):
        fields = [f for f in c.old.__dataclass_fields__ if getattr(c.old, f) != getattr(c.new, f)]
        return f"~ sequence {_q(c.new.key)}: " + ", ".join(
            f"{f.replace('_', ' ')} {_v(getattr(c.old, f))} → {_v(getattr(c.new, f))}" for f in fields)
    return c.describe()


def _column_diff(c: AlterColumn) -> str:
    from ..dialects.postgres.expressions import expression_key
    from ..dialects.postgres.types import default_key

    o, n = c.old, c.new
    parts = []
    if o.type != n.type:
        parts.append(f"type {o.type} → {n.type}")
    if o.collation != n.collation:
        parts.append(f"collation {o.collation or 'default'} → {n.collation or 'default'}")
    if o.not_null != n.not_null:
        parts.append("set not null" if n.not_null else "drop not null")
    if default_key(o.default, o.type, o.type_schema is not None) != default_key(n.default, n.type,
                                                                               n.type_schema is not None):
        if n.default is None:
            parts.append("drop default")
        elif o.default is None:
            parts.append(f"default {n.default}")
        else:
            parts.append(f"default {o.default} → {n.default}")
    if o.identity != n.identity:
        if o.identity and n.identity:
            fields = [f for f in o.identity.__dataclass_fields__ if getattr(o.identity, f) != getattr(n.identity, f)]
            parts.append("identity " + ", ".join(f"{f.replace('_', ' ')} {_v(getattr(o.identity, f))} → "
                                                 f"{_v(getattr(n.identity, f))}" for f in fields))
        else:
            parts.append("identity " + (n.identity.kind if n.identity else "dropped"))
    if expression_key(o.generated) != expression_key(n.generated):
        parts.append(f"generated {o.generated or 'none'} → {n.generated or 'none'}")
    if (o.comment or None) != (n.comment or None):
        parts.append(f"comment {o.comment!r} → {n.comment!r}")
    return f"~ column {_q(c.table)}.{n.name}: {', '.join(parts) or 'changed'}"


def table_of(model: Schema, key: tuple[str, str]) -> Table | None:
    return model.table(*key)


__all__ = ["canonical", "align", "compare", "lines", "describe", "describe_all", "set_aside_alembic"]
