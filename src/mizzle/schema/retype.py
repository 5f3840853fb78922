"""A stored generated column over a column whose type changes.

PostgreSQL refuses `ALTER COLUMN a TYPE …` while a generated column uses `a` ("cannot alter type of a column
used by a generated column"). The generated column is dropped before the type change and added back after it:
its values are computed again from the converted ones, so nothing is lost. Dropping it drops the indexes,
checks, unique constraints and foreign keys on it too; those the change would otherwise keep are dropped and made
again around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .changes import (
    AddCheck,
    AddColumn,
    AddForeignKey,
    AddUnique,
    AlterColumn,
    CreateIndex,
    DropCheck,
    DropColumn,
    DropForeignKey,
    DropIndex,
    DropUnique,
)
from .model import Column, Index, Table
from .naming import mentions_in_expression as uses

_DIMENSIONS = re.compile(r"(\[\d*\])+$")


def same_type(a: Column, b: Column) -> bool:
    """The same column type as the database sees it: an array's declared dimensions are no part of it
    (PostgreSQL neither keeps nor enforces them: `integer[]`, `integer[][]` and `integer[3]` are one type, which
    format_type writes `integer[]`), while the models keep them as written (drizzle-kit's snapshots do)."""
    return (a.type_schema or None) == (b.type_schema or None) and \
        (a.type == b.type or _DIMENSIONS.sub("[]", a.type) == _DIMENSIONS.sub("[]", b.type))


def _index_mentions(ix: Index, column: str) -> bool:
    return any(uses(c.expression, column) if c.is_expression else c.expression == column for c in ix.columns) \
        or column in ix.include or (ix.where is not None and uses(ix.where, column))


def regenerate_over_retyped(prev: Table, t: Table, ph: Any, converted: Iterable[str] = ()) -> set[str]:
    """In the diff's phases `ph`: each generated column of `prev` that uses a column whose type changes or that is
    dropped goes first -- dropped (before that column), or its expression dropped (kept values), or dropped and
    added again after the change (its values computed again), with the unchanged indexes and checks on it.
    `converted`: columns whose type is converted in place although it keeps its name (an enum rebuilt under
    them goes through text). Returns the generated columns moved (a second call leaves those alone)."""
    retyped = {c.name for c in t.columns if (pc := prev.column(c.name)) is not None
               and not same_type(pc, c)} | set(converted)
    dropped = {c.name for c in prev.columns if t.column(c.name) is None}
    key = t.key
    moved: set[str] = set()
    for pg in prev.columns:
        g = t.column(pg.name)
        if pg.generated is None or not any(uses(pg.generated, n) for n in (retyped | dropped) - {pg.name}):
            continue
        if any(isinstance(c, (AlterColumn, DropColumn)) and c.table == key
               and (c.new if isinstance(c, AlterColumn) else c.column).name == pg.name for c in ph.drop_columns):
            moved.add(pg.name)  # an earlier call moved it already
            continue
        moved.add(pg.name)
        alter = next((c for c in ph.columns if isinstance(c, AlterColumn) and c.table == key
                      and c.new.name == pg.name), None)
        ph.columns[:] = [c for c in ph.columns if not (isinstance(c, (AlterColumn, DropColumn)) and c.table == key
                                                       and (c.new if isinstance(c, AlterColumn) else c.column).name
                                                       == pg.name)]
        if g is None:  # dropped too: before the columns it uses
            ph.drop_columns.insert(0, DropColumn(key, pg))
            continue
        if g.generated is None and alter is not None:  # DROP EXPRESSION first: the column keeps its values
            ph.drop_columns.insert(0, alter)
            continue
        ph.drop_columns.insert(0, DropColumn(key, pg))
        ph.columns.append(AddColumn(key, g))
        _rebuild_dependents(prev, t, ph, pg.name)
    return moved


def rebuild_over_new_expressions(prev: Table, t: Table, ph: Any) -> None:
    """In the diff's phases `ph`: each column of `t` given a new generation expression, which PostgreSQL 15 cannot
    change in place (the column is dropped and added again), with its unchanged indexes, checks, unique constraints
    and foreign keys, which DROP COLUMN takes along (arize-phoenix's partial index on `is_compaction_message`)."""
    for c in [c for c in ph.columns if isinstance(c, AlterColumn) and c.table == t.key]:
        if c.old.generated != c.new.generated and c.new.generated is not None:
            _rebuild_dependents(prev, t, ph, c.new.name)


def _rebuild_dependents(prev: Table, t: Table, ph: Any, column: str) -> None:
    """The unchanged indexes, checks, unique constraints and foreign keys on `column` (which is dropped and added
    again, and they along with it), dropped and made again."""
    key = t.key
    dropped_ix = {c.index.name for c in ph.drops_idx if isinstance(c, DropIndex) and c.table == key}
    for ix in t.indexes:
        old = next((x for x in prev.indexes if x.name == ix.name), None)
        if old is not None and ix.name not in dropped_ix and _index_mentions(old, column):
            ph.drops_idx.append(DropIndex(key, old))
            ph.idx.append(CreateIndex(key, ix))
    dropped_ck = {c.check.name for c in ph.drops_con if isinstance(c, DropCheck) and c.table == key}
    for ck in t.checks:
        old_ck = next((x for x in prev.checks if x.name == ck.name), None)
        if old_ck is not None and ck.name not in dropped_ck and uses(old_ck.expression, column):
            ph.drops_con.append(DropCheck(key, old_ck))
            ph.cons.append(AddCheck(key, ck))
    _rebuild_keys(prev, t, ph, column)


def _rebuild_keys(prev: Table, t: Table, ph: Any, column: str) -> None:
    """The unchanged unique constraints and foreign keys of `t` over `column`, dropped and made again (arize-phoenix's
    unique generated `message_id`: DROP COLUMN took its unique constraint along, and nothing made it again)."""
    key = t.key
    dropped_uq = {c.unique.name for c in ph.drops_con if isinstance(c, DropUnique) and c.table == key}
    for uq in t.uniques:
        old_uq = next((x for x in prev.uniques if x.name == uq.name), None)
        if old_uq is not None and uq.name not in dropped_uq and column in old_uq.columns:
            ph.drops_con.append(DropUnique(key, old_uq))
            ph.cons.append(AddUnique(key, uq))
    dropped_fk = {c.fk.name for c in ph.drops_fk if isinstance(c, DropForeignKey) and c.table == key}
    for fk in t.foreign_keys:
        old_fk = next((x for x in prev.foreign_keys if x.name == fk.name), None)
        if old_fk is not None and fk.name not in dropped_fk and column in old_fk.columns:
            ph.drops_fk.append(DropForeignKey(key, old_fk))
            ph.fks.append(AddForeignKey(key, fk))
