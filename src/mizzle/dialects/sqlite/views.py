"""SQLite's views and triggers: declared with mizzle.pg.View (plain views only: SQLite has no materialized views,
options or schemas) and mizzle.pg.Trigger with a `body` (SQLite's triggers run statements, not a function: one
event, FOR EACH ROW); views in drizzle-kit's SQLite snapshot `views` field (name, columns, definition,
isExisting), triggers in mizzle's sidecar (drizzle-kit has no field for them); made with `CREATE VIEW` /
`CREATE TRIGGER`, read back from `sqlite_master` (which keeps the statement as written). SQLite cannot replace
or rename either: it is dropped and made again."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from typing import Any

from ...errors import SchemaLoadError
from ...pg.objects import ObjectDeclaration
from ...schema import object_changes as oc
from ...schema.objects import DEFAULT_SCHEMA, Objects, Trigger, View, clean_sql, make_objects
from .lexer import ends_in_line_comment


def declared_views(items: Any) -> Objects:
    """The views and triggers the schema modules declare; anything else mizzle.pg declares is refused, one line."""
    out = []
    for item in items:
        for o in getattr(item, "objects", ()):
            if not isinstance(o, ObjectDeclaration):  # an extension, a policy, …: PostgreSQL's
                raise SchemaLoadError(f"{type(o).__name__} ({item.origin}): SQLite has none; it is PostgreSQL's")
            fact = o.to_model()
            if isinstance(fact, Trigger):
                problem = _trigger_problem(fact)
                if problem:
                    raise SchemaLoadError(f"{fact.label} ({item.origin}): {problem}")
                fact = replace(fact, events=(sqlite_event(fact.events[0]),))
            elif not isinstance(fact, View) or fact.materialized or fact.options or fact.schema != DEFAULT_SCHEMA:
                raise SchemaLoadError(
                    f"{fact.label} ({item.origin}): SQLite has plain views and triggers only (no materialized views, "
                    "view options or schemas); functions, procedures, domains and composite types are PostgreSQL's")
            out.append(fact)
    return make_objects(out)


def refuse_orphan_triggers(tables: Any, objects: Objects) -> None:
    """A trigger is on a table or view the schema code declares: pull writes a trigger's table as a name
    (`Trigger("fku_itemNotes_…", "itemNotes", …)`), so a table renamed in the module (Zotero's itemNotes) left its
    triggers on the old name, and generate wrote a snapshot no SQL could build (verify: "the SQL and its snapshot
    disagree"; drift after migrate). SQLite compares names without case."""
    names = {t.name.lower() for t in tables} | {v.name.lower() for v in objects.views}
    for t in objects.triggers:
        if t.table.lower() not in names:
            raise SchemaLoadError(f"{t.label}: table {t.table!r} is not declared in the schema code (a table renamed? "
                                  "name its new name, or pass the sa.Table itself: Trigger(name, table, …))")


def sqlite_event(event: str) -> str:
    """`INSERT`, `DELETE`, `UPDATE` or `UPDATE OF a, b`, however spelled."""
    word, _, rest = " ".join(event.split()).partition(" ")
    if not rest:
        return word.upper()
    columns = rest.split(" ", 1)[1] if rest.split(" ", 1)[0].upper() == "OF" else rest
    return f"{word.upper()} OF {', '.join(c.strip() for c in columns.split(','))}"


def _trigger_problem(t: Trigger) -> str | None:
    """Why SQLite cannot have trigger `t`, or None."""
    if t.body is None:
        return "a SQLite trigger runs a body (Trigger(name, table, body=\"…\")), not a function"
    if len(t.events) != 1 or t.events[0].split(" ")[0] == "TRUNCATE":
        return "a SQLite trigger has one event: insert, delete or update (of columns)"
    if t.for_each != "ROW" or t.args or t.schema != DEFAULT_SCHEMA or t.old_table or t.new_table:
        return "a SQLite trigger is FOR EACH ROW, without arguments, a schema or transition tables"
    if t.timing not in ("BEFORE", "AFTER", "INSTEAD OF"):
        return f"timing must be before, after or instead of, not {t.timing.lower()!r}"
    return None


def triggers_from_sidecar(side: dict[str, Any]) -> list[Trigger]:
    return [Trigger(name=x["name"], table=x["table"], function="", timing=x["timing"], events=(x["event"],),
                    when=x.get("when"), body=x["body"]) for x in side.get("triggers") or ()]


def triggers_to_sidecar(objects: Objects) -> dict[str, Any]:
    if not objects.triggers:
        return {}
    return {"triggers": [{"name": t.name, "table": t.table, "timing": t.timing, "event": t.events[0],
                          **({"when": t.when} if t.when else {}), "body": t.body} for t in objects.triggers]}


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


def _then(sql: str) -> str:
    """What separates `sql` from the keyword after it: a line break after a `--` comment (Zotero's trigger bodies
    end `…;---` on their own line), which a space would turn into a comment swallowing the `END`."""
    return "\n" if ends_in_line_comment(sql) else " "


def trigger_sql(t: Trigger) -> str:
    when = f" WHEN {t.when}{_then(t.when)}" if t.when else " "
    body = t.body or ""
    return (f"CREATE TRIGGER {_bq(t.name)} {t.timing} {t.events[0]} ON {_bq(t.table)} FOR EACH ROW{when}"
            f"BEGIN {body}{_then(body)}END;")


def _create(o: Any) -> str:
    if isinstance(o, Trigger):
        return trigger_sql(o)
    return f"CREATE VIEW {_bq(o.name)} AS {o.definition}{_then(o.definition).strip(' ')};"


def _drop(o: Any) -> str:
    return f"DROP {'TRIGGER' if isinstance(o, Trigger) else 'VIEW'} {_bq(o.name)};"


def view_sql(c: Any) -> list[str] | None:
    """The statements of an object change (a view's or a trigger's) on SQLite (None: not one)."""
    if isinstance(c, oc.CreateObject):
        return [_create(c.obj)]
    if isinstance(c, oc.DropObject):
        return [_drop(c.obj)]
    if isinstance(c, (oc.ReplaceObject, oc.RenameObject)):
        return [_drop(c.old), _create(c.new)]
    return None


_CREATE_VIEW = re.compile(r"^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                          r"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|\[[^\]]+\]|[\w$]+)\s*(?:\([^)]*\)\s*)?AS\s+(?P<q>.*)$",
                          re.I | re.S)


