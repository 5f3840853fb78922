"""A live SQLite database → the schema model (the conventions of source.py).

PRAGMA table_xinfo / foreign_key_list / index_list / index_xinfo give the structure; what they do not
give (check constraints, generated expressions, AUTOINCREMENT, index expressions and WHERE) is read from
the CREATE text in sqlite_master, and so are the names a CREATE TABLE gives its UNIQUE and FOREIGN KEY constraints
(`CONSTRAINT x UNIQUE (…)`, as drizzle-kit 1.x and create_all write them: SQLite's catalog names the one
`sqlite_autoindex_<table>_N` and the other not at all). A constraint the text leaves unnamed, and a composite
primary key, get drizzle-kit's default names (`<table>_<cols>_unique`, `<table>_<cols>_<ref>_<refcols>_fk`,
`<table>_<cols>_pk`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from ...runner.tracking import AUDIT_TABLE, PROGRESS_TABLE, SETTINGS_TABLE
from ...schema.model import (
    DEFAULT_SCHEMA,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Table,
    make_schema,
)
from ...schema.naming import first_free, fk_name, pk_name, unique_name
from ...schema.objects import Trigger
from .lexer import LEXEME
from .snapshot_1x import fk_name_v1
from .types import (
    AUTOINCREMENT,
    KEYWORD_LITERALS,
    canonical_collation,
    canonical_default,
    canonical_type,
    index_element,
)

# a name: quoted, or bare (SQLite takes any character past ASCII as a letter: `été`)
_IDENT = r"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|\[[^\]]+\]|(?:[A-Za-z_]|[^\x00-\x7f])(?:[\w$]|[^\x00-\x7f])*)"


# the tables of SQLite itself (`sqlite_sequence`, `sqlite_stat1`) and of what hosts or replicates the file, not the
# application's: Cloudflare D1's (`_cf_KV`, `_cf_METADATA`), Litestream's (`_litestream_seq`, `_litestream_lock`) and
# libSQL's (`libsql_wasm_func_table`). drizzle-kit's introspection leaves out the same prefixes (its
# filterIgnoredTablesByField, LIKE: any case); read, a D1 export or a Litestream replica drifted by them
_INTERNAL = ("sqlite_", "_cf_", "_litestream_", "libsql_")


def internal_table(name: str) -> bool:
    return name.lower().startswith(_INTERNAL)


def introspect(conn: sqlite3.Connection, exclude: Iterable[str] = ("__drizzle_migrations",)) -> Schema:
    virtual, shadow = virtual_tables(conn)
    skip = {*exclude, AUDIT_TABLE, PROGRESS_TABLE, SETTINGS_TABLE, *virtual, *shadow}
    created = [(name, sql or "") for name, sql in
               conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
               if not internal_table(name) and name not in skip]
    named = [unique_names(sql) for _, sql in created]  # each table's text read once for them
    usable = _free_unique_names(conn, named)
    options = table_options(conn)
    tables = [_table(conn, name, sql, {cols: n for cols, n in names.items() if n in usable}, options.get(name))
              for (name, sql), names in zip(created, named, strict=True)]
    from .views import introspect_views

    return make_schema("sqlite", tables=tables, objects=introspect_views(conn))


def in_tables_filter(model: Schema, scope: Any) -> Schema:
    """`model` without the tables the config's `tables_filter` leaves out, nor their triggers: not this project's
    (`tables_filter = ["!itemNotes"]` on Zotero's file)."""
    if scope is None or not scope.tables:
        return model
    kept = [t for t in model.tables if scope.wants_table(t.schema, t.name)]
    names = {t.name for t in kept}
    left_out = {t.name for t in model.tables} - names
    return model.with_(tables=kept, objects=model.objects.where(
        lambda o: not isinstance(o, Trigger) or o.table not in left_out))


_VIRTUAL = re.compile(r"\s*CREATE\s+VIRTUAL\s+TABLE\b.*?\bUSING\s+(\w+)", re.I | re.S)


def virtual_tables(conn: sqlite3.Connection) -> tuple[dict[str, str], set[str]]:
    """The virtual tables (name → module: fts5, rtree, …) and the shadow tables their modules keep their data in
    (`<name>_data`, `<name>_config`, …): mizzle does not manage them (a migration's SQL makes them by hand)."""
    virtual = {}
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE "
                                  "VIRTUAL%' COLLATE NOCASE"):
        m = _VIRTUAL.match(sql or "")
        virtual[name] = m.group(1).lower() if m else "?"
    if not virtual:
        return {}, set()
    try:  # SQLite 3.37+ marks them
        shadow = {r[1] for r in conn.execute("PRAGMA main.table_list") if r[2] == "shadow"}
    except sqlite3.OperationalError:  # before: the names the modules give them
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        shadow = {n for n in names for v in virtual if n.startswith(f"{v}_") and n not in virtual}
    return virtual, shadow


