"""What a drizzle-kit folder's SQL created that its snapshots have no field for: functions and procedures,
triggers, domains and composite types, materialized views' indexes and exclusion constraints, written by hand into a migration (drizzle-kit 0.x keeps no record of them;
mizzle keeps one in `meta/_mizzle.json`, which such a folder does not have). Read from the SQL text, migration by
migration (a later DROP undoes an earlier CREATE), so that `generate` does not create them a second time."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .folder import Migration, MigrationFolder

_NAME = r'(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)'
_QUALIFIED = rf"{_NAME}(?:\s*\.\s*{_NAME})?"
_STATEMENTS = [  # (kind as the model's objects name it, CREATE, DROP)
    ("trigger", rf"(?is)\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?(?:TEMP(?:ORARY)?\s+)?TRIGGER\s+"
                rf"(?:IF\s+NOT\s+EXISTS\s+)?({_QUALIFIED})", rf"(?is)\bDROP\s+TRIGGER\s+(?:IF\s+EXISTS\s+)?({_QUALIFIED})"),
    ("function", rf"(?is)\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\s+({_QUALIFIED})",
                 rf"(?is)\bDROP\s+(?:FUNCTION|PROCEDURE|ROUTINE)\s+(?:IF\s+EXISTS\s+)?({_QUALIFIED})"),
    ("domain", rf"(?is)\bCREATE\s+DOMAIN\s+({_QUALIFIED})", rf"(?is)\bDROP\s+DOMAIN\s+(?:IF\s+EXISTS\s+)?({_QUALIFIED})"),
    ("composite type", rf"(?is)\bCREATE\s+TYPE\s+({_QUALIFIED})\s+AS\s*\(",
                       rf"(?is)\bDROP\s+TYPE\s+(?:IF\s+EXISTS\s+)?({_QUALIFIED})"),
    # parts of a table or view a snapshot has no field for either: an index (of a materialized view, portabase's),
    # an exclusion constraint (bissbilanz's)
    ("index", rf"(?is)\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?({_NAME})\s+ON\b",
              rf"(?is)\bDROP\s+INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?({_QUALIFIED})"),
    ("exclusion", rf"(?is)\bADD\s+CONSTRAINT\s+({_NAME})\s+EXCLUDE\b",
                  rf"(?is)\bDROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?({_NAME})"),
]
_ARGS = r"(?:\s*\((?:[^();]|\([^();]*\))*\))?"  # a routine's argument list, one level of nested parentheses
_RENAMES = [  # (kind, ALTER … RENAME TO: group 1 the old name, group 2 the new one)
    ("trigger", rf"(?is)\bALTER\s+TRIGGER\s+({_NAME})\s+ON\s+{_QUALIFIED}\s+RENAME\s+TO\s+({_NAME})"),
    ("function", rf"(?is)\bALTER\s+(?:FUNCTION|PROCEDURE|ROUTINE)\s+(?:IF\s+EXISTS\s+)?({_QUALIFIED}){_ARGS}\s*"
                 rf"RENAME\s+TO\s+({_NAME})"),
    ("domain", rf"(?is)\bALTER\s+DOMAIN\s+({_QUALIFIED})\s+RENAME\s+TO\s+({_NAME})"),
    ("composite type", rf"(?is)\bALTER\s+TYPE\s+({_QUALIFIED})\s+RENAME\s+TO\s+({_NAME})"),
    ("index", rf"(?is)\bALTER\s+INDEX\s+(?:IF\s+EXISTS\s+)?({_QUALIFIED})\s+RENAME\s+TO\s+({_NAME})"),
]


def made_by_sql(folder: MigrationFolder) -> set[tuple[str, str]]:
    """(kind, name) of each such object the folder's migrations leave created; the name without its schema, as
    the server folds it (unquoted: lower case). A later ALTER … RENAME TO of one of them moves it to its new name
    (2witstudios/PageSpace's 0254 renames a function and a trigger it made before)."""
    made: set[tuple[str, str]] = set()
    for m in folder.migrations(snapshots=False):
        if m.exists:
            _follow(m.text, made)
    return made


def made_by_migration(text: str) -> set[tuple[str, str]]:
    """made_by_sql's reading of one migration's SQL alone: what it leaves created (or made again)."""
    made: set[tuple[str, str]] = set()
    _follow(text, made)
    return made


def _follow(sql: str, made: set[tuple[str, str]]) -> None:
    """`made` after the CREATE, DROP and ALTER … RENAME TO statements of `sql`, in order."""
    text = _without_comments_and_literals(sql)
    events: list[tuple[int, str, str, str | None]] = []  # (where, kind, name, new name; "" create, None drop)
    for kind, create, drop in _STATEMENTS:
        events += [(x.start(), kind, _bare(x.group(1)), "") for x in re.finditer(create, text)]
        events += [(x.start(), kind, _bare(x.group(1)), None) for x in re.finditer(drop, text)]
    for kind, rename in _RENAMES:
        events += [(x.start(), kind, _bare(x.group(1)), _bare(x.group(2))) for x in re.finditer(rename, text)]
    for _, kind, name, to in sorted(events, key=lambda e: e[0]):
        if to == "":
            made.add((kind, name))
        elif to is None:
            made.discard((kind, name))
        elif (kind, name) in made:  # only what the SQL made: an enum's or a table's rename is not one
            made.discard((kind, name))
            made.add((kind, to))


def _bare(qualified: str) -> str:
    last = re.findall(_NAME, qualified)[-1]
    if last[0] in '"`[':
        return last[1:-1].replace('""', '"')
    return last.lower()


_DOLLAR_BODY = re.compile(r"(\bDO\s+(?:LANGUAGE\s+\w+\s+)?)?(\$[A-Za-z_]*\$)(.*?)\2", re.S | re.I)


def _without_comments_and_literals(sql: str) -> str:
    """`sql` with its comments removed and its string literals and dollar-quoted bodies blanked, so that a CREATE
    inside a function's body or a comment is not taken for a statement. A DO block's body runs with the migration:
    it is kept, its own literals blanked (pluggedin-app's `DO $$ BEGIN IF NOT EXISTS (…) THEN CREATE TRIGGER …`)."""
    sql = re.sub(r"--[^\n]*", " ", sql)
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    sql = _DOLLAR_BODY.sub(lambda m: f" {_without_comments_and_literals(m.group(3))} " if m.group(1) else " ", sql)
    return re.sub(r"'(?:[^']|'')*'", "''", sql)


_ADD_CONSTRAINT = re.compile(rf"(?is)\bADD\s+CONSTRAINT\s+({_NAME})")
_UNFLAG = re.compile(rf"(?is)\b(?:VALIDATE\s+CONSTRAINT|DROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?)\s*({_NAME})")


def not_valid_by_sql(folder: MigrationFolder) -> set[str]:
    """The names (as `made_by_sql` gives them) of the constraints the folder's SQL added NOT VALID and neither
    validated (VALIDATE CONSTRAINT) nor dropped since: drizzle-kit's snapshots have no field for the flag."""
    left: set[str] = set()
    for m in folder.migrations(snapshots=False):
        if not m.exists:
            continue
        for stmt in _without_comments_and_literals(m.text).split(";"):
            adds = list(_ADD_CONSTRAINT.finditer(stmt))
            events = [(x.start(), _bare(x.group(1)), False) for x in _UNFLAG.finditer(stmt)]
            for i, x in enumerate(adds):  # each ADD CONSTRAINT up to the next one (ALTER TABLE … ADD …, ADD …)
                part = stmt[x.end():adds[i + 1].start() if i + 1 < len(adds) else len(stmt)]
                events.append((x.start(), _bare(x.group(1)), re.search(r"(?i)\bNOT\s+VALID\b", part) is not None))
            for _, name, flagged in sorted(events, key=lambda e: e[0]):
                (left.add if flagged else left.discard)(name)
    return left


CommentKey = tuple[str | None, str, str | None]  # (schema as the SQL names it, else None; table; column, else None)
_TARGET = rf"({_NAME})(?:\s*\.\s*({_NAME}))?(?:\s*\.\s*({_NAME}))?"
_COMMENT = re.compile(rf"(?is)\bCOMMENT\s+ON\s+(TABLE|COLUMN)\s+{_TARGET}\s+IS\s+('(?:[^']|'')*'(?=\s*(?:;|$))|NULL\b)?")
_ALTER = re.compile(rf"(?is)\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?{_TARGET}\s+(.*)")
_DROP_TABLE = re.compile(rf"(?is)\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?((?:{_QUALIFIED})(?:\s*,\s*{_QUALIFIED})*)")


def comments_by_sql(folder: MigrationFolder) -> dict[CommentKey, str]:
    """The table and column comments the folder's migrations leave set (COMMENT ON TABLE / COLUMN … IS '…'), each
    under the names it has after the SQL's later renames; a later DROP TABLE or DROP COLUMN, `IS NULL`, or a text
    not read here (an escape string, a function's result) removes one. drizzle-kit's snapshots have no field for
    comments (matkassen's 0033 comments two columns by hand), so the SQL is what records them."""
    left: dict[CommentKey, str] = {}
    for m in folder.migrations(snapshots=False):
        if m.exists:
            masked = _masked(m.text)
            for stmt in _spans(masked):
                _comment_event(m.text[stmt[0]:stmt[1]], masked[stmt[0]:stmt[1]], left)
    return left


def _comment_event(text: str, masked: str, left: dict[CommentKey, str]) -> None:
    """`left` after one statement (`masked`: its text with comments and literals blanked, as long as `text`)."""
    if (c := _COMMENT.search(masked)) is not None:
        parts = [_bare(p) if p else None for p in c.group(2, 3, 4)]
        named = [p for p in parts if p is not None]
        key: CommentKey = ((named[-3] if len(named) == 3 else None, named[-2], named[-1]) if c.group(1).upper() ==
                           "COLUMN" else (named[-2] if len(named) == 2 else None, named[-1], None))
        value = text[c.start(5):c.end(5)] if c.group(5) else ""
        if value.startswith("'"):
            left[key] = value[1:-1].replace("''", "'")
        else:  # IS NULL, or a value not read here: not known to be set
            left.pop(key, None)
    elif (a := _ALTER.search(masked)) is not None:
        _altered(a, left)
    elif (d := _DROP_TABLE.search(masked)) is not None:
        for name in re.findall(_QUALIFIED, d.group(1)):
            table = _bare(name)
            for k in [k for k in left if k[1] == table]:
                del left[k]


def _altered(a: re.Match[str], left: dict[CommentKey, str]) -> None:
    """`left` after ALTER TABLE `a`: a table or column renamed carries its comments, a column dropped loses its."""
    table = _bare([p for p in a.group(1, 2, 3) if p][-1])
    mine = [k for k in left if k[1] == table]
    rest = a.group(4)
    if (r := re.match(rf"(?is)RENAME\s+TO\s+({_NAME})", rest)) is not None:
        for k in mine:
            left[(k[0], _bare(r.group(1)), k[2])] = left.pop(k)
    elif (r := re.match(rf"(?is)RENAME\s+(?:COLUMN\s+)?({_NAME})\s+TO\s+({_NAME})", rest)) is not None:
        for k in [k for k in mine if k[2] == _bare(r.group(1))]:
            left[(k[0], k[1], _bare(r.group(2)))] = left.pop(k)
    elif re.match(r"(?is)SET\s+SCHEMA\b", rest):
        for k in mine:
            del left[k]
    else:
        for x in re.finditer(rf"(?is)\bDROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?({_NAME})", rest):
            for k in [k for k in mine if k[2] == _bare(x.group(1))]:
                left.pop(k, None)


def _spans(masked: str) -> list[tuple[int, int]]:
    """(start, end) of each statement of the masked text (split at its semicolons)."""
    out, start = [], 0
    for x in re.finditer(";", masked):
        out.append((start, x.start()))
        start = x.end()
    return [*out, (start, len(masked))]


_QUOTED = {"'": re.compile(r"'(?:[^']|'')*'?"), '"': re.compile(r'"(?:[^"]|"")*"?')}
_DOLLAR = re.compile(r"\$[A-Za-z_]*\$")


def _masked(sql: str) -> str:
    """`sql` as long as it is, with its comments and a function's dollar-quoted body blanked and its string
    literals' insides replaced (the quotes kept), so that positions in it are positions in `sql`. A DO block's body
    runs with the migration: it is kept, masked the same way."""
    out, i, n = [], 0, len(sql)
    while i < n:
        ch = sql[i]
        if sql.startswith("--", i) or sql.startswith("/*", i):
            close = sql.find("\n", i) if ch == "-" else sql.find("*/", i + 2)
            end = n if close == -1 else close + (ch == "/") * 2
            out.append(" " * (end - i))
        elif (q := _QUOTED.get(ch)) is not None:  # a literal's inside replaced; a quoted name kept as it is
            end = m.end() if (m := q.match(sql, i)) is not None else i + 1
            out.append(sql[i:end] if ch == '"' else "'" + "x" * max(end - i - 2, 0) + "'" * (end - i >= 2))
        elif (d := _DOLLAR.match(sql, i)) is not None:
            close = sql.find(d.group(0), d.end())
            end = n if close == -1 else close + len(d.group(0))
            body = sql[d.end():close if close != -1 else n]
            do = re.search(r"(?is)\bDO\s+(?:LANGUAGE\s+\w+\s+)?$", sql[max(0, i - 40):i]) is not None
            out.append(" " * (end - i) if not do else " " * len(d.group(0)) + _masked(body)
                       + " " * (end - d.end() - len(body)))
        else:
            end = i + 1
            out.append(ch)
        i = end
    return "".join(out)


_EXTENSION = re.compile(rf"(?is)\b(CREATE|DROP|ALTER)\s+EXTENSION\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?({_NAME}(?:\s*,\s*{_NAME})*)"
                        rf"(?:\s+(?:WITH\s+)?(?:SET\s+)?SCHEMA\s+({_NAME}))?")


def extensions_by_sql(folder: MigrationFolder) -> dict[str, str | None]:
    """Each extension the folder's migrations leave created (CREATE EXTENSION, not dropped since), with the schema
    its CREATE or a later ALTER EXTENSION … SET SCHEMA names (None: wherever the server put it). drizzle-kit's
    snapshots have no field for extensions (kanbn/kan's pg_trgm and uuid-ossp, made by its SQL)."""
    return extensions_left_by(folder.migrations(snapshots=False))


def extensions_left_by(migrations: Iterable[Migration]) -> dict[str, str | None]:
    """`extensions_by_sql` of these migrations, in order (lint: those before the migration it reads)."""
    left: dict[str, str | None] = {}
    for m in migrations:
        if not m.exists:
            continue
        for verb, name, schema in _extension_statements(m.text):
            if verb == "DROP":
                left.pop(name, None)
            elif verb == "CREATE":
                left[name] = schema
            elif name in left and schema is not None:  # ALTER EXTENSION … SET SCHEMA
                left[name] = schema
    return left


@lru_cache(maxsize=4096)
def _extension_statements(text: str) -> tuple[tuple[str, str, str | None], ...]:
    """(CREATE | DROP | ALTER, extension, schema named) of each extension statement in a migration's SQL. Cached:
    lint of a folder reads, for each migration, every one before it."""
    if _ANY_EXTENSION.search(text) is None:  # most migrations: no need to mask comments and literals
        return ()
    out: list[tuple[str, str, str | None]] = []
    for x in _EXTENSION.finditer(_without_comments_and_literals(text)):
        schema = _bare(x.group(3)) if x.group(3) else None
        out.extend((x.group(1).upper(), _bare(n), schema) for n in re.findall(_NAME, x.group(2)))
    return tuple(out)


_ANY_EXTENSION = re.compile(r"(?i)\bEXTENSION\b")