def introspect_views(conn: sqlite3.Connection) -> Objects:
    views: list[Any] = introspect_triggers(conn)[0]
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY name"):
        m = _CREATE_VIEW.match(sql or "")
        views.append(View(name=name, definition=clean_sql(m.group("q") if m else sql or "")))
    return make_objects(views)


_NAME = r"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|\[[^\]]+\]|[\w$]+)"
_CREATE_TRIGGER = re.compile(
    rf"^\s*CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}\s+(?P<timing>BEFORE|AFTER|INSTEAD\s+OF)?\s*"
    rf"(?P<event>DELETE|INSERT|UPDATE(?:\s+OF\s+.+?)?)\s+ON\s+{_NAME}\s+(?:FOR\s+EACH\s+ROW\s+)?"
    r"(?:WHEN\s+(?P<when>.+?)\s+)?BEGIN\s+(?P<body>.*?)\s*END\s*;?\s*$", re.I | re.S)


def introspect_triggers(conn: sqlite3.Connection) -> tuple[list[Trigger], list[str]]:
    """The triggers of `sqlite_master` (a TEMP trigger is the connection's, not the file's), and the names of
    those whose statement cannot be read (left as they are)."""
    out, unread = [], []
    for name, table, sql in conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' "
                                         "ORDER BY name"):
        m = _CREATE_TRIGGER.match(sql or "")
        if m is None:
            unread.append(name)
            continue
        timing = " ".join((m.group("timing") or "BEFORE").upper().split())
        out.append(Trigger(name=name, table=table, function="", timing=timing, events=(sqlite_event(m.group("event")),),
                           when=m.group("when"), body=m.group("body").strip()))
    return out, unread
