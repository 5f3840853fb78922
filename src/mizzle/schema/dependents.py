"""Views the previous snapshot knows (drizzle-kit's `views` section, carried forward, not managed by mizzle)
that read a column or table a migration drops or retypes: PostgreSQL refuses such a statement, so `generate`
says so when it writes the migration, instead of leaving it to fail at migrate time."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .changes import AlterColumn, Change, DropColumn, DropTable
from .model import Schema
from .naming import mentions


def views_in_the_way(old: Schema, changes: Iterable[Change]) -> list[str]:
    """One warning per (view, change) where the view's definition reads what the change drops or retypes."""
    raw = dict(old.extras).get("views")
    try:
        views = [v for v in (json.loads(raw) if raw else {}).values() if isinstance(v, dict) and v.get("definition")]
    except (ValueError, AttributeError):
        return []
    out = []
    for c in changes:
        if isinstance(c, DropColumn):
            table, column, what = c.table, c.column.name, "drops"
        elif isinstance(c, AlterColumn) and (c.old.type, c.old.type_schema) != (c.new.type, c.new.type_schema):
            table, column, what = c.table, c.new.name, "changes the type of"
        elif isinstance(c, DropTable):
            table, column, what = c.table.key, None, "drops"
        else:
            continue
        for v in views:
            text = str(v["definition"])
            if mentions(text, table[1]) and (column is None or mentions(text, column)):
                view = f"{v.get('schema') or 'public'}.{v.get('name')}"
                target = f"{table[1]}.{column}" if column else f"table {table[1]}"
                out.append(f"view {view} (in the snapshot, not managed by mizzle) reads {target}, which this "
                           f"migration {what}: PostgreSQL will refuse it; drop the view before that statement and "
                           "create it again after, in the migration's SQL")
    return out
