"""Change → PostgreSQL DDL. Every name is quoted and schema-qualified (a `"$user"` schema on the
search_path would otherwise catch unqualified names)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ...errors import UsageError
from ...planning.plan import PlannedStatement
from ...schema import changes as ch
from ...schema.model import (
    CheckConstraint,
    Column,
    ExclusionConstraint,
    ForeignKey,
    Identity,
    Index,
    PrimaryKey,
    Sequence,
    Table,
    UniqueConstraint,
)
from ...schema.naming import implicit_pkey_name, serial_sequence_name, type_name
from ...schema.retype import same_type
from ...schema.table_features import (
    AddExclusion,
    DropExclusion,
    SetSequenceOwner,
    SetTableLogged,
    ValidateConstraint,
    same_sequence_options,
)
from . import lineage
from .casts import has_cast, through_integer, through_text
from .expressions import column_default
from .security_ddl import RENDER as SECURITY_RENDER
from .types import INT_MAX, SERIAL_BASE, quote_literal


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def qname(schema: str, name: str) -> str:
    return f"{ident(schema)}.{ident(name)}"


def qtable(key: tuple[str, str]) -> str:
    return qname(*key)


def guarded(condition: str, sql: str) -> str:
    """`sql` run only IF `condition` (a DO block): the house form of a statement PostgreSQL has no IF [NOT] EXISTS
    for (idempotent.py writes its others)."""
    tag = "$$"
    n = 0
    while tag in sql or tag in condition:
        tag = f"$mizzle{n or ''}$"
        n += 1
    return f"DO {tag}\nBEGIN\n\tIF {condition} THEN\n\t\t{sql};\n\tEND IF;\nEND {tag}"


def constraint_exists(table: tuple[str, str], name: str) -> str:
    return (f"EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = "
            f"to_regclass({quote_literal(qtable(table))}) AND conname = {quote_literal(name)})")


def to_server_name(table: tuple[str, str], name: str | None, server: str | None, index: bool = False) -> list[str]:
    """Before a statement that names a constraint or index by the name the server has (`server`, which `baseline`
    took from the database it adopted: create_all's `users_info_uid_fkey` for the code's `users_info_uid_users_uid_fk`),
    the object renamed so where it has the code's `name` instead: a database the folder's own SQL built (a new one,
    CI's, `verify`'s) has that one, and the statement failed there (42704). Nothing where the names agree, or where
    the database already has the server's name."""
    if not server or not name or server == name:
        return []
    if index:
        old, new = qname(table[0], name), qname(table[0], server)
        return [guarded(f"to_regclass({quote_literal(old)}) IS NOT NULL AND to_regclass({quote_literal(new)}) IS NULL",
                        f"ALTER INDEX {old} RENAME TO {ident(server)}")]
    return [guarded(f"{constraint_exists(table, name)} AND NOT {constraint_exists(table, server)}",
                    f"ALTER TABLE {qtable(table)} RENAME CONSTRAINT {ident(name)} TO {ident(server)}")]


def column_type(c: Column, for_alter: bool = False) -> str:
    t = c.type
    dims = ""
    while t.endswith("[]"):
        dims += "[]"
        t = t[:-2]
    if c.type_schema:
        return qname(c.type_schema, t) + dims
    if for_alter and t in SERIAL_BASE:
        return SERIAL_BASE[t] + dims
    return type_name(t) + dims  # a mixed-case domain's name quoted




def identity_sql(i: Identity, schema: str) -> str:
    kind = "ALWAYS" if i.kind == "always" else "BY DEFAULT"
    opts = []
    if i.sequence_name:
        opts.append(f"sequence name {qname(schema, i.sequence_name)}")
    opts.extend(_seq_options(i.increment, i.min_value, i.max_value, i.start, i.cache, i.cycle, alter=False))
    return f"GENERATED {kind} AS IDENTITY ({' '.join(opts)})"


def _seq_options(increment: str | None, minv: str | None, maxv: str | None, start: str | None, cache: str | None,
                 cycle: bool, alter: bool) -> list[str]:
    out = []
    if increment is not None:
        out.append(f"INCREMENT BY {increment}")
    if minv is not None:
        out.append(f"MINVALUE {minv}")
    if maxv is not None:
        out.append(f"MAXVALUE {maxv}")
    if start is not None:
        out.append(f"START WITH {start}")
    if cache is not None:
        out.append(f"CACHE {cache}")
    if cycle:
        out.append("CYCLE")
    elif alter:
        out.append("NO CYCLE")
    return out


def collate(c: Column) -> str:
    """` COLLATE "C"` for a column with a collation of its own; empty otherwise."""
    if c.collation is None:
        return ""
    return f" COLLATE {_collation(c.collation)}"


def _collation(name: str) -> str:
    """A collation as the model holds it (types.canonical_collation) as SQL names it."""
    return name if name.startswith('"') else ident(name)


def single_key_column(t: Table) -> str | None:
    """The column a snapshot marks `primaryKey: true`: the key's only column, unnamed, the table's own (else the
    key is the snapshot's composite entry)."""
    pk = t.primary_key
    own = {c.name for c in t.columns}  # a key on a column the table inherits has no column to mark: an entry
    return pk.columns[0] if pk and len(pk.columns) == 1 and pk.name is None and pk.columns[0] in own else None


