"""A stored generated column over a column whose type changes.

PostgreSQL refuses `ALTER COLUMN a TYPE …` while a generated column uses `a` ("cannot alter type of a column
used by a generated column"). The generated column is dropped before the type change and added back after it:
its values are computed again from the converted ones, so nothing is lost. Dropping it drops the indexes and
checks on it too; those the change would otherwise keep are dropped and made again around it.
"""

from __future__ import annotations

import re
from typing import Any

from .changes import AddCheck, AddColumn, AlterColumn, CreateIndex, DropCheck, DropColumn, DropIndex
from .model import Index, Table


def _mentions(expression: str, column: str) -> bool:
    return re.search(r'(?<![\w$"])"?' + re.escape(column).replace('"', '""') + r'"?(?![\w$"])', expression) is not None


def _index_mentions(ix: Index, column: str) -> bool:
    return any(_mentions(c.expression, column) if c.is_expression else c.expression == column for c in ix.columns) \
        or column in ix.include or (ix.where is not None and _mentions(ix.where, column))


def regenerate_over_retyped(prev: Table, t: Table, ph: Any) -> None:
    """Drop and add again (in the diff's phases `ph`) each generated column of `t` that uses a column whose type
    changes from `prev` to `t`, with the unchanged indexes and checks that mention it."""
    retyped = {c.name for c in t.columns if (pc := prev.column(c.name)) is not None
               and (pc.type, pc.type_schema) != (c.type, c.type_schema)}
    key = t.key
    for g in t.columns:
        pg = prev.column(g.name)
        if g.generated is None or pg is None or pg.generated is None or \
                not any(_mentions(pg.generated, n) for n in retyped - {g.name}):
            continue
        ph.columns[:] = [c for c in ph.columns if not (isinstance(c, AlterColumn) and c.table == key
                                                        and c.new.name == g.name)]
        ph.drop_columns.append(DropColumn(key, pg))
        ph.columns.append(AddColumn(key, g))
        dropped_ix = {c.index.name for c in ph.drops_idx if isinstance(c, DropIndex) and c.table == key}
        for ix in t.indexes:
            old = next((x for x in prev.indexes if x.name == ix.name), None)
            if old is not None and ix.name not in dropped_ix and _index_mentions(old, g.name):
                ph.drops_idx.append(DropIndex(key, old))
                ph.idx.append(CreateIndex(key, ix))
        dropped_ck = {c.check.name for c in ph.drops_con if isinstance(c, DropCheck) and c.table == key}
        for ck in t.checks:
            old_ck = next((x for x in prev.checks if x.name == ck.name), None)
            if old_ck is not None and ck.name not in dropped_ck and _mentions(old_ck.expression, g.name):
                ph.drops_con.append(DropCheck(key, old_ck))
                ph.cons.append(AddCheck(key, ck))
