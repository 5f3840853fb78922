"""The Change kinds the diff produces. Each knows its inverse (SQLite's table rebuild inverts its parts;
`revert` does not use it: it diffs the snapshots after and before the migration) and describes itself in one
line (for the summary `generate` prints)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .model import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    PrimaryKey,
    Sequence,
    Table,
    UniqueConstraint,
)

TableKey = tuple[str, str]


def table_label(key: TableKey) -> str:
    """A table as messages name it: bare in the public schema, schema-qualified elsewhere."""
    return key[1] if key[0] == "public" else f"{key[0]}.{key[1]}"


class Change:
    destructive = False

    def loses_data(self, keeps_values: Callable[[str, str], bool]) -> bool:
        """Whether the change can lose data (push's and revert's warnings): `destructive`, but for a column's type
        changed to one that keeps every value (`keeps_values`, the dialect's: varchar → text)."""
        return self.destructive

    def inverse(self) -> Change:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def as_difference(self) -> list[Change]:
        """The change as a comparison (drift, verify, baseline) states it: what differs, not how a migration would
        make it (SQLite's rebuild of a table, PostgreSQL's rebuild of an enum type)."""
        return [self]


@dataclass(frozen=True)
class CreateSchema(Change):
    name: str

    def inverse(self) -> Change:
        return DropSchema(self.name)

    def describe(self) -> str:
        return f"+ schema {self.name}"


@dataclass(frozen=True)
class DropSchema(Change):
    name: str
    destructive = True

    def inverse(self) -> Change:
        return CreateSchema(self.name)

    def describe(self) -> str:
        return f"- schema {self.name}"


@dataclass(frozen=True)
class RenameSchema(Change):
    old: str
    new: str

    def inverse(self) -> Change:
        return RenameSchema(self.new, self.old)

    def describe(self) -> str:
        return f"~ schema {self.old} → {self.new} (rename)"


@dataclass(frozen=True)
class CreateEnum(Change):
    enum: Enum

    def inverse(self) -> Change:
        return DropEnum(self.enum)

    def describe(self) -> str:
        return f"+ enum {table_label(self.enum.key)} ({', '.join(self.enum.values)})"


@dataclass(frozen=True)
class DropEnum(Change):
    enum: Enum
    destructive = True

    def inverse(self) -> Change:
        return CreateEnum(self.enum)

    def describe(self) -> str:
        return f"- enum {table_label(self.enum.key)}"


@dataclass(frozen=True)
class RenameEnum(Change):
    schema: str
    old: str
    new: str

    def inverse(self) -> Change:
        return RenameEnum(self.schema, self.new, self.old)

    def describe(self) -> str:
        return f"~ enum {table_label((self.schema, self.old))} → {self.new} (rename)"


@dataclass(frozen=True)
class AddEnumValue(Change):
    enum: Enum  # the enum after the change
    value: str
    before: str | None = None
    after: str | None = None
    usages: tuple[tuple[TableKey, Column], ...] = ()  # the columns using the enum (what the inverse converts)

    def inverse(self) -> Change:
        """A value cannot be removed from a type: the type is rebuilt without it, its columns converted."""
        old = Enum(self.enum.name, tuple(v for v in self.enum.values if v != self.value), self.enum.schema)
        return RecreateEnum(self.enum, old, self.usages)

    def describe(self) -> str:
        where = f" before {self.before!r}" if self.before else (f" after {self.after!r}" if self.after else "")
        return f"~ enum {table_label(self.enum.key)}: + value {self.value!r}{where}"


@dataclass(frozen=True)
class RecreateEnum(Change):
    """Values removed or reordered: the type is rebuilt and every column using it converted."""

    old: Enum
    new: Enum
    usages: tuple[tuple[TableKey, Column], ...] = ()  # the columns (as they end up) using the enum
    compared: bool = field(default=False, compare=False)  # a comparison's line: no rebuild to tell of
    destructive = True

    def inverse(self) -> Change:
        return RecreateEnum(self.new, self.old, self.usages)

    def as_difference(self) -> list[Change]:
        return [replace(self, compared=True)]

    def describe(self) -> str:
        removed = [v for v in self.old.values if v not in self.new.values]
        added = [v for v in self.new.values if v not in self.old.values]  # a value renamed is one of each
        parts = [f"{sign} values {', '.join(map(repr, vs))}" for sign, vs in (("-", removed), ("+", added)) if vs]
        kept_old = [v for v in self.old.values if v in self.new.values]
        if kept_old != [v for v in self.new.values if v in self.old.values]:  # the values both have moved too
            parts.append("values reordered")
        what = "; ".join(parts) or "values reordered"
        how = "" if self.compared else f" (type rebuilt, {len(self.usages)} column(s) converted)"
        return f"~ enum {table_label(self.new.key)}: {what}{how}"


@dataclass(frozen=True)
class CreateSequence(Change):
    sequence: Sequence
    # it exists already as a serial column's own sequence (same name): taken over (OWNED BY NONE), not created
    from_serial: bool = False

    def inverse(self) -> Change:
        return DropSequence(self.sequence, to_serial=self.from_serial)

    def describe(self) -> str:
        return f"+ sequence {table_label(self.sequence.key)}" + (" (taken over from its serial column)" if self.from_serial else "")


@dataclass(frozen=True)
class DropSequence(Change):
    sequence: Sequence
    # a serial column of the same sequence name takes it over (its AlterColumn): nothing is dropped
    to_serial: bool = False
    destructive = True

    def inverse(self) -> Change:
        return CreateSequence(self.sequence, from_serial=self.to_serial)

    def describe(self) -> str:
        return f"- sequence {table_label(self.sequence.key)}" + (" (now its serial column's own)" if self.to_serial else "")


@dataclass(frozen=True)
class RenameSequence(Change):
    """A standalone sequence named after its table (`<table>_id_seq`, advanced-alchemy's BigIntBase) renamed with
    it: dropping it and creating the new name would start the key over at 1, under the rows it numbered."""
    schema: str
    old: str
    new: str

    def inverse(self) -> Change:
        return RenameSequence(self.schema, self.new, self.old)

    def describe(self) -> str:
        return f"~ sequence {table_label((self.schema, self.old))} → {self.new} (rename)"


@dataclass(frozen=True)
class AlterSequence(Change):
    old: Sequence
    new: Sequence

    def inverse(self) -> Change:
        return AlterSequence(self.new, self.old)

    def describe(self) -> str:
        return f"~ sequence {table_label(self.new.key)} options"


@dataclass(frozen=True)
class CreateTable(Change):
    table: Table
    # an inheriting table's generated columns whose parent's column of that name is generated by the same
    # expression: CREATE TABLE … INHERITS leaves their expression out, the column takes its parent's
    # (lineage.generated_by_parents)
    generated_by_parents: tuple[str, ...] = ()

    def inverse(self) -> Change:
        return DropTable(self.table)

    def describe(self) -> str:
        t = self.table
        if t.partition_of is not None:  # its columns are its parent's
            return f"+ table {table_label(t.key)} (partition of {table_label(t.partition_of)})"
        return f"+ table {table_label(t.key)} ({len(t.columns)} columns)"


@dataclass(frozen=True)
class DropTable(Change):
    table: Table
    destructive = True

    def inverse(self) -> Change:
        return CreateTable(self.table)

    def describe(self) -> str:
        return f"- table {table_label(self.table.key)}"


@dataclass(frozen=True)
class RenameTable(Change):
    old: TableKey
    new: TableKey
    # names PostgreSQL derived from the old table name, renamed along: `<table>_pkey`, `<table>_<col>_seq`
    implicit_pk: bool = False
    serial_columns: tuple[str, ...] = ()

    def inverse(self) -> Change:
        return RenameTable(self.new, self.old, self.implicit_pk, self.serial_columns)

    def describe(self) -> str:
        return f"~ table {table_label(self.old)} → {table_label(self.new)} (rename)"


@dataclass(frozen=True)
class AddColumn(Change):
    table: TableKey
    column: Column

    def inverse(self) -> Change:
        return DropColumn(self.table, self.column)

    def describe(self) -> str:
        nn = " not null" if self.column.not_null else ""
        return f"+ column {table_label(self.table)}.{self.column.name} {self.column.type}{nn}"


@dataclass(frozen=True)
class DropColumn(Change):
    table: TableKey
    column: Column
    destructive = True

    def inverse(self) -> Change:
        return AddColumn(self.table, self.column)

    def describe(self) -> str:
        return f"- column {table_label(self.table)}.{self.column.name}"


@dataclass(frozen=True)
class RenameColumn(Change):
    table: TableKey
    old: str
    new: str
    serial: bool = False  # its `<table>_<col>_seq` sequence is renamed along

    def inverse(self) -> Change:
        return RenameColumn(self.table, self.new, self.old, self.serial)

    def describe(self) -> str:
        return f"~ column {table_label(self.table)}.{self.old} → {self.new} (rename)"


@dataclass(frozen=True)
class AlterColumn(Change):
    table: TableKey
    old: Column
    new: Column
    # becoming or ceasing to be serial, the column keeps the sequence `<table>_<column>_seq`: a Sequence of that
    # name is taken over from it, or given to it (CreateSequence.from_serial, DropSequence.to_serial)
    keep_sequence: bool = False

    def inverse(self) -> Change:
        return AlterColumn(self.table, self.new, self.old, self.keep_sequence)

    def loses_data(self, keeps_values: Callable[[str, str], bool]) -> bool:
        if self._regenerated:
            return True
        return self.old.type != self.new.type and not keeps_values(self.old.type, self.new.type)

    @property
    def destructive(self) -> bool:  # type: ignore[override]
        return self.old.type != self.new.type or self._regenerated

    @property
    def _regenerated(self) -> bool:
        """A new generation expression rebuilds the column's values (one that stops being generated keeps them:
        DROP EXPRESSION)."""
        return self.old.generated != self.new.generated and self.new.generated is not None

    def describe(self) -> str:
        o, n = self.old, self.new
        parts = []
        if o.type != n.type:
            parts.append(f"type {o.type} → {n.type}")
        elif o.type_schema != n.type_schema:  # the same enum (or type) name in another schema
            parts.append(f"type {o.type_schema or 'public'}.{o.type} → {n.type_schema or 'public'}.{n.type}")
        if o.collation != n.collation:
            parts.append(f"collation {o.collation or 'default'} → {n.collation or 'default'}")
        if o.not_null != n.not_null:
            parts.append("set not null" if n.not_null else "drop not null")
        if o.default != n.default and not (o.is_serial and n.is_serial):  # a serial's is its sequence's nextval
            parts.append(f"default {n.default}" if n.default is not None else "drop default")
        if o.identity and n.identity and o.identity.sequence_name != n.identity.sequence_name \
                and replace(o.identity, sequence_name=None) == replace(n.identity, sequence_name=None):
            parts.append(f"identity sequence renamed to {n.identity.sequence_name}")
        elif o.identity != n.identity:
            parts.append("identity " + (n.identity.kind if n.identity else "dropped"))
        if o.generated != n.generated:
            parts.append("generated expression" if n.generated else "no longer generated")
        elif n.generated and o.generated_virtual != n.generated_virtual:
            parts.append("generated " + ("virtual" if n.generated_virtual else "stored"))
        if o.comment != n.comment:
            parts.append("comment")
        return f"~ column {table_label(self.table)}.{n.name}: {', '.join(parts) or 'changed'}"


@dataclass(frozen=True)
class SetPrimaryKey(Change):
    table: TableKey
    old: PrimaryKey | None
    new: PrimaryKey | None

    def inverse(self) -> Change:
        return SetPrimaryKey(self.table, self.new, self.old)

    def describe(self) -> str:
        if self.new is None:
            return f"- primary key on {table_label(self.table)}"
        sign = "+" if self.old is None else "~"  # a key only the new side has is added, not changed
        return f"{sign} primary key on {table_label(self.table)} ({', '.join(self.new.columns)})"


@dataclass(frozen=True)
class RenameConstraint(Change):
    """A constraint or index whose definition is unchanged but whose name is new."""

    table: TableKey
    old: str
    new: str
    index: bool = False
    primary_key: bool = False  # the table's primary key (described as one)
    # `old` is the name the server has (`baseline`'s); the code's name for it, which a database the folder's own
    # SQL built has instead (the DDL renames that one first)
    code_old: str | None = None

    def inverse(self) -> Change:
        return RenameConstraint(self.table, self.new, self.old, self.index, self.primary_key)

    def describe(self) -> str:
        if self.primary_key:
            return f"~ primary key on {table_label(self.table)}: name {self.old} → {self.new} (rename)"
        return f"~ {'index' if self.index else 'constraint'} {self.old} → {self.new} on {table_label(self.table)} (rename)"


@dataclass(frozen=True)
class AddForeignKey(Change):
    table: TableKey
    fk: ForeignKey

    def inverse(self) -> Change:
        return DropForeignKey(self.table, self.fk)

    def describe(self) -> str:
        return (f"+ foreign key {self.fk.name} on {table_label(self.table)}({', '.join(self.fk.columns)}) → "
                f"{table_label((self.fk.ref_schema, self.fk.ref_table))}")


@dataclass(frozen=True)
class DropForeignKey(Change):
    table: TableKey
    fk: ForeignKey

    def inverse(self) -> Change:
        return AddForeignKey(self.table, self.fk)

    def describe(self) -> str:
        return f"- foreign key {self.fk.real_name} on {table_label(self.table)}"


@dataclass(frozen=True)
class AddUnique(Change):
    table: TableKey
    unique: UniqueConstraint

    def inverse(self) -> Change:
        return DropUnique(self.table, self.unique)

    def describe(self) -> str:
        return f"+ unique {self.unique.name} on {table_label(self.table)}({', '.join(self.unique.columns)})"


@dataclass(frozen=True)
class DropUnique(Change):
    table: TableKey
    unique: UniqueConstraint
    # on exactly the table's primary key columns: where both were declared in one CREATE TABLE, PostgreSQL kept
    # only the key, and there is no such constraint to drop (drizzle-kit 1.x's `PRIMARY KEY UNIQUE`)
    repeats_key: bool = False

    def inverse(self) -> Change:
        return AddUnique(self.table, self.unique)

    def describe(self) -> str:
        return f"- unique {self.unique.real_name} on {table_label(self.table)}"


@dataclass(frozen=True)
class AddCheck(Change):
    table: TableKey
    check: CheckConstraint

    def inverse(self) -> Change:
        return DropCheck(self.table, self.check)

    def describe(self) -> str:
        return f"+ check {self.check.name} on {table_label(self.table)}"


@dataclass(frozen=True)
class DropCheck(Change):
    table: TableKey
    check: CheckConstraint

    def inverse(self) -> Change:
        return AddCheck(self.table, self.check)

    def describe(self) -> str:
        return f"- check {self.check.real_name} on {table_label(self.table)}"


@dataclass(frozen=True)
class CreateIndex(Change):
    table: TableKey
    index: Index

    def inverse(self) -> Change:
        return DropIndex(self.table, self.index)

    def describe(self) -> str:
        kind = "unique index" if self.index.unique else "index"
        return f"+ {kind} {self.index.name} on {table_label(self.table)}"


@dataclass(frozen=True)
class DropIndex(Change):
    table: TableKey
    index: Index

    def inverse(self) -> Change:
        return CreateIndex(self.table, self.index)

    def describe(self) -> str:
        return f"- index {self.index.real_name} on {table_label(self.table)}"


@dataclass(frozen=True)
class SetTableComment(Change):
    table: TableKey
    old: str | None
    new: str | None

    def inverse(self) -> Change:
        return SetTableComment(self.table, self.new, self.old)

    def describe(self) -> str:
        return f"~ comment on table {table_label(self.table)}"


@dataclass(frozen=True)
class SetComment(Change):
    """COMMENT ON INDEX / CONSTRAINT / TYPE (an enum) … IS text (None: IS NULL). `table`: the index's or
    constraint's table (None for a type); `name`: the object's name (a type's in `schema`, the table's)."""

    kind: str  # "index" | "constraint" | "type"
    schema: str
    name: str
    table: TableKey | None
    old: str | None
    new: str | None

    def inverse(self) -> Change:
        return SetComment(self.kind, self.schema, self.name, self.table, self.new, self.old)

    def describe(self) -> str:
        where = f" on {table_label(self.table)}" if self.table is not None else ""
        label = "enum" if self.kind == "type" else self.kind
        name = self.name if self.table is not None else table_label((self.schema, self.name))
        return f"~ comment on {label} {name}{where}"


@dataclass
class ChangeSet:
    """The ordered output of diff, plus the renames it decided (for the snapshot's _meta)."""

    changes: list[Change] = field(default_factory=list)
    renamed_tables: dict[str, str] = field(default_factory=dict)
    renamed_columns: dict[str, str] = field(default_factory=dict)
    renamed_schemas: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.changes)

    def __len__(self) -> int:
        return len(self.changes)