def not_null_said(t: Table, c: Column) -> bool:
    """Whether the column's NOT NULL is its own (the snapshot's `notNull`, the SQL's NOT NULL): a composite key's
    member that was not declared NOT NULL is NOT NULL by the key alone, and drizzle-kit leaves it `notNull: false`
    and its SQL without NOT NULL. Written anyway, `check --rebuild-snapshots` would read it back as declared
    (Netflix Dispatch's association tables, `PrimaryKeyConstraint("incident_id", "tag_id")`). A serial or identity
    column is NOT NULL by its type."""
    pk = t.primary_key
    member = pk is not None and single_key_column(t) is None and c.name in pk.columns
    return c.not_null and (c.declared_not_null or c.is_serial or c.identity is not None or not member)


def column_def(c: Column, schema: str, inline_pk: bool = False, key_implies_not_null: bool = False,
               parent_generates: bool = False) -> str:
    """`key_implies_not_null`: NOT NULL left out, the table's key says it (see not_null_said). `parent_generates`:
    the generation expression left out, the column takes its parent's (CreateTable.generated_by_parents)."""
    parts = [ident(c.name), column_type(c) + collate(c)]
    if inline_pk:
        parts.append("PRIMARY KEY")
    if c.identity is not None:
        parts.append(identity_sql(c.identity, schema))
    if c.default is not None:
        parts.append(f"DEFAULT {column_default(c.default)}")
    if c.not_null and c.identity is None and not key_implies_not_null:  # an identity: NOT NULL by definition
        parts.append("NOT NULL")
    if c.generated is not None and not parent_generates:
        parts.append(f"GENERATED ALWAYS AS ({c.generated}) STORED")
    return " ".join(parts)


def _cols(names: tuple[str, ...]) -> str:
    return ",".join(ident(n) for n in names)


def deferrable_sql(deferrable: str | None) -> str:
    return f" DEFERRABLE INITIALLY {deferrable.upper()}" if deferrable else ""


def pk_constraint(p: PrimaryKey) -> str:
    if p.name:
        return f"CONSTRAINT {ident(p.name)} PRIMARY KEY({_cols(p.columns)}){deferrable_sql(p.deferrable)}"
    return f"PRIMARY KEY({_cols(p.columns)}){deferrable_sql(p.deferrable)}"


def unique_constraint(u: UniqueConstraint) -> str:
    nnd = " NULLS NOT DISTINCT" if u.nulls_not_distinct else ""
    return f"CONSTRAINT {ident(u.name)} UNIQUE{nnd}({_cols(u.columns)}){deferrable_sql(u.deferrable)}"


def check_constraint(c: CheckConstraint) -> str:
    return f"CONSTRAINT {ident(c.name)} CHECK ({c.expression}){' NO INHERIT' if c.no_inherit else ''}"


def exclusion_constraint(x: ExclusionConstraint) -> str:
    elements = []
    for e in x.elements:
        s = f"({e.expression})" if e.is_expression else ident(e.expression)
        elements.append(f"{s}{' ' + e.opclass if e.opclass else ''} WITH {e.operator}")
    sql = f"CONSTRAINT {ident(x.name)} EXCLUDE USING {x.method} ({', '.join(elements)})"
    if x.include:
        sql += f" INCLUDE ({_cols(x.include)})"
    if x.with_:
        sql += " WITH (" + ", ".join(f"{k}={v}" for k, v in x.with_) + ")"
    if x.where:
        sql += f" WHERE ({x.where})"
    return sql + deferrable_sql(x.deferrable)


def _not_valid(c: CheckConstraint | ForeignKey) -> str:
    return " NOT VALID" if c.not_valid else ""


def fk_constraint(f: ForeignKey) -> str:
    sql = (f"CONSTRAINT {ident(f.name)} FOREIGN KEY ({_cols(f.columns)}) REFERENCES "
           f"{qname(f.ref_schema, f.ref_table)}({_cols(f.ref_columns)}){' MATCH FULL' if f.match_full else ''} "
           f"ON DELETE {f.on_delete} ON UPDATE {f.on_update}")
    return sql + deferrable_sql(f.deferrable) + _not_valid(f)


def folded_uniques(t: Table) -> list[UniqueConstraint]:
    """The unique constraints PostgreSQL would fold into an earlier key of the same CREATE TABLE (the primary key
    or an earlier unique over the same columns in the same order, same NULLS and deferral): it keeps one index
    and silently drops the rest, so they are added after the CREATE TABLE (a real folder's `traces` has a
    unique over its primary key's columns, added by ALTER TABLE)."""
    def shape(cols: tuple[str, ...], nnd: bool, deferrable: str | None) -> tuple[object, ...]:
        return cols, nnd, deferrable
    seen = {shape(t.primary_key.columns, False, t.primary_key.deferrable)} if t.primary_key else set()
    folded = []
    for u in t.uniques:
        key = shape(u.columns, u.nulls_not_distinct, u.deferrable)
        if key in seen:
            folded.append(u)
        seen.add(key)
    return folded


