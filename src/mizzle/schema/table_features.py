"""Table features beyond columns, keys and indexes (issue 17): the changes they bring and the diff step that finds
them. UNLOGGED tables (`SET LOGGED` / `SET UNLOGGED`), NOT VALID checks and foreign keys (validated later with
`VALIDATE CONSTRAINT` when the schema code no longer says NOT VALID).

A constraint whose only difference is that the old one was NOT VALID and the new one is not is the same constraint,
validated: `same_check` / `same_foreign_key` say so to the name matching of `diff`, and `feature_changes` adds the
`ValidateConstraint`. Any other change of these flags (NOT VALID added, NO INHERIT either way) drops the constraint
and adds it again: PostgreSQL cannot alter them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .changes import Change, ChangeSet, TableKey, table_label

if TYPE_CHECKING:
    from ..dialects.base import SqlReader
from .model import CheckConstraint, ExclusionConstraint, ForeignKey, Schema, Sequence, Table


@dataclass(frozen=True)
class SetTableLogged(Change):
    """`references`: the other tables the table's foreign keys reference. PostgreSQL keeps a logged table from
    referencing an unlogged one at every step, so tables changed together are ordered by them (schema/order.py):
    referencing tables become unlogged before the tables they reference, and logged after them (coder's migration
    making its tailnet tables unlogged, which mizzle wrote in name order: `tailnet_coordinators` first, refused)."""

    table: TableKey
    unlogged: bool
    references: tuple[TableKey, ...] = ()

    def inverse(self) -> Change:
        return SetTableLogged(self.table, not self.unlogged, self.references)

    def describe(self) -> str:
        return f"~ table {table_label(self.table)}: {'unlogged' if self.unlogged else 'logged'}"


@dataclass(frozen=True)
class SetTableOptions(Change):
    """SQLite's STRICT and WITHOUT ROWID (`Table.strict`, `Table.without_rowid`) changed: SQLite cannot ALTER them,
    so its dialect rebuilds the table (dialects/sqlite/rebuild.py)."""

    table: TableKey
    old: tuple[bool, bool]  # (strict, without_rowid) before
    new: tuple[bool, bool]

    def inverse(self) -> Change:
        return SetTableOptions(self.table, self.new, self.old)

    def describe(self) -> str:
        return f"~ table {table_label(self.table)}: {table_options_text(self.old)} → {table_options_text(self.new)}"


def table_options_text(options: tuple[bool, bool]) -> str:
    """(strict, without_rowid) as SQLite writes them after a CREATE TABLE's body; `no table options` for none."""
    words = [w for w, on in (("STRICT", options[0]), ("WITHOUT ROWID", options[1])) if on]
    return ", ".join(words) or "no table options"


@dataclass(frozen=True)
class ValidateConstraint(Change):
    table: TableKey
    name: str
    kind: str  # "check" | "foreign key"

    def describe(self) -> str:
        return f"~ {self.kind} {self.name} on {table_label(self.table)}: validated"


@dataclass(frozen=True)
class AddExclusion(Change):
    table: TableKey
    constraint: ExclusionConstraint

    def inverse(self) -> Change:
        return DropExclusion(self.table, self.constraint)

    def describe(self) -> str:
        return f"+ exclusion constraint {self.constraint.name} on {table_label(self.table)}"


@dataclass(frozen=True)
class DropExclusion(Change):
    table: TableKey
    constraint: ExclusionConstraint

    def inverse(self) -> Change:
        return AddExclusion(self.table, self.constraint)

    def describe(self) -> str:
        return f"- exclusion constraint {self.constraint.name} on {table_label(self.table)}"


def exclusion_equal(a: ExclusionConstraint, b: ExclusionConstraint, r: SqlReader) -> bool:
    """Two exclusion constraints the server stores alike (expressions and predicate compared parsed)."""
    if a == b:
        return True

    def key(x: ExclusionConstraint) -> tuple:  # type: ignore[type-arg]
        return (x.method.lower(), r.expression_key(x.where), x.deferrable, x.include, tuple(sorted(x.with_)),
                tuple((r.expression_key(e.expression) if e.is_expression else e.expression, e.is_expression,
                       e.operator, e.opclass) for e in x.elements))
    return key(a) == key(b)


def rename_in_exclusions(excludes: tuple[ExclusionConstraint, ...], old: str,
                         new: str) -> tuple[ExclusionConstraint, ...]:
    """The exclusion constraints after column `old` is renamed `new` (PostgreSQL renames it in them too)."""
    return tuple(replace(x, elements=tuple(replace(e, expression=new) if not e.is_expression and e.expression == old
                                           else e for e in x.elements),
                         include=tuple(new if c == old else c for c in x.include)) for x in excludes)


