"""`generate --idempotent` for objects beyond tables: each statement of a view, function, trigger, domain or
composite-type change rewritten so that it runs again: OR REPLACE / IF [NOT] EXISTS where PostgreSQL has them,
otherwise (a domain, a type, a constraint trigger: no OR REPLACE) a DO block that lets the "already there" or "already gone" error pass."""

from __future__ import annotations

import re
from collections.abc import Callable

from ...schema import object_changes as oc

_PREFIXES: tuple[tuple[str, str], ...] = (
    (r"^CREATE (VIEW|FUNCTION|PROCEDURE|TRIGGER) ", r"CREATE OR REPLACE \1 "),
    (r"^CREATE MATERIALIZED VIEW ", "CREATE MATERIALIZED VIEW IF NOT EXISTS "),
    (r"^CREATE (UNIQUE )?INDEX ", r"CREATE \1INDEX IF NOT EXISTS "),
    (r"^DROP (VIEW|MATERIALIZED VIEW|FUNCTION|PROCEDURE|TRIGGER|DOMAIN|TYPE|INDEX) ", r"DROP \1 IF EXISTS "),
    (r"^ALTER (VIEW|MATERIALIZED VIEW) ", r"ALTER \1 IF EXISTS "),
    (r"^(ALTER DOMAIN .* DROP CONSTRAINT )", r"\1IF EXISTS "),
)
# what a rerun meets when the statement already ran: the object, constraint or attribute exists or is gone
_PASS = "duplicate_object OR duplicate_column OR undefined_column OR undefined_object"
# a rename that already ran: the old function or trigger is gone (the new name is there)
_PASS_RENAME = "undefined_function OR undefined_object"


def _dollar(sql: str) -> str:
    tag = "$$"
    n = 0
    while tag in sql:
        tag = f"$mizzle{n or ''}$"
        n += 1
    return tag


def rerunnable(sql: str) -> str:
    for pattern, repl in _PREFIXES:
        out, n = re.subn(pattern, repl, sql, count=1, flags=re.S)
        if n:
            return out
    if re.match(r"^(CREATE DOMAIN|CREATE TYPE|ALTER DOMAIN|ALTER TYPE|CREATE CONSTRAINT TRIGGER) ", sql):
        tag = _dollar(sql)
        return f"DO {tag}\nBEGIN\n\t{sql};\nEXCEPTION WHEN {_PASS} THEN NULL;\nEND {tag}"
    if re.match(r"^ALTER (FUNCTION|PROCEDURE|TRIGGER) .* RENAME TO ", sql, re.S):
        tag = _dollar(sql)
        return f"DO {tag}\nBEGIN\n\t{sql};\nEXCEPTION WHEN {_PASS_RENAME} THEN NULL;\nEND {tag}"
    return sql


def _transform(c: object, sql: str) -> str | None:
    return rerunnable(sql)


REWRITE_OBJECTS: dict[type, tuple[Callable[[object, str], str | None], ...]] = {
    kind: (_transform,) for kind in (oc.CreateObject, oc.DropObject, oc.ReplaceObject, oc.RenameObject, oc.CommentObject,
                                     oc.AddViewIndex, oc.DropViewIndex, oc.AlterDomain, oc.AlterComposite)
}