def create_table(t: Table, generated_by_parents: tuple[str, ...] = ()) -> str:
    pk = t.primary_key
    own = {c.name for c in t.columns}  # a key on a column the table inherits is a table constraint
    inline = pk.columns[0] if pk and len(pk.columns) == 1 and pk.name is None and not pk.deferrable \
        and pk.columns[0] in own else None
    lines = [column_def(c, t.schema, inline_pk=c.name == inline, key_implies_not_null=not not_null_said(t, c),
                        parent_generates=c.name in generated_by_parents) for c in t.columns]
    if pk and inline is None:
        lines.append(pk_constraint(pk))
    folded = folded_uniques(t)
    lines.extend(unique_constraint(u) for u in t.uniques if u not in folded)
    lines.extend(check_constraint(c) for c in t.checks if not c.not_valid)
    lines.extend(exclusion_constraint(x) for x in t.excludes)
    body = ",\n\t".join(lines)
    before, after = lineage.create_clauses(t, qname)
    unlogged = "UNLOGGED " if t.unlogged else ""
    if t.partition_of is not None and not lines:  # a partition has its partitioned table's columns
        return f"CREATE {unlogged}TABLE {qtable(t.key)}{before}{after}"
    return f"CREATE {unlogged}TABLE {qtable(t.key)}{before} (\n\t{body}\n){after}"


def _create_table(t: Table, generated_by_parents: tuple[str, ...] = ()) -> list[str]:
    """CREATE TABLE, then what it cannot say: a unique it would fold into an earlier key, a NOT VALID check
    (CREATE TABLE would validate it), comments."""
    out = [create_table(t, generated_by_parents)]
    out.extend(f"ALTER TABLE {qtable(t.key)} ADD {unique_constraint(u)}" for u in folded_uniques(t))
    out.extend(f"ALTER TABLE {qtable(t.key)} ADD {check_constraint(c)} NOT VALID" for c in t.checks if c.not_valid)
    if t.comment:
        out.append(_comment(f"TABLE {qtable(t.key)}", t.comment))
    out.extend(_comment(f"COLUMN {qtable(t.key)}.{ident(col.name)}", col.comment) for col in t.columns if col.comment)
    return out


def create_index(table: tuple[str, str], i: Index, concurrently: bool | None = None) -> str:
    cols = []
    for c in i.columns:
        s = f"({c.expression})" if c.is_expression else ident(c.expression)
        if c.collation:
            s += f" COLLATE {_collation(c.collation)}"
        if c.opclass:
            s += f" {c.opclass}"
        if not c.asc:
            s += " DESC"
        if c.nulls == "first" and c.asc:
            s += " NULLS FIRST"
        elif c.nulls == "last" and not c.asc:
            s += " NULLS LAST"
        cols.append(s)
    conc = i.concurrently if concurrently is None else concurrently
    sql = (f"CREATE {'UNIQUE ' if i.unique else ''}INDEX {'CONCURRENTLY ' if conc else ''}{ident(i.name)} "
           f"ON {qtable(table)} USING {i.method} ({', '.join(cols)})")
    if i.include:
        sql += f" INCLUDE ({_cols(i.include)})"
    if i.nulls_not_distinct:
        sql += " NULLS NOT DISTINCT"
    if i.with_:
        sql += " WITH (" + ", ".join(f"{k}={v}" for k, v in i.with_) + ")"
    if i.where:
        sql += f" WHERE {i.where}"
    return sql


def sequence_sql(s: Sequence) -> str:
    return " ".join([f"CREATE SEQUENCE {qname(s.schema, s.name)}", *([f"AS {s.data_type}"] if s.data_type else []),
                     *_seq_options(s.increment, s.min_value, s.max_value, s.start, s.cache, s.cycle, alter=False)])


def take_over_sequence(s: Sequence) -> str:
    """A serial column's own sequence becomes the explicit Sequence of the same name: the type CREATE SEQUENCE
    gives (bigint), its options, and no owner (a sequence owned by its column reads back as a serial)."""
    return " ".join([f"ALTER SEQUENCE {qname(s.schema, s.name)} AS {s.data_type or 'bigint'}",
                     *_seq_options(s.increment, s.min_value, s.max_value, s.start, s.cache, s.cycle, alter=True),
                     "OWNED BY NONE"])


def alter_sequence(old: Sequence, new: Sequence) -> str:
    """`ALTER SEQUENCE` to the new options. PostgreSQL checks the sequence's current value against the new bounds,
    so a minimum raised above it (ascending; a maximum lowered below it, descending) is refused: "RESTART value (1)
    cannot be less than MINVALUE (1000)" on a sequence never used. Every value such a sequence has given lies outside
    the new range, on the side it moves away from, so restarting at the new START gives none twice: the statement
    does that only when the current value is out of range, read when it runs. A value past the end it moves
    towards (already given beyond the new MAXVALUE) is left for PostgreSQL to refuse: restarting would repeat it."""
    sql = " ".join([
        f"ALTER SEQUENCE {qname(new.schema, new.name)}",
        *([f"AS {new.data_type or 'bigint'}"] if old.data_type != new.data_type else []), *_seq_options(
            new.increment, new.min_value, new.max_value, new.start, new.cache, new.cycle, alter=True)])
    behind = _left_behind(old, new)
    if behind is None:
        return sql
    return (f"DO $mizzle$ BEGIN IF (SELECT last_value FROM {qname(new.schema, new.name)}) {behind} THEN "
            f"{sql} RESTART; ELSE {sql}; END IF; END $mizzle$")