def unmanaged(conn: sqlite3.Connection, exclude: tuple[str, ...] = ()) -> list[str]:
    """The virtual tables and the triggers whose statement mizzle cannot read (views and the others are managed),
    and what the model cannot say of a table: one line per kind. `exclude`: tables never reported (tracking, and
    those `tables_filter` leaves out)."""
    from .views import introspect_triggers

    out = []
    virtual, shadow = virtual_tables(conn)
    if virtual:
        out.append(f"not managed by mizzle (left as they are): {len(virtual)} virtual tables: "
                   + ", ".join(f"{n} ({m}, with {len([s for s in shadow if s.startswith(n + '_')])} shadow tables)"
                               for n, m in sorted(virtual.items())))
    if uses := _uses_of_virtual(conn, virtual, shadow):
        out.append(f"uses of what mizzle does not manage (make that first where pulled SQL runs): {', '.join(uses)}")
    names = introspect_triggers(conn)[1]
    if names:
        out.append(f"not managed by mizzle (left as they are): {len(names)} triggers: {', '.join(names)}")
    created = [(name, sql or "") for name, sql in
               conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
               if name not in virtual and name not in shadow and not internal_table(name) and name not in exclude]
    unread = [c for name, sql in created for c in _unread_generated(conn, name, sql)]
    if unread:
        out.append("generated columns whose expression mizzle could not read from the table's SQL (read as plain "
                   f"columns): {', '.join(unread)}")
    if nullable := nullable_keys(conn, [name for name, _ in created], exclude):
        out.append("primary key columns that accept NULL (SQLite's: no NOT NULL, no INTEGER rowid key, no WITHOUT "
                   "ROWID) read as NOT NULL, as create_all and drizzle-kit make them; a table rebuild or a table created "
                   f"from the schema code has NOT NULL (a row whose key is NULL fails the rebuild): {', '.join(nullable)}")
    tables = [(name, _without_literals(sql)) for name, sql in created]
    # a constraint's ON CONFLICT (other than the default ABORT): the model has no place for it, so a pulled module, a
    # table rebuild and a table created from the schema code are without it
    for what, pattern in (("conflict clauses (ON CONFLICT)", r"(?i)\bON\s+CONFLICT\s+(?:ROLLBACK|FAIL|IGNORE|REPLACE)\b"),):
        held = [name for name, sql in tables if re.search(pattern, sql)]
        if held:
            out.append(f"not managed by mizzle (left as they are; a table rebuild or a table created from the schema "
                       f"code has none): {what} on {', '.join(held)}")
    return out


def _uses_of_virtual(conn: sqlite3.Connection, virtual: dict[str, str], shadow: set[str]) -> list[str]:
    """The triggers and views (which mizzle manages, so pull writes them) whose SQL names a virtual table or one of
    its shadow tables (which it does not): Wagtail's search triggers writing to its fts5 table. A database built
    from the pulled SQL has them without the table — an insert fails, and so does the next RENAME COLUMN, for which
    SQLite reads every trigger again. SQLite keeps no dependencies: a name in the SQL, outside its literals."""
    if not virtual:
        return []
    kinds = {**{n: "shadow table" for n in shadow}, **{n: "virtual table" for n in virtual}}
    found = re.compile(r"(?i)(?<![\w$])(" + "|".join(re.escape(n) for n in sorted(kinds, key=len, reverse=True))
                       + r")(?![\w$])")
    by_lower = {n.lower(): n for n in kinds}
    out = []
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view') "
                                        "ORDER BY type, name"):
        used = sorted({by_lower[m.group(1).lower()] for m in found.finditer(_without_literals(sql or ""))})
        out += [f"{kind} {name} uses {kinds[u]} {u}" for u in used]
    return out


def nullable_keys(conn: sqlite3.Connection, tables: list[str], exclude: tuple[str, ...] = ()) -> list[str]:
    """`table.column` of the primary key columns that accept NULL: SQLite lets a rowid table's key other than an
    INTEGER rowid alias hold NULL unless NOT NULL is written (Actual Budget's `id TEXT PRIMARY KEY` tables). The model
    reads every key column NOT NULL, as create_all and drizzle-kit write them, so pull, drift and baseline saw no
    difference, and a rebuild of such a table copying a NULL key failed on its NOT NULL."""
    rowid_less = {t for t, (_, wr) in table_options(conn).items() if wr}
    out = []
    for name in tables:
        if name in exclude or name in rowid_less or internal_table(name):
            continue
        keys = [r for r in conn.execute(f"PRAGMA table_xinfo({_q(name)})") if r[5]]
        rowid_alias = len(keys) == 1 and (keys[0][2] or "").strip().upper() == "INTEGER"
        out += [f"{name}.{r[1]}" for r in sorted(keys, key=lambda r: r[5]) if not r[3] and not rowid_alias]
    return out


def table_options(conn: sqlite3.Connection) -> dict[str, tuple[bool, bool]]:
    """Each table's (STRICT, WITHOUT ROWID): SQLite's own `PRAGMA table_list` (3.37+, its `strict` and `wr`),
    before that the words after the closing parenthesis of the table's CREATE TABLE (STRICT came with 3.37)."""
    try:
        return {r[1]: (bool(r[5]), bool(r[4])) for r in conn.execute("PRAGMA main.table_list") if r[2] == "table"}
    except sqlite3.OperationalError:
        pass
    out = {}
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        text = without_comments(sql or "")
        tail = text[text.rfind(")") + 1:]
        out[name] = (bool(re.search(r"(?i)\bSTRICT\b", tail)), bool(re.search(r"(?i)\bWITHOUT\s+ROWID\b", tail)))
    return out


