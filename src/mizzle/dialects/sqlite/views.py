"""SQLite's views: declared with mizzle.pg.View (plain views only: SQLite has no materialized views, options or
schemas), in drizzle-kit's SQLite snapshot `views` field (name, columns, definition, isExisting), made with
`CREATE VIEW`, read back from `sqlite_master` (which keeps the statement as written). SQLite cannot replace or
rename a view: it is dropped and made again."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from ...errors import SchemaLoadError
from ...pg.objects import ObjectDeclaration
from ...schema import object_changes as oc
from ...schema.objects import DEFAULT_SCHEMA, Objects, View, clean_sql, make_objects


def declared_views(items: Any) -> Objects:
    """The views the schema modules declare; anything else mizzle.pg declares is refused, one line."""
    out = []
    for item in items:
        for o in getattr(item, "objects", ()):
            if not isinstance(o, ObjectDeclaration):  # an extension, a policy, …: PostgreSQL's
                raise SchemaLoadError(f"{type(o).__name__} ({item.origin}): SQLite has none; it is PostgreSQL's")
            fact = o.to_model()
            if not isinstance(fact, View) or fact.materialized or fact.options or fact.schema != DEFAULT_SCHEMA:
                raise SchemaLoadError(
                    f"{fact.label} ({item.origin}): SQLite has plain views only (no materialized views, view "
                    "options or schemas); functions, triggers, domains and composite types are PostgreSQL's")
            out.append(fact)
    return make_objects(out)


def views_from_snapshot(data: dict[str, Any]) -> tuple[Objects, dict[str, Any]]:
    """The views of a drizzle-kit SQLite snapshot, and those marked `isExisting` (not managed: carried)."""
    carried: dict[str, Any] = {}
    views = []
    for key, v in (data.get("views") or {}).items():
        if v.get("isExisting") or v.get("definition") is None:
            carried[key] = v
        else:
            views.append(View(name=v["name"], definition=v["definition"]))
    return make_objects(views), carried


def views_to_snapshot(objects: Objects) -> dict[str, Any]:
    return {v.name: {"columns": {}, "name": v.name, "isExisting": False, "definition": v.definition}
            for v in objects.views}


def _bq(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def view_sql(c: Any) -> list[str] | None:
    """The statements of an object change on SQLite (None: not one)."""
    if isinstance(c, oc.CreateObject):
        return [f"CREATE VIEW {_bq(c.obj.name)} AS {c.obj.definition};"]
    if isinstance(c, oc.DropObject):
        return [f"DROP VIEW {_bq(c.obj.name)};"]
    if isinstance(c, (oc.ReplaceObject, oc.RenameObject)):
        return [f"DROP VIEW {_bq(c.old.name)};", f"CREATE VIEW {_bq(c.new.name)} AS {c.new.definition};"]
    return None


_CREATE_VIEW = re.compile(r"^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                          r"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|\[[^\]]+\]|[\w$]+)\s*(?:\([^)]*\)\s*)?AS\s+(?P<q>.*)$",
                          re.I | re.S)


def introspect_views(conn: sqlite3.Connection) -> Objects:
    views = []
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY name"):
        m = _CREATE_VIEW.match(sql or "")
        views.append(View(name=name, definition=clean_sql(m.group("q") if m else sql or "")))
    return make_objects(views)