def _left_behind(old: Sequence, new: Sequence) -> str | None:
    """The condition (`< 1000`) under which the sequence's current value is behind the range `new` moves to: its
    bound at the start of its direction tightened (MINVALUE raised for an ascending sequence, MAXVALUE lowered for
    a descending one); None when that bound stays or widens."""
    def num(v: str | None) -> int | None:
        try:
            return int(v) if v is not None else None
        except ValueError:
            return None
    step = num(new.increment) or 1
    bound, was = (new.min_value, old.min_value) if step > 0 else (new.max_value, old.max_value)
    b, w = num(bound), num(was)
    if b is None or (w is not None and (b <= w if step > 0 else b >= w)):
        return None
    return f"< {b}" if step > 0 else f"> {b}"


def _comment(target: str, text: str | None) -> str:
    return f"COMMENT ON {target} IS {quote_literal(text) if text is not None else 'NULL'}"


def serial_sequence(table: tuple[str, str], column: str) -> str:
    return qname(table[0], serial_sequence_name(table[1], column))


_NEXTVAL_OF = re.compile(r"^nextval\('(?P<seq>(?:[^']|'')+)'(?:::regclass)?\)$")
_ONE_NAME = re.compile(r'^(?:"(?:[^"]|"")+"|[^".]+)$')


def held_sequence(table: tuple[str, str], c: Column) -> str:
    """The sequence a serial column's snapshot says it holds (`nextval('deploykeys_id_seq'::regclass)`: a table
    renamed by Alembic or drizzle-kit keeps its old `<table>_<column>_seq`), else `<table>_<column>_seq`. The
    regclass text is SQL name syntax already; an unqualified one is qualified with the table's schema."""
    m = _NEXTVAL_OF.match(c.default or "")
    if m is None:
        return serial_sequence(table, c.name)
    name = m.group("seq").replace("''", "'")
    return f"{ident(table[0])}.{name}" if _ONE_NAME.match(name) else name


def conversion(table: tuple[str, str], o: Column, n: Column) -> str:
    """The USING expression of a type change: the schema code's own, a cast (through text from one enum to
    another, or one range type to another; through integer from boolean to smallint or bigint, and back: PostgreSQL
    has no cast between them), or a refusal when PostgreSQL has
    no cast to apply."""
    col, new_t = ident(n.name), column_type(n, for_alter=True)
    if n.using:
        return n.using
    if through_integer(o.type, n.type):  # boolean ↔ smallint, bigint: pg_cast has boolean ↔ integer only
        return f"{col}::integer{'[]' * n.type.count('[]')}::{new_t}"
    if not has_cast(o.type, o.type_schema is not None, n.type, n.type_schema is not None):
        where = f"{table[1]}.{n.name}" if table[0] == "public" else f"{table[0]}.{table[1]}.{n.name}"
        raise UsageError(
            f"cannot change the type of {where} from {o.type} to {n.type}: PostgreSQL has no cast between them",
            f'Say how to convert the values in the schema code, e.g. Column(..., info={{"mizzle": {{"using": '
            f'"<expression of {n.name}>"}}}}), or write this migration by hand (`mizzle generate --custom`).')
    if (o.type_schema is not None and n.type_schema is not None) or through_text(o.type, n.type):
        return f"{col}::text{'[]' * n.type.count('[]')}::{new_t}"
    return f"{col}::{new_t}"


def alter_column(change: ch.AlterColumn) -> list[str]:
    t, o, n = change.table, change.old, change.new
    at = f"ALTER TABLE {qtable(t)}"
    col = ident(n.name)
    out: list[str] = []
    if o.generated != n.generated and n.generated is not None:  # PostgreSQL 15 cannot change the expression
        return [f"{at} DROP COLUMN {col}", f"{at} ADD COLUMN {column_def(n, t[0])}"]
    if o.generated is not None and n.generated is None:  # the column keeps its values
        out.append(f"{at} ALTER COLUMN {col} DROP EXPRESSION")
    if o.identity is not None and n.identity is None:  # before its type or NOT NULL can change
        out.append(f"{at} ALTER COLUMN {col} DROP IDENTITY")
    type_changed = not same_type(o, n)
    default_changed = o.default != n.default
    default_dropped = False
    if type_changed:
        # the old default may not convert, and a serial's sequence cannot go while its default uses it
        if (o.default is not None or o.is_serial) and not (o.is_serial and n.is_serial):
            out.append(f"{at} ALTER COLUMN {col} DROP DEFAULT")
            default_changed = default_dropped = True
        out.extend(_retype(change, o.collation != n.collation))
    elif o.collation != n.collation:  # the same type with another collation: no conversion, indexes rebuilt
        out.append(f"{at} ALTER COLUMN {col} SET DATA TYPE {column_type(n, for_alter=True)}{collate(n)}")
    if default_changed and not n.is_serial:
        if n.default is None:
            if not default_dropped:
                out.append(f"{at} ALTER COLUMN {col} DROP DEFAULT")
        else:
            out.append(f"{at} ALTER COLUMN {col} SET DEFAULT {n.default}")
    if n.identity is not None and o.identity is None and not o.not_null:
        out.append(f"{at} ALTER COLUMN {col} SET NOT NULL")  # an identity needs it first
    elif o.not_null != n.not_null and not (n.identity and not o.identity):
        out.append(f"{at} ALTER COLUMN {col} {'SET' if n.not_null else 'DROP'} NOT NULL")
    out.extend(_alter_identity(change))
    if o.comment != n.comment:
        out.append(_comment(f"COLUMN {qtable(t)}.{col}", n.comment))
    return out