def same_check(a: CheckConstraint, b: CheckConstraint) -> bool:
    """`b` is `a` as it is, or `a` validated (the expression compared by the caller)."""
    return a.no_inherit == b.no_inherit and (a.not_valid == b.not_valid or (a.not_valid and not b.not_valid))


def same_foreign_key(a: ForeignKey, b: ForeignKey) -> bool:
    return a == b or (a.not_valid and not b.not_valid and replace(a, not_valid=False) == b)


def feature_changes(prev: Table, t: Table, check_eq: Callable[[CheckConstraint, CheckConstraint], bool]) -> list[Change]:
    """What changed on an existing table beside its columns and constraints' definitions. `check_eq`: whether two
    checks' expressions are the same (a check whose expression changed is dropped and added, valid: no VALIDATE)."""
    out: list[Change] = []
    if prev.unlogged != t.unlogged:
        refs = {(f.ref_schema, f.ref_table) for f in (*prev.foreign_keys, *t.foreign_keys)} - {t.key}
        out.append(SetTableLogged(t.key, t.unlogged, tuple(sorted(refs))))
    if (prev.strict, prev.without_rowid) != (t.strict, t.without_rowid):
        out.append(SetTableOptions(t.key, (prev.strict, prev.without_rowid), (t.strict, t.without_rowid)))
    old_checks = {c.name: c for c in prev.checks}
    for c in t.checks:
        o = old_checks.get(c.name)
        if o is not None and o.not_valid and not c.not_valid and o.no_inherit == c.no_inherit and check_eq(o, c):
            out.append(ValidateConstraint(t.key, c.name, "check"))
    old_fks = {f.name: f for f in prev.foreign_keys}
    for f in t.foreign_keys:
        of = old_fks.get(f.name)
        if of is not None and of != f and same_foreign_key(of, f):
            out.append(ValidateConstraint(t.key, f.name, "foreign key"))
    return out


@dataclass(frozen=True)
class SetSequenceOwner(Change):
    """OWNED BY a column (after the column exists) or OWNED BY NONE (before the column or its table is dropped)."""

    sequence: Sequence
    owned_by: tuple[str, str, str] | None
    old_owner: tuple[str, str, str] | None = None

    def inverse(self) -> Change:
        return SetSequenceOwner(self.sequence, self.old_owner, self.owned_by)

    def describe(self) -> str:
        owner = ".".join(self.owned_by[1:] if self.owned_by[0] == "public" else self.owned_by) if self.owned_by else "none"
        return f"~ sequence {table_label(self.sequence.key)}: owned by {owner}"


def same_sequence_options(a: Sequence, b: Sequence) -> bool:
    """The sequence's own options (its owner aside: `sequence_owner_changes`)."""
    return replace(a, owned_by=None) == replace(b, owned_by=None)


def renamed_owner(owner: tuple[str, str, str], renames: ChangeSet | None) -> tuple[str, str, str]:
    """The column `owner` (schema, table, column) under the names the diff's renames gave it: PostgreSQL's OWNED BY
    points at the column itself, so it follows a schema, table or column rename without being set again. The
    rename maps are keyed by the names at the time of each rename (schemas first, then tables, then columns)."""
    if renames is None:
        return owner
    schema = renames.renamed_schemas.get(owner[0], owner[0])
    table = renames.renamed_tables.get(f"{schema}.{owner[1]}", f"{schema}.{owner[1]}")[len(schema) + 1:]
    prefix = f"{schema}.{table}."
    return schema, table, renames.renamed_columns.get(prefix + owner[2], prefix + owner[2])[len(prefix):]


def sequence_owner_changes(old: Schema, new: Schema,
                           renames: ChangeSet | None = None) -> tuple[list[Change], list[Change]]:
    """(owners released, owners set): OWNED BY NONE runs early, before a table or column that owned the sequence is
    dropped (it would take the sequence along); OWNED BY a column runs late, once the column exists. A sequence
    dropped whose owner is dropped too goes with it (DropSequence renders IF EXISTS for an owned sequence). An
    owner only renamed (`renames`: the diff's) is the same owner: nothing is emitted for it."""
    old_seqs = {s.key: s for s in old.sequences}
    early: list[Change] = []
    late: list[Change] = []
    for s in new.sequences:
        prev = old_seqs.get(s.key)
        before = prev.owned_by if prev is not None else None
        if before is not None and renamed_owner(before, renames) == s.owned_by:
            continue
        if before == s.owned_by:
            continue
        if before is not None:
            early.append(SetSequenceOwner(s, None, before))
        if s.owned_by is not None:
            late.append(SetSequenceOwner(s, s.owned_by, None))
    return early, late