def comparable(schema: Schema) -> Schema:
    """`schema` with the names SQLite does not keep (foreign keys, composite primary keys) replaced by the ones
    introspection gives, so a snapshot compares with a live database on what the database can tell."""
    tables = []
    for t in schema.tables:
        pk = t.primary_key
        if pk is not None and len(pk.columns) > 1:
            pk = PrimaryKey(pk.columns, pk_name(t.name, pk.columns, cut=False))
        fks = tuple(replace(f, name=fk_name(t.name, f.columns, f.ref_table, f.ref_columns, cut=False)) for f in t.foreign_keys)
        tables.append(replace(t, primary_key=pk, foreign_keys=fks))
    return schema.with_(tables=tables)


def introspect_path(path: str, exclude: Iterable[str] = ("__drizzle_migrations",)) -> Schema:
    conn = sqlite3.connect(path)
    try:
        return introspect(conn, exclude)
    finally:
        conn.close()


# ALTER TABLE t RENAME TO u; ALTER TABLE t RENAME [COLUMN] a TO b (a column named "to" must be quoted or follow COLUMN)
_NAMES_CHANGED = re.compile(rf"\bALTER\s+TABLE\s+(?:{_IDENT}\s*\.\s*)?(?P<table>{_IDENT})\s+(?:RENAME\s+"
                     rf"(?:COLUMN\s+(?P<column>{_IDENT})|(?!TO\b)(?P<bare>{_IDENT}))?\s*TO\s+(?P<new>{_IDENT})"
                     rf"|(?P<op>ADD|DROP)\s+(?:COLUMN\s+)?(?P<col>{_IDENT}))"
                     rf"|\b(?P<verb>CREATE|DROP)\s+(?:TEMP(?:ORARY)?\s+)?TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"
                     rf"(?:{_IDENT}\s*\.\s*)?(?P<name>{_IDENT})"
                     rf"|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+(?P<into>{_IDENT})\s*\(",
                     re.IGNORECASE)
# the end of INSERT … SELECT …'s select list: FROM one table, then the statement's end or a WHERE
_FROM_ONE = re.compile(rf"FROM\s+(?P<table>{_IDENT})\s*(?:;|-->|$|WHERE\b)", re.IGNORECASE)
_COLUMN_REF = re.compile(rf"(?:(?P<table>{_IDENT})\s*\.\s*)?(?P<column>{_IDENT})")
_NO_COLUMN = {"null", "true", "false", "current_time", "current_date", "current_timestamp"}


def renames_stated(sql: str, texts: Any) -> None:
    """Record into `texts` (an AuthoredTexts) the table and column renames the migration `sql` states (a rebuilt
    snapshot's `_meta`); SQLite has no schemas: "public", as the SQLite snapshot writer strips it. Only what the
    migration renames in the end is a rename: a table or column the migration made and then renamed (a rebuild's
    `ALTER TABLE __new_t RENAME TO t`), or renamed aside and then dropped (`user` → `__user_old`, made again, the
    old one dropped), or renamed back, keeps its name, and generate records none."""
    tables: dict[str, str | None] = {}  # each table's name now → its name before the migration (None: made by it)
    columns: dict[tuple[str, str], str | None] = {}  # the same, per (table, column)
    moved: dict[str, tuple[str, dict[str, str]]] = {}  # INSERT … SELECT's target → (its source, {new: old column})
    text = without_comments(sql)
    for m in _NAMES_CHANGED.finditer(text):
        if m["into"] is not None:
            if (move := _moved_columns(text, m.end() - 1)) is not None:
                moved[unquote(m["into"])] = move
            continue
        if m["name"] is not None:
            name = unquote(m["name"])
            tables.pop(name, None)
            if m["verb"].upper() == "CREATE":
                tables[name] = None
            continue
        table = unquote(m["table"])
        if m["col"] is not None:
            key = (table, unquote(m["col"]))
            columns.pop(key, None)
            if m["op"].upper() == "ADD":
                columns[key] = None
        elif (column := m["column"] or m["bare"]) is not None:
            old = unquote(column)
            columns[(table, unquote(m["new"]))] = columns.pop((table, old), old)
        else:
            new = unquote(m["new"])
            tables[new] = tables.pop(table, table)
            source, pairs = moved.pop(table, ("", {}))
            for column, old in pairs.items() if source == new else ():  # a rebuild moving a column: a rename
                columns[(new, column)] = columns.pop((new, old), old)
    texts.renamed_tables.update({f"public.{old}": f"public.{new}" for new, old in tables.items()
                                 if old is not None and old != new})
    texts.renamed_columns.update({f"public.{t}.{old}": f"public.{t}.{new}" for (t, new), old in columns.items()
                                  if old is not None and old != new})