def _retype(change: ch.AlterColumn, collation_changed: bool) -> list[str]:
    """SET DATA TYPE (with the column's collation: a type change without one gives the type's default), and what a
    serial column's sequence needs along."""
    t, o, n = change.table, change.old, change.new
    at, col = f"ALTER TABLE {qtable(t)}", ident(n.name)
    out: list[str] = []
    new_t = column_type(n, for_alter=True)
    if column_type(o, for_alter=True) != new_t or o.type_schema != n.type_schema or collation_changed \
            or n.collation is not None:
        out.append(f"{at} ALTER COLUMN {col} SET DATA TYPE {new_t}{collate(n)} USING {conversion(t, o, n)}")
    seq = held_sequence(t, o) if o.is_serial else serial_sequence(t, n.name)
    if o.is_serial and n.is_serial:
        out.append(f"ALTER SEQUENCE {seq} AS {SERIAL_BASE[n.type]}")
    elif n.is_serial and change.keep_sequence:  # the explicit Sequence of that name becomes the serial's own,
        # with a serial's options (its current value stays: START WITH is only what a RESTART goes back to)
        base = SERIAL_BASE[n.type]
        out.append(f"ALTER SEQUENCE {seq} AS {base} INCREMENT BY 1 MINVALUE 1 MAXVALUE {INT_MAX[base]} START WITH 1 "
                   f"CACHE 1 NO CYCLE OWNED BY {qtable(t)}.{col}")
        out.append(f"{at} ALTER COLUMN {col} SET DEFAULT nextval('{seq}')")
    elif n.is_serial:
        out.append(f"CREATE SEQUENCE IF NOT EXISTS {seq} AS {SERIAL_BASE[n.type]} OWNED BY {qtable(t)}.{col}")
        out.append(f"SELECT setval('{seq}', COALESCE((SELECT max({col}) FROM {qtable(t)}), 0) + 1, false)")
        out.append(f"{at} ALTER COLUMN {col} SET DEFAULT nextval('{seq}')")
    elif o.is_serial and not change.keep_sequence:  # kept: an explicit Sequence of that name took it over
        out.append(f"DROP SEQUENCE IF EXISTS {seq}")
    return out


def _alter_identity(change: ch.AlterColumn) -> list[str]:
    """An identity added to a column, or its options changed."""
    return _identity_changes(change.table, change.new.name, change.old.identity, change.new.identity,
                             (change.old.type, change.new.type))


def _identity_changes(t: tuple[str, str], name: str, oi: Identity | None, ni: Identity | None,
                      types: tuple[str, str] = ("integer", "integer")) -> list[str]:
    """An identity added (its sequence moved past the values the column already holds) or altered."""
    at, col = f"ALTER TABLE {qtable(t)}", ident(name)
    if ni is None or oi == ni:
        return []
    if oi is None:
        return [f"{at} ALTER COLUMN {col} ADD {identity_sql(ni, t[0])}", _continue_after_values(t, name, ni, types[1])]
    out = []
    if oi.sequence_name and ni.sequence_name and oi.sequence_name != ni.sequence_name:
        # PostgreSQL keeps an identity's sequence name when its table or column is renamed; the model
        # names it after them (`<table>_<column>_seq`, as drizzle-kit does): rename it along
        out.append(f"ALTER SEQUENCE {qname(t[0], oi.sequence_name)} RENAME TO {ident(ni.sequence_name)}")
    sets = []
    if oi.kind != ni.kind:
        sets.append(f"SET GENERATED {'ALWAYS' if ni.kind == 'always' else 'BY DEFAULT'}")
    # each option as the sequence has it (an option not said: PostgreSQL's default for the type and direction)
    old, new = _identity_bounds(oi, types[0]), _identity_bounds(ni, types[1])
    for label, a, b in zip(("INCREMENT BY", "MINVALUE", "MAXVALUE", "START WITH"), old, new, strict=True):
        if a != b:
            sets.append(f"SET {label} {b}")
    if oi.cache != ni.cache and ni.cache is not None:
        sets.append(f"SET CACHE {ni.cache}")
    if oi.cycle != ni.cycle:
        sets.append("SET CYCLE" if ni.cycle else "SET NO CYCLE")
    # narrower bounds may leave the sequence's current value outside them, which PostgreSQL refuses ("RESTART
    # value (-200) cannot be less than MINVALUE (-100)"): it restarts at its START, then continues after the
    # values the column holds
    narrower = new[1] > old[1] or new[2] < old[2]
    if narrower:
        sets.append("RESTART")
    if sets:
        out.append(f"{at} ALTER COLUMN {col} " + " ".join(sets))
    if narrower:
        out.append(_continue_after_values(t, name, ni, types[1]))
    return out


def _identity_bounds(i: Identity, type_: str) -> tuple[int, int, int, int]:
    """(increment, MINVALUE, MAXVALUE, START) of an identity's sequence, PostgreSQL's defaults for those not said."""
    inc = int(i.increment or 1)
    top = int(INT_MAX.get(type_, INT_MAX["bigint"]))
    lo = int(i.min_value) if i.min_value is not None else (1 if inc > 0 else -top - 1)
    hi = int(i.max_value) if i.max_value is not None else (top if inc > 0 else -1)
    return inc, lo, hi, int(i.start) if i.start is not None else (lo if inc > 0 else hi)


def _continue_after_values(t: tuple[str, str], name: str, i: Identity, type_: str) -> str:
    """The sequence moved past the values already in the column (when they reach its START): it starts at START,
    and the next insert would collide with one. Within its bounds: past them, the next value is refused."""
    col, seq = ident(name), f"pg_get_serial_sequence({quote_literal(qtable(t))}, {quote_literal(name)})"
    inc, lo, hi, start = _identity_bounds(i, type_)
    if inc > 0:
        return f"SELECT setval({seq}, least(max({col}), {hi})) FROM {qtable(t)} HAVING max({col}) >= {start}"
    return f"SELECT setval({seq}, greatest(min({col}), {lo})) FROM {qtable(t)} HAVING min({col}) <= {start}"


def rename_constraint(c: ch.RenameConstraint) -> str:
    """A primary key's `<table>_pkey` (the name PostgreSQL gives an unnamed key) is renamed only where the table has
    it (a DO block): `baseline` writes that name into the snapshot of a database create_all or Alembic built, while a
    database the folder's own SQL built has the code's name already (anitya's `distros_pkey` against `pk_distros`:
    the next migration failed on every database `migrate` made, and in `verify`'s replay)."""
    if c.index:
        return f"ALTER INDEX {qname(c.table[0], c.old)} RENAME TO {ident(c.new)}"
    sql = f"ALTER TABLE {qtable(c.table)} RENAME CONSTRAINT {ident(c.old)} TO {ident(c.new)}"
    if c.primary_key and c.old == implicit_pkey_name(c.table[1]):
        return guarded(constraint_exists(c.table, c.old), sql)
    return sql


def rename_table(c: ch.RenameTable) -> list[str]:
    """The unnamed key's `<old>_pkey` is renamed only where the table has it (a DO block, as `--idempotent` writes
    it: PostgreSQL has no RENAME CONSTRAINT IF EXISTS): a table drizzle-kit renamed kept its key's older name
    (`user_temp_pkey`), which a folder of drizzle-kit's own snapshots does not know."""
    out = [f"ALTER TABLE {qtable(c.old)} RENAME TO {ident(c.new[1])}"]
    if c.implicit_pk:
        old_pk = implicit_pkey_name(c.old[1])
        out.append(guarded(constraint_exists(c.new, old_pk), f"ALTER TABLE {qtable(c.new)} RENAME CONSTRAINT "
                                                            f"{ident(old_pk)} TO {ident(implicit_pkey_name(c.new[1]))}"))
    out += [rename_serial_sequence(c.old, col, c.new[1], col) for col in c.serial_columns]
    return [s for s in out if s]


def rename_serial_sequence(table: tuple[str, str], column: str, new_table: str, new_column: str) -> str:
    """The serial's sequence renamed along with its table or column ("" when the cut name stays the same:
    a long table name is cut to the same bytes either way). IF EXISTS: drizzle-kit renames a table alone, so a
    table it renamed holds its serial under the old table's sequence name; renaming that table again (or back, a
    revert) leaves the sequence as it is, which the comparisons take for the serial (canonical_tables.
    serials_renamed), rather than failing on a `<table>_<column>_seq` never made (42P01)."""
    old, new = serial_sequence_name(table[1], column), serial_sequence_name(new_table, new_column)
    return f"ALTER SEQUENCE IF EXISTS {qname(table[0], old)} RENAME TO {ident(new)}" if old != new else ""


def recreate_enum(c: ch.RecreateEnum) -> list[str]:
    e = c.new
    out = []
    for table, col in c.usages:
        dims = "[]" * col.type.count("[]")
        out.append(f"ALTER TABLE {qtable(table)} ALTER COLUMN {ident(col.name)} DROP DEFAULT")
        out.append(f"ALTER TABLE {qtable(table)} ALTER COLUMN {ident(col.name)} SET DATA TYPE text{dims}")
    out.append(f"DROP TYPE {qname(c.old.schema, c.old.name)}")
    out.append(f"CREATE TYPE {qname(e.schema, e.name)} AS ENUM({', '.join(quote_literal(v) for v in e.values)})")
    for table, col in c.usages:
        t = column_type(col)
        out.append(f"ALTER TABLE {qtable(table)} ALTER COLUMN {ident(col.name)} SET DATA TYPE {t} USING "
                   f"{ident(col.name)}::{t}")
        if col.default is not None:
            out.append(f"ALTER TABLE {qtable(table)} ALTER COLUMN {ident(col.name)} SET DEFAULT {col.default}")
    return out