def _moved_columns(text: str, paren: int) -> tuple[str, dict[str, str]] | None:
    """(source table, {target column: source column}) of `INSERT INTO t (…) SELECT … FROM source`, whose column
    list opens at `paren`: the columns a table rebuild fills from another column of its source under a new name
    (drizzle-kit's `INSERT INTO __new_a("user_id") SELECT "userId" FROM a`). A value that is no column of the
    source, and a source column the target keeps under its own name too (a copy), are left out; None when the
    statement is not INSERT … SELECT from one table."""
    targets = split_top(_paren_after(text, paren))
    rest = paren + len(_paren_after(text, paren)) + 2
    select = re.compile(r"\s*SELECT\s", re.IGNORECASE).match(text, rest)
    if select is None:
        return None
    start = select.end()
    for i in _top_level(text[start:]):
        if text[start + i] == ";":
            return None
        if text[start + i - 1].isspace() and (end := _FROM_ONE.match(text, start + i)) is not None:
            break
    else:
        return None
    source = unquote(end["table"])
    values = split_top(text[start:end.start()])
    if len(values) != len(targets):
        return None
    names = [unquote(t) for t in targets]
    pairs = {}
    for target, value in zip(names, values, strict=True):
        ref = _COLUMN_REF.fullmatch(value)
        if ref is None or (ref["table"] is not None and unquote(ref["table"]) != source):
            continue
        old = unquote(ref["column"])
        if old != target and old not in names and ref["column"].lower() not in _NO_COLUMN:
            pairs[target] = old
    return source, pairs


def unquote(ident: str) -> str:
    ident = ident.strip()
    if ident[:1] in ("`", '"') and ident[-1:] == ident[:1]:
        return ident[1:-1].replace(ident[0] * 2, ident[0])
    if ident[:1] == "[" and ident[-1:] == "]":
        return ident[1:-1]
    return ident


def _code(text: str) -> Iterator[tuple[int, str]]:
    """(position, character) for each of `text`'s characters outside string literals, quoted names and comments: an
    apostrophe or a parenthesis in a comment (`-- don't`) opened a string or a level that never closed, and the
    later columns lost their definition."""
    for m in LEXEME.finditer(text):
        lexeme = m[0]
        if lexeme[0] not in "'\"`[" and not lexeme.startswith(("--", "/*")):
            yield from enumerate(lexeme, m.start())


def without_comments(text: str) -> str:
    """`text` with each comment replaced by a space, so an expression read from it carries none."""
    return "".join(" " if m[0].startswith(("--", "/*")) else m[0] for m in LEXEME.finditer(text))