def _drop_table(t: Table) -> list[str]:
    """A partition is detached first: a foreign key referencing its partitioned table has a copy referencing the
    partition, and DROP TABLE fails on it ("cannot drop table … because other objects depend on it")."""
    detach = [f"ALTER TABLE {qname(*t.partition_of)} DETACH PARTITION {qtable(t.key)}"] if t.partition_of else []
    return [*detach, f"DROP TABLE {qtable(t.key)}"]


def _drop_pk(c: ch.SetPrimaryKey) -> list[str]:
    assert c.old is not None
    name = c.old.name or implicit_pkey_name(c.table[1])
    return [*to_server_name(c.table, name, c.old.server_name),
            f"ALTER TABLE {qtable(c.table)} DROP CONSTRAINT {ident(c.old.server_name or name)}"]


def _set_pk(c: ch.SetPrimaryKey) -> list[str]:
    out = []
    if c.old is not None:
        out += _drop_pk(c)
    if c.new is not None:
        out.append(f"ALTER TABLE {qtable(c.table)} ADD {pk_constraint(c.new)}")
    return out


RENDER: dict[type, Callable[..., list[str]]] = {
    ch.CreateSchema: lambda c: [f"CREATE SCHEMA {ident(c.name)}"],
    ch.DropSchema: lambda c: [f"DROP SCHEMA {ident(c.name)}"],
    ch.RenameSchema: lambda c: [f"ALTER SCHEMA {ident(c.old)} RENAME TO {ident(c.new)}"],
    ch.CreateEnum: lambda c: [f"CREATE TYPE {qname(c.enum.schema, c.enum.name)} AS ENUM("
                              f"{', '.join(quote_literal(v) for v in c.enum.values)})"],
    ch.DropEnum: lambda c: [f"DROP TYPE {qname(c.enum.schema, c.enum.name)}"],
    ch.RenameEnum: lambda c: [f"ALTER TYPE {qname(c.schema, c.old)} RENAME TO {ident(c.new)}"],
    ch.AddEnumValue: lambda c: [f"ALTER TYPE {qname(c.enum.schema, c.enum.name)} ADD VALUE {quote_literal(c.value)}"
                                + (f" BEFORE {quote_literal(c.before)}" if c.before else
                                   (f" AFTER {quote_literal(c.after)}" if c.after else ""))],
    ch.RecreateEnum: recreate_enum,
    ch.CreateSequence: lambda c: [take_over_sequence(c.sequence) if c.from_serial else sequence_sql(c.sequence)],
    # an owned sequence may be gone already, with the table or column that owned it
    ch.DropSequence: lambda c: [] if c.to_serial else [
        f"DROP SEQUENCE {'IF EXISTS ' if c.sequence.owned_by else ''}{qname(c.sequence.schema, c.sequence.name)}"],
    ch.RenameSequence: lambda c: [f"ALTER SEQUENCE {qname(c.schema, c.old)} RENAME TO {ident(c.new)}"],
    ch.AlterSequence: lambda c: [] if same_sequence_options(c.old, c.new) else [alter_sequence(c.old, c.new)],
    SetSequenceOwner: lambda c: [f"ALTER SEQUENCE {qname(c.sequence.schema, c.sequence.name)} OWNED BY "
                                 + (f"{qname(*c.owned_by[:2])}.{ident(c.owned_by[2])}" if c.owned_by else "NONE")],
    ch.CreateTable: lambda c: _create_table(c.table, c.generated_by_parents),
    ch.DropTable: lambda c: _drop_table(c.table),
    ch.RenameTable: lambda c: rename_table(c),
    ch.AddColumn: lambda c: [f"ALTER TABLE {qtable(c.table)} ADD COLUMN {column_def(c.column, c.table[0])}"] + (
        [_comment(f"COLUMN {qtable(c.table)}.{ident(c.column.name)}", c.column.comment)] if c.column.comment else []),
    ch.DropColumn: lambda c: [f"ALTER TABLE {qtable(c.table)} DROP COLUMN {ident(c.column.name)}"],
    ch.RenameColumn: lambda c: [f"ALTER TABLE {qtable(c.table)} RENAME COLUMN {ident(c.old)} TO {ident(c.new)}"] + (
        [s for s in [rename_serial_sequence(c.table, c.old, c.table[1], c.new)] if s] if c.serial else []),
    ch.AlterColumn: alter_column,
    ch.SetPrimaryKey: _set_pk,
    ch.RenameConstraint: lambda c: [*to_server_name(c.table, c.code_old, c.old, c.index), rename_constraint(c)],
    ch.AddForeignKey: lambda c: [f"ALTER TABLE {qtable(c.table)} ADD {fk_constraint(c.fk)}"],
    ch.DropForeignKey: lambda c: [*to_server_name(c.table, c.fk.name, c.fk.server_name),
                                  f"ALTER TABLE {qtable(c.table)} DROP CONSTRAINT {ident(c.fk.real_name)}"],
    ch.AddUnique: lambda c: [f"ALTER TABLE {qtable(c.table)} ADD {unique_constraint(c.unique)}"],
    ch.DropUnique: lambda c: [*to_server_name(c.table, c.unique.name, c.unique.server_name),
                              f"ALTER TABLE {qtable(c.table)} DROP CONSTRAINT {'IF EXISTS ' * c.repeats_key}"
                              f"{ident(c.unique.real_name)}"],
    ch.AddCheck: lambda c: [f"ALTER TABLE {qtable(c.table)} ADD {check_constraint(c.check)}{_not_valid(c.check)}"],
    ch.DropCheck: lambda c: [*to_server_name(c.table, c.check.name, c.check.server_name),
                             f"ALTER TABLE {qtable(c.table)} DROP CONSTRAINT {ident(c.check.real_name)}"],
    ch.CreateIndex: lambda c: [create_index(c.table, c.index)],
    ch.DropIndex: lambda c: [*to_server_name(c.table, c.index.name, c.index.server_name, index=True),
                             f"DROP INDEX {qname(c.table[0], c.index.real_name)}"],
    ch.SetTableComment: lambda c: [_comment(f"TABLE {qtable(c.table)}", c.new)],
    ch.SetComment: lambda c: [_comment(
        f"CONSTRAINT {ident(c.name)} ON {qtable(c.table)}" if c.kind == "constraint"
        else f"{c.kind.upper()} {qname(c.schema, c.name)}", c.new)],
    SetTableLogged: lambda c: [f"ALTER TABLE {qtable(c.table)} SET {'UNLOGGED' if c.unlogged else 'LOGGED'}"],
    ValidateConstraint: lambda c: [f"ALTER TABLE {qtable(c.table)} VALIDATE CONSTRAINT {ident(c.name)}"],
    AddExclusion: lambda c: [f"ALTER TABLE {qtable(c.table)} ADD {exclusion_constraint(c.constraint)}"],
    DropExclusion: lambda c: [f"ALTER TABLE {qtable(c.table)} DROP CONSTRAINT {ident(c.constraint.name)}"],
    **lineage.render(qname),
}
RENDER.update(SECURITY_RENDER)  # extensions, row-level security, policies, roles, grants


# around a routine whose body is not checked at creation (objects_ddl._unchecked)
BODY_CHECK_OFF = "SET LOCAL check_function_bodies = off"
BODY_CHECK_ON = "SET LOCAL check_function_bodies = on"


# Each relation a transaction makes (a table, its TOAST table and index, an index, a sequence) holds a lock until
# it commits, and the server's lock table has max_locks_per_transaction × max_connections places: 6,400 by
# default, for every session. A schema of GitLab's size made in one transaction filled it ("out of shared memory").
# A `-- mizzle:commit` boundary follows once a part reaches this many: CREATE TABLE counted as 4, the rest as 1.
LOCK_BUDGET = 2000


def lock_boundaries(statements: list[PlannedStatement]) -> list[PlannedStatement]:
    """`statements` with a commit boundary after each part that holds about LOCK_BUDGET locks, never between the
    SETs of routines made with their body check off (SET LOCAL ends with the transaction)."""
    out: list[PlannedStatement] = []
    held, unchecked = 0, False
    for s in statements:
        held = 0 if s.commit_after else held + (4 if s.sql.startswith(("CREATE TABLE", "CREATE MATERIALIZED")) else 1)
        unchecked = (unchecked or s.sql == BODY_CHECK_OFF) and s.sql != BODY_CHECK_ON
        if held >= LOCK_BUDGET and not unchecked and not s.no_transaction:
            s, held = PlannedStatement(s.sql, s.change, True, s.no_transaction), 0
        out.append(s)
    if out and out[-1].commit_after and not statements[-1].commit_after:
        out[-1] = statements[-1]  # nothing follows the last statement: no boundary
    return out


def render(changes: list[ch.Change], more: dict[type, Callable[..., list[str]]] | None = None
           ) -> list[PlannedStatement]:
    """`more`: the renderers of further kinds of change (objects_ddl.RENDER_OBJECTS)."""
    out: list[PlannedStatement] = []
    for i, c in enumerate(changes):
        sqls = (RENDER.get(type(c)) or (more or {})[type(c)])(c)
        if sqls and sqls[0] == BODY_CHECK_OFF and out and out[-1].sql == BODY_CHECK_ON:
            out.pop()  # routines made unchecked one after another (a pulled baseline's) share one pair of SETs
            sqls = sqls[1:]
        for s in sqls:
            out.append(PlannedStatement(s, change=c))
        # a value added to an enum cannot be used before the transaction that added it commits
        if isinstance(c, ch.AddEnumValue) and out and i + 1 < len(changes) \
                and not isinstance(changes[i + 1], ch.AddEnumValue):
            out[-1] = PlannedStatement(out[-1].sql, change=c, commit_after=True)
    return lock_boundaries(out)