def _top_level(text: str) -> Iterator[int]:
    """The positions of `text`'s characters outside string literals, quoted names, comments and parentheses (the
    quotes and parentheses themselves not included): the one scanner split_top and _clauses share."""
    depth = 0
    for i, ch in _code(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0:
            yield i


def split_top(text: str, sep: str = ",") -> list[str]:
    """Split at `sep` outside quotes and parentheses."""
    cuts = [i for i in _top_level(text) if text[i] == sep]
    parts = [text[a + 1:b] for a, b in zip([-1, *cuts], [*cuts, len(text)], strict=True)]
    return [p.strip() for p in parts if p.strip()]


def _body(sql: str) -> str:
    """The text between the outer parentheses of CREATE TABLE/INDEX … ( … ): the first '(' outside a quoted name
    (`CREATE TABLE "weird(name)" (…)`)."""
    depth, start = 0, -1
    for i, ch in _code(sql):
        if ch == "(":
            depth += 1
            start = i if start < 0 else start
        elif ch == ")" and start >= 0:
            depth -= 1
            if depth == 0:
                return sql[start + 1:i]
    return sql[start + 1:] if start >= 0 else ""


def _paren_after(text: str, pos: int) -> str:
    """The balanced (…) content starting at the first '(' at or after pos."""
    return _body(text[pos:])


def _clauses(text: str, keyword: str) -> Iterator[tuple[int, str]]:
    """(position, the expression in its parentheses) of each `keyword (…)` of `text` outside string literals, quoted
    names and parentheses (a DEFAULT's or a type's `(…)` is skipped whole): one definition may hold several
    (`a INT CHECK (a > 0) CHECK (a < 9)`, a FOREIGN KEY and a CHECK with no comma between, as SQLite accepts)."""
    pattern = re.compile(rf"(?i){keyword}\s*\(")
    for i in _top_level(text):
        if (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_$")) and (m := pattern.match(text, i)):
            yield i, _paren_after(text, m.end() - 1).strip()


def _has_word(text: str, word: str) -> bool:
    """Whether `word` stands in `text` outside string literals, quoted names and parentheses."""
    pattern = re.compile(rf"(?i){word}(?![\w$])")
    return any((i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_$")) and pattern.match(text, i)
               for i in _top_level(text))


def _checks(text: str) -> list[tuple[str | None, str]]:
    """The CHECKs of one column definition or table constraint: ([CONSTRAINT name,] expression) for each."""
    out: list[tuple[str | None, str]] = []
    for i, expr in _clauses(text, "CHECK"):
        named = re.search(rf"(?is)\bCONSTRAINT\s+(?P<n>{_IDENT})\s+$", text[:i])
        out.append((unquote(named["n"]) if named else None, expr))
    return out


def _default(dflt: str | None, type_: str, rest: str) -> str | None:
    """The column's default in one spelling (`canonical_default`), but for a keyword (CURRENT_TIME / _DATE /
    _TIMESTAMP, NULL, TRUE, FALSE) as the table's SQL writes it (`rest`: its definition after the name), in
    parentheses or not and in its case: PRAGMA table_xinfo drops the parentheses of `(CURRENT_TIMESTAMP)`, and
    drizzle-kit's snapshots keep `(CURRENT_TIMESTAMP)`, `(current_timestamp)` and `NULL` as written — a rebuilt
    snapshot spelling them otherwise made drizzle-kit's next generate rebuild the table (fiberplane/fpx's
    parentheses, cliftonc/fintune's lower case, ddradar's `DEFAULT NULL`)."""
    if dflt is None:
        return None
    out = canonical_default(dflt, type_)
    if out is None or out.lower() not in KEYWORD_LITERALS:
        return out
    m = re.search(rf"(?is)\bDEFAULT\s*(?:\(\s*(?P<p>{out})\s*\)|(?P<b>{out})(?![\w$]))", rest)
    if m is None:
        return out
    return f"({m['p']})" if m["p"] else m["b"]


_TABLE_CONSTRAINT = re.compile(r"(?i)\s*(?:CONSTRAINT|CHECK|PRIMARY|FOREIGN|UNIQUE)(?![\w$])")


def definitions(table: str, sql: str) -> tuple[dict[str, str], list[CheckConstraint]]:
    """The CREATE TABLE text `sql` read: each column's definition after its name, and the CHECKs of the columns and
    of the table in the order written (the unnamed ones named as the schema-code reader names them)."""
    col_defs: dict[str, str] = {}
    checks: list[CheckConstraint] = []
    for item in split_top(_body(without_comments(sql))):
        if _TABLE_CONSTRAINT.match(item):  # `CHECK(`, or several constraints with no comma between
            found = _checks(item)
        elif m := re.match(rf"\s*(?P<n>{_IDENT})", item):
            col_defs[unquote(m["n"])] = item[m.end():]
            found = _checks(item[m.end():])  # `n INTEGER CHECK (n > 0)`, as create_all writes
        else:
            continue
        for cname, expr in found:
            checks.append(CheckConstraint(cname or _free_check_name(table, checks), expr))
    return col_defs, checks


def _unread_generated(conn: sqlite3.Connection, table: str, sql: str) -> list[str]:
    """The generated columns (as PRAGMA table_xinfo marks them) whose expression the CREATE text did not give."""
    col_defs = definitions(table, sql)[0]
    return [f"{table}.{r[1]}" for r in conn.execute(f"PRAGMA table_xinfo({_q(table)})")
            if r[6] in (2, 3) and not next(_clauses(col_defs.get(r[1], ""), "AS"), None)]


def _table(conn: sqlite3.Connection, name: str, sql: str, uniques: dict[tuple[str, ...], str],
           options: tuple[bool, bool] | None = None) -> Table:
    """`uniques`: the names its text gives its UNIQUE constraints that may name their indexes (_free_unique_names);
    `options`: its (STRICT, WITHOUT ROWID), table_options."""
    col_defs, checks = definitions(name, sql)
    info = conn.execute(f"PRAGMA table_xinfo({_q(name)})").fetchall()
    pk_cols = tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
    columns = []
    for _cid, cname, ctype, notnull, dflt, _pk, hidden in info:
        rest = col_defs.get(cname, "")
        generated = next((expr for _, expr in _clauses(rest, "AS")), None) if hidden in (2, 3) else None
        type_ = canonical_type(ctype or "")
        ident = AUTOINCREMENT if _has_word(rest, "AUTOINCREMENT") else None
        columns.append(Column(name=cname, type=type_, not_null=bool(notnull) or cname in pk_cols,
                              declared_not_null=bool(notnull),
                              default=_default(dflt, type_, rest),
                              identity=ident, generated=generated, generated_virtual=hidden == 2,
                              collation=_collation(rest)))
    pk = None
    if len(pk_cols) == 1:
        pk = PrimaryKey(pk_cols, None)
    elif pk_cols:
        pk = PrimaryKey(pk_cols, key_name(sql) or pk_name(name, pk_cols, cut=False))
    fks = _foreign_keys(conn, name, written_keys(sql))
    indexes = _indexes(conn, name, {c.name: c.collation for c in columns}, uniques)
    strict, without_rowid = options or (False, False)
    return Table(name=name, schema=DEFAULT_SCHEMA, columns=tuple(columns), primary_key=pk, foreign_keys=tuple(fks),
                 checks=tuple(checks), indexes=tuple(indexes), strict=strict, without_rowid=without_rowid)


_COLLATE = re.compile(rf"(?i)COLLATE\s+(?P<n>{_IDENT})")


def _collation(rest: str) -> str | None:
    """The COLLATE of a column definition (after its name), outside its CHECK's or default's parentheses."""
    for i in _top_level(rest):
        if (i == 0 or not (rest[i - 1].isalnum() or rest[i - 1] in "_$")) and (m := _COLLATE.match(rest, i)):
            return canonical_collation(unquote(m["n"]))
    return None


def _free_check_name(table: str, taken: list[CheckConstraint]) -> str:
    """An unnamed CHECK's name: `<table>_check`, else the first free `<table>_checkN` (as the schema-code reader names
    them, sources/sqlalchemy.default_check_name)."""
    return first_free(f"{table}_check", {c.name for c in taken})


def _without_literals(text: str) -> str:
    """`text` with the inside of its '…' literals blanked and its comments dropped, so a keyword inside one is not
    matched (and an apostrophe in a comment, `-- don't`, does not open a literal hiding what follows)."""
    return "".join("'" + " " * (len(m[0]) - 2) + "'" if m[0][0] == "'" else m[0]
                   for m in LEXEME.finditer(without_comments(text)))


_REFERENCES = re.compile(rf"(?i)REFERENCES\s+(?P<ref>{_IDENT})")
_FOREIGN_KEY = re.compile(r"(?i)FOREIGN\s+KEY\s*\(")
# SQLite's grammar: only DEFERRABLE INITIALLY DEFERRED defers; NOT DEFERRABLE (whatever INITIALLY follows) and
# DEFERRABLE [INITIALLY IMMEDIATE] are checked at once
_DEFERRAL = re.compile(r"(?i)(?P<not>NOT\s+)?DEFERRABLE(?:\s+INITIALLY\s+(?P<initially>DEFERRED|IMMEDIATE))?(?![\w$])")

FkKey = tuple[tuple[str, ...], str]  # (the child's columns, the parent table), lower case: as PRAGMA may spell them


def written_keys(sql: str) -> dict[FkKey, list[tuple[str | None, str | None]]]:
    """Each foreign key's deferral and name read from the CREATE TABLE text (PRAGMA foreign_key_list gives neither),
    in the order written, by its columns and parent. The deferral: None, "immediate" (DEFERRABLE [INITIALLY
    IMMEDIATE]) or "deferred" (Django writes every key `REFERENCES "t" ("id") DEFERRABLE INITIALLY DEFERRED`); the
    name: its `CONSTRAINT x`, else None (karakeep's `ruleEngineActions_userId_listId_fk`, written by drizzle-kit 1.x
    as `CONSTRAINT … FOREIGN KEY (…)`, was read under the default name, and a module pulled from it dropped it)."""
    out: dict[FkKey, list[tuple[str | None, str | None]]] = {}
    for item in split_top(_body(without_comments(sql))):
        column = None if _TABLE_CONSTRAINT.match(item) else re.match(rf"\s*(?P<n>{_IDENT})", item)
        words = [i for i in _top_level(item) if i == 0 or not (item[i - 1].isalnum() or item[i - 1] in "_$")]
        refs = [(i, m) for i in words if (m := _REFERENCES.match(item, i))]
        for k, (at, m) in enumerate(refs):
            end = refs[k + 1][0] if k + 1 < len(refs) else len(item)
            if column is not None:
                cols: tuple[str, ...] = (unquote(column["n"]),)
                start = at  # `a INTEGER CONSTRAINT x REFERENCES p(id)`
            else:
                starts = [f for i in words if i < at and (f := _FOREIGN_KEY.match(item, i))]
                if not starts:
                    continue
                cols = tuple(unquote(c) for c in split_top(_paren_after(item, starts[-1].end() - 1)))
                end = min([end, *(i for i in words if at < i < end and _FOREIGN_KEY.match(item, i))])
                start = starts[-1].start()
            found = next((d for i in words if at < i < end and (d := _DEFERRAL.match(item, i))), None)
            value = None if found is None or found["not"] else \
                ("deferred" if (found["initially"] or "").upper() == "DEFERRED" else "immediate")
            named = _NAMED.search(item[:start])
            out.setdefault((tuple(c.lower() for c in cols), unquote(m["ref"]).lower()), []).append(
                (value, unquote(named["n"]) if named else None))
    return out


# `CONSTRAINT x ` right before a constraint
_NAMED = re.compile(rf"(?is)\bCONSTRAINT\s+(?P<n>{_IDENT})\s*$")
_UNIQUE = re.compile(r"(?i)UNIQUE(?![\w$])")


_PRIMARY_KEY = re.compile(r"(?i)\s*CONSTRAINT\s+(?P<n>" + _IDENT + r")\s+PRIMARY\s+KEY(?![\w$])")


def key_name(sql: str) -> str | None:
    """The name the CREATE TABLE text `sql` gives its table-level primary key (`CONSTRAINT x PRIMARY KEY (a, b)`),
    which SQLite's catalog does not keep: papra-hq/papra's `documents_tags_pkey`, as drizzle-kit 1.x writes a
    `primaryKey({ name })`."""
    for item in split_top(_body(without_comments(sql))):
        if m := _PRIMARY_KEY.match(item):
            return unquote(m["n"])
    return None


def unique_names(sql: str) -> dict[tuple[str, ...], str]:
    """The names the CREATE TABLE text `sql` gives its UNIQUE constraints, by their columns (lower case: as PRAGMA
    may spell them): `CONSTRAINT x UNIQUE (a, b)`, and `a TEXT CONSTRAINT x UNIQUE`. SQLite keeps such a constraint
    as an index named `sqlite_autoindex_<table>_N`, one for all that repeat the same columns: the first name of
    those is its name (as the schema code reader names them, source.distinct_uniques)."""
    out: dict[tuple[str, ...], str] = {}
    for item in split_top(_body(without_comments(sql))):
        column = None if _TABLE_CONSTRAINT.match(item) else re.match(rf"\s*(?P<n>{_IDENT})", item)
        for i in _top_level(item):
            if (i > 0 and (item[i - 1].isalnum() or item[i - 1] in "_$")) or not _UNIQUE.match(item, i) \
                    or not (named := _NAMED.search(item[:i])):
                continue
            if column is not None:
                cols: tuple[str, ...] = (unquote(column["n"]),)
            else:
                parts = split_top(_paren_after(item, i))
                cols = tuple(unquote(m[0]) for p in parts if (m := re.match(_IDENT, p.strip())))
            out.setdefault(tuple(c.lower() for c in cols), unquote(named["n"]))
    return out


def inline_uniques(sql: str) -> set[str]:
    """The columns (lower case) the CREATE TABLE text `sql` declares UNIQUE in their own definition, unnamed
    (drizzle-kit 1.x's `"k" text PRIMARY KEY UNIQUE`)."""
    out: set[str] = set()
    for item in split_top(_body(without_comments(sql))):
        if _TABLE_CONSTRAINT.match(item) or not (m := re.match(rf"\s*(?P<n>{_IDENT})", item)):
            continue
        rest = item[m.end():]
        if _has_word(rest, "UNIQUE") and not re.search(rf"(?is)\bCONSTRAINT\s+{_IDENT}\s+UNIQUE", rest):
            out.add(unquote(m["n"]).lower())
    return out


_CREATE_TABLE = re.compile(r'(?i)\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?'
                           r'(?:`((?:[^`]|``)+)`|"((?:[^"]|"")+)"|([\w$]+))\s*\(')


def add_key_uniques(snap: dict[str, Any], texts: list[str]) -> None:
    """Add to each table of `snap` (v6 JSON of a replayed database) the UNIQUE on exactly its primary key's columns
    that its last CREATE TABLE in `texts` wrote (drizzle-kit 1.x's `PRIMARY KEY UNIQUE` of `.unique().primaryKey()`,
    or a named one): SQLite makes no index for it, so the database does not show it, and a snapshot without
    drizzle-kit's `uniques` row made its next generate rebuild the table."""
    creates: dict[str, str] = {}
    for text in texts:
        for m in _CREATE_TABLE.finditer(text):
            name = (m.group(1) or m.group(2) or m.group(3)).replace("``", "`").replace('""', '"')
            creates[name.removeprefix("__new_").lower()] = text[m.start():]  # drizzle-kit's table rebuild
    for t in (snap.get("tables") or {}).values():
        sql = creates.get(t["name"].lower())
        single = [c["name"] for c in t["columns"].values() if c.get("primaryKey")]
        key = single or next((list(p["columns"]) for p in (t.get("compositePrimaryKeys") or {}).values()), [])
        lowered = tuple(c.lower() for c in key)
        uniques = [*(t.get("uniqueConstraints") or {}).values(),
                   *(i for i in (t.get("indexes") or {}).values() if i.get("isUnique"))]
        if not sql or not key or any(tuple(c.lower() for c in u["columns"]) == lowered for u in uniques):
            continue
        name = unique_names(sql).get(lowered)
        if name is None and len(key) == 1 and lowered[0] in inline_uniques(sql):
            name = unique_name(t["name"], tuple(key), cut=False)
        if name is not None:
            t.setdefault("uniqueConstraints", {})[name] = {"name": name, "columns": key}


def _free_unique_names(conn: sqlite3.Connection, named: list[dict[tuple[str, ...], str]]) -> set[str]:
    """The UNIQUE constraints' names of the CREATE TABLE texts (`named`: each text's unique_names) that may name their
    indexes in the model: not the name of an index, a table or a view (SQLite keeps a constraint's name out of their
    namespace) and given once in the database (create_all writes OpenStack designate's `unique_pool_host_port` on
    two tables), case aside."""
    names = [n for names in named for n in names.values()]
    lowered = [n.lower() for n in names]
    taken = {r[0].lower() for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('index', 'table', "
                                                "'view')")}
    return {n for n in names if n.lower() not in taken and lowered.count(n.lower()) == 1}


def _foreign_keys(conn: sqlite3.Connection, table: str,
                  written: dict[FkKey, list[tuple[str | None, str | None]]]) -> list[ForeignKey]:
    groups: dict[int, list[tuple]] = {}  # type: ignore[type-arg]
    for row in conn.execute(f"PRAGMA foreign_key_list({_q(table)})"):
        groups.setdefault(row[0], []).append(row)
    out = []
    for _, rows in sorted(groups.items()):
        rows.sort(key=lambda r: r[1])
        deferrable, given = (written.get((tuple(r[3].lower() for r in rows), rows[0][2].lower())) or [(None, None)]).pop()
        # PRAGMA numbers the keys from the last one written
        ref = _real_table_name(conn, rows[0][2])
        cols = _real_column_names(conn, table, tuple(r[3] for r in rows))
        ref_cols = tuple(r[4] for r in rows)
        if any(c is None for c in ref_cols):  # REFERENCES parent without columns: the parent's primary key
            ref_cols = tuple(r[1] for r in sorted((r for r in conn.execute(f"PRAGMA table_info({_q(ref)})") if r[5]),
                                                  key=lambda r: r[5]))
        ref_cols = _real_column_names(conn, ref, ref_cols)
        if given == fk_name_v1(table, list(cols), ref, list(ref_cols)):  # drizzle-kit 1.x's default name: the model's is 0.x's
            given = None
        out.append(ForeignKey(name=given or "", columns=cols, ref_table=ref, ref_columns=ref_cols,
                              ref_schema=DEFAULT_SCHEMA, on_update=rows[0][5].lower(), on_delete=rows[0][6].lower(),
                              deferrable=deferrable))
    return _named_keys(table, out)


def _named_keys(table: str, keys: list[ForeignKey]) -> list[ForeignKey]:
    """Each unnamed key (name "") given its default name, or, where an earlier key written (PRAGMA numbers them from
    the last one) has it, the first free numbered one: two keys alike but for their actions (Apache Superset's
    `tab_state.database_id`, twice to `dbs.id`) had one name, and one was lost."""
    taken = {f.name for f in keys if f.name}
    named: list[ForeignKey] = []
    for f in reversed(keys):
        if not f.name:
            name = first_free(fk_name(table, f.columns, f.ref_table, f.ref_columns, cut=False), taken)
            taken.add(name)
            f = replace(f, name=name)
        named.append(f)
    return named[::-1]


def _real_table_name(conn: sqlite3.Connection, name: str) -> str:
    """SQLite's names are case-insensitive: `REFERENCES Users` names the table created as `users`, and the model
    (and the SQLAlchemy module pull writes) must say `users`. A parent that does not exist keeps the given name."""
    row = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
                       (name,)).fetchone()
    return row[0] if row else name


def _real_column_names(conn: sqlite3.Connection, table: str, names: tuple[str, ...]) -> tuple[str, ...]:
    real = {r[1].lower(): r[1] for r in conn.execute(f"PRAGMA table_info({_q(table)})")}
    return tuple(real.get(n.lower(), n) for n in names)


def _indexes(conn: sqlite3.Connection, table: str, collations: dict[str, str | None],
             uniques: dict[tuple[str, ...], str]) -> list[Index]:
    """`uniques`: the names the table's text gives its UNIQUE constraints, by their columns (unique_names)."""
    sqls = {name: without_comments(sql) if sql else sql for name, sql in
            conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (table,))}
    out = []
    for _, name, unique, origin, _partial in conn.execute(f"PRAGMA index_list({_q(table)})").fetchall():
        if origin == "pk":
            continue
        sql = sqls.get(name)
        if origin == "u" or not sql:
            elements = _constraint_elements(conn, name, collations)
            cols = tuple(c.expression for c in elements)
            given = uniques.get(tuple(c.lower() for c in cols))
            out.append(Index(name=given or unique_name(table, cols, cut=False), columns=elements, unique=True,
                             inline=True))
            continue
        body = _body(sql[re.search(rf"(?is)\bON\s+{_IDENT}\s*\(", sql).start():])  # type: ignore[union-attr]
        cols_ = []
        for part in split_top(body):
            expr, is_expr, collation = index_element(part)
            cols_.append(IndexColumn(expr, is_expression=is_expr, collation=collation))
        where = None
        after = sql[sql.index(body) + len(body):]
        w = re.search(r"(?is)\)\s*WHERE\s+(.*)$", after)
        if w:
            where = w.group(1).strip().rstrip(";").strip()
        out.append(Index(name=name, columns=tuple(cols_), unique=bool(unique), where=where))
    return out


def _constraint_elements(conn: sqlite3.Connection, index: str,
                         collations: dict[str, str | None]) -> tuple[IndexColumn, ...]:
    """The columns of a UNIQUE constraint's automatic index, each with the COLLATE it was given where that is not
    its column's own: drone's `UNIQUE(template_name COLLATE NOCASE, template_namespace COLLATE NOCASE)` on a
    BINARY `template_name` makes names differing in case duplicates, and reading the columns alone lost that (the
    unique index mizzle made from the pull was case-sensitive). The automatic index has no SQL: PRAGMA index_xinfo
    gives each key column's collation."""
    out = []
    for _seq, _cid, col, _desc, coll, key in conn.execute(f"PRAGMA index_xinfo({_q(index)})"):
        if not key:
            continue
        own = collations.get(col) or "BINARY"
        coll = canonical_collation(coll) or "BINARY"
        out.append(IndexColumn(col, collation=None if coll == own else coll))
    return tuple(out)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
