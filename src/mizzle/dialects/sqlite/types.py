"""SQLite type and default spellings, drizzle-kit's: the column types `integer`, `text`, `text(N)`, `real`,
`numeric`, `blob`; defaults as SQL text (`'anon'`, `0`, `1.5`, `true`, `(unixepoch())`, `CURRENT_TIMESTAMP`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from ...schema.model import Column, Identity, Index, Schema, Table

# the model's AUTOINCREMENT (`sqlite_autoincrement=True` on the table, as create_all writes it); a plain
# INTEGER PRIMARY KEY is a rowid alias without it
AUTOINCREMENT = Identity(kind="autoincrement")

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
KEYWORD_LITERALS = ("true", "false", "null", "current_timestamp", "current_date", "current_time")


def affinity(type_: str) -> str:
    """SQLite's column affinity for a declared type (https://sqlite.org/datatype3.html §3.1)."""
    t = type_.upper()
    if "INT" in t:
        return "integer"
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return "text"
    if "BLOB" in t or not t.strip():
        return "blob"
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return "real"
    return "numeric"


def canonical_type(declared: str) -> str:
    """A declared type as drizzle-kit spells it: lower case, no spaces (`TEXT(200)` → `text(200)`)."""
    t = " ".join(declared.strip().split()).lower()
    return re.sub(r"\s*\(\s*", "(", re.sub(r"\s*\)", ")", re.sub(r"\s*,\s*", ", ", t)))


BUILTIN_COLLATIONS = ("BINARY", "NOCASE", "RTRIM")


def canonical_collation(name: str | None) -> str | None:
    """A column's collation in one spelling: SQLite finds a collation whatever the case of its name, so its three
    built-ins are written upper-case, as its documentation spells them (`nocase`, quetz's, is `NOCASE`); BINARY,
    every column's default, is none, as a column without COLLATE."""
    if not name:
        return None
    up = name.upper()
    if up == "BINARY":
        return None
    return up if up in BUILTIN_COLLATIONS else name


def collate_sql(collation: str) -> str:
    """`COLLATE NOCASE`: SQLite's own bare, another double-quoted (its name kept as written)."""
    if collation in BUILTIN_COLLATIONS:
        return f"COLLATE {collation}"
    return 'COLLATE "' + collation.replace('"', '""') + '"'


# an index element's trailing `COLLATE name` (https://sqlite.org/syntax/indexed-column.html), and a name alone
_NAME = r'"(?:[^"]|"")+"|`(?:[^`]|``)+`|\[[^\]]+\]|(?:[A-Za-z_]|[^\x00-\x7f])(?:[\w$]|[^\x00-\x7f])*'
_ELEMENT_ASC = re.compile(r"(?is)(?P<base>.*?\S)\s+ASC\s*")
_ELEMENT_COLLATE = re.compile(rf"(?is)(?P<base>.*?\S)\s+COLLATE\s+(?P<n>{_NAME}|'(?:[^']|'')*')\s*")


def index_element(text: str) -> tuple[str, bool, str | None]:
    """An index element's SQL (`name COLLATE NOCASE`, create_all's `name COLLATE "NOCASE"`, `(lower(name)) COLLATE
    NOCASE`, `"name"`, `lower(name)`) → (a column's name or the expression, whether it is an expression, its
    COLLATE: SQLite's own upper case, BINARY kept — it differs from a NOCASE column's own —, a custom one as
    written). calibre's `CREATE INDEX tags_idx ON tags (name COLLATE NOCASE)` is column `name` collated NOCASE,
    whichever spelling the schema code, a snapshot or the database gives it. A trailing ASC, the default order, is
    left out: dstack's `Index(…, last_processed_at.asc())` (create_all: `last_processed_at ASC`) is the index its
    Alembic history made on `(last_processed_at)`."""
    text = text.strip()
    a = _ELEMENT_ASC.fullmatch(text)
    if a and _balanced(a["base"]):
        text = a["base"]
    collation = None
    m = _ELEMENT_COLLATE.fullmatch(text)
    if m and _balanced(m["base"]):
        text, collation = m["base"].strip(), canonical_collation(_unquoted(m["n"])) or "BINARY"
        if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
    if re.fullmatch(_NAME, text):
        return _unquoted(text), False, collation
    return text, True, collation


def _unquoted(name: str) -> str:
    if len(name) > 1 and name[0] in "\"`'" and name[-1] == name[0]:
        return name[1:-1].replace(name[0] * 2, name[0])
    return name[1:-1] if name[:1] == "[" else name


def index_element_sql(expression: str, is_expression: bool, collation: str | None, quote: str = "`") -> str:
    """An index element as SQL: a column quoted with `quote` (the DDL's backticks; a snapshot's `"name" COLLATE
    NOCASE` as drizzle-kit writes sql`${t.name} COLLATE NOCASE`), an expression as written (in parentheses when
    collated: COLLATE binds tighter than an operator), then its COLLATE."""
    if not is_expression:
        sql = quote + expression.replace(quote, quote * 2) + quote
    else:
        sql = f"({expression})" if collation else expression
    return sql + (" " + collate_sql(collation) if collation else "")


_TYPE_COLLATE = re.compile(rf"(?is)(?P<t>.*?\S)\s+COLLATE\s+(?P<n>{_NAME})\s*")


def split_collation(spelling: str) -> tuple[str, str | None]:
    """`text COLLATE NOCASE` → (`text`, `NOCASE`): a drizzle-kit custom type whose dataType spells a collation
    (its snapshot's `type` holds the whole text; the database has the type and, apart, the collation); without a
    COLLATE clause → (spelling, None)."""
    m = _TYPE_COLLATE.fullmatch(spelling.strip())
    if not m:
        return spelling, None
    return m["t"], canonical_collation(_unquoted(m["n"]))


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def is_constant(default: str | None) -> bool:
    """True for defaults ALTER TABLE ADD COLUMN accepts: literals (not CURRENT_* or an expression)."""
    if default is None:
        return True
    d = default.strip()
    if d.lower() in ("true", "false", "null"):
        return True
    if _NUMBER.fullmatch(d):
        return True
    return _is_string_literal(d) or bool(re.fullmatch(r"[xX]'[0-9a-fA-F]*'", d))


def _is_string_literal(d: str) -> bool:
    return _is_quoted(d, "'")


def _is_quoted(d: str, q: str) -> bool:
    """`d` is one token quoted with `q` (the quote doubled inside)."""
    return len(d) >= 2 and d[0] == q and d[-1] == q and q not in d[1:-1].replace(q + q, "")


def canonical_default(expr: str | None, type_: str) -> str | None:
    """One spelling per default: numbers bare on number columns (`'0'` → `0`), expressions parenthesised
    (SQLite requires it in DDL), literals and CURRENT_* as written."""
    if expr is None:
        return None
    d = expr.strip()
    if not d:
        return None
    low = d.lower()
    if low in KEYWORD_LITERALS:
        return low if low in ("true", "false", "null") else d.upper()
    if _NUMBER.fullmatch(d):
        return d
    if _is_quoted(d, '"'):  # `DEFAULT "manual"`: no column is in scope there, so SQLite takes it for a string (and
        # stores it so); in parentheses it would be an identifier, which SQLite refuses ("not constant")
        d = "'" + d[1:-1].replace('""', '"').replace("'", "''") + "'"
    if _is_string_literal(d):
        inner = d[1:-1]
        if affinity(type_) in ("integer", "real") and _NUMBER.fullmatch(inner):
            return inner
        return d
    if re.fullmatch(r"[xX]'[0-9a-fA-F]*'", d):
        return d
    if d.startswith("(") and d.endswith(")") and _balanced(d[1:-1]):
        return d
    return f"({d})"


def _balanced(s: str) -> bool:
    depth = 0
    quote: str | None = None
    for ch in s:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and quote is None


# create_all's spellings of the SQLAlchemy types mizzle writes in drizzle-kit's: a declared type (lower case, as
# introspection gives it) → the drizzle-kit types source.type_of gives the same SQLAlchemy type
# (SQL's own character spellings too, as TypeORM's SQLite driver declares them: `character(7)`, `varying character(40)`;
# `uuid`: the upper-case sa.UUID, which create_all declares so where the generic sa.Uuid is CHAR(32))
_CHARS = r"varchar|char|nvarchar|nchar|character|character varying|varying character|native character"
_CREATE_ALL_TYPES = [
    (re.compile(r"(integer|int|bigint|smallint|boolean)"), ("integer",)),
    (re.compile(r"(float|real|double|double precision)(\(\d+\))?"), ("real",)),
    (re.compile(r"(numeric|decimal)(\(\d+(, \d+)?\))?"), ("numeric",)),
    (re.compile(rf"({_CHARS})\s*\((?P<n>\d+)\)"), ("text({n})", "text")),
    (re.compile(rf"({_CHARS}|text|clob|json|jsonb|uuid|date|datetime|time|timestamp)"), ("text",)),
    (re.compile(r"blob"), ("blob",)),
]


def same_declared_type(declared: str, drizzle: str) -> bool:
    """`declared` (a live database's, e.g. create_all's VARCHAR(64) or BOOLEAN) is how SQLAlchemy writes a type
    mizzle writes as `drizzle` (text(64), integer): the same column in two spellings."""
    for pattern, forms in _CREATE_ALL_TYPES:
        m = pattern.fullmatch(declared)
        if m:
            return drizzle in (f.format(**m.groupdict()) for f in forms)
    # any other type source.type_of writes as its affinity (BINARY(16) → numeric)
    return drizzle in ("integer", "text", "real", "numeric", "blob") and affinity(declared) == drizzle


_BOOLEAN_NUMBERS = {"true": "1", "false": "0"}


def _same_default(declared: str | None, mine: str | None, type_: str) -> bool:
    """`DEFAULT 1` for drizzle-kit's `DEFAULT true` (SQLite's TRUE is 1), `DEFAULT '0'` on a column whose
    affinity stores it as the number 0 (create_all quotes server_default="0")."""
    if declared is None or mine is None:
        return False

    def value(d: str) -> str:
        d = _BOOLEAN_NUMBERS.get(d.lower(), d)
        if _is_string_literal(d) and affinity(type_) in ("integer", "real", "numeric") and _NUMBER.fullmatch(d[1:-1]):
            return d[1:-1]
        return d

    return value(declared) == value(mine)


# the types mizzle (and drizzle-kit) write themselves: a database declaring one was made from schema code
_OWN_TYPES = re.compile(r"integer|text|real|numeric|blob|text\(\d+\)")


def _declared_column(mine: Column, theirs: Column, rowid_key: bool = False, own_exact: bool = False) -> Column:
    """`mine` in `theirs`'s spelling where the two are one column; `rowid_key`: the table's one key column, which
    is the rowid only when declared `integer` itself (a BIGINT key is not: no value filled in); `own_exact`: a type
    `theirs` declares in mizzle's own spelling is no other spelling of `mine`'s (text(80) is not text)."""
    if rowid_key and (mine.type.lower() == "integer") != (theirs.type.lower() == "integer"):
        return mine
    retyped = not (own_exact and _OWN_TYPES.fullmatch(theirs.type))
    if retyped and mine.type != theirs.type and same_declared_type(theirs.type, mine.type):
        mine = replace(mine, type=theirs.type)
    if mine.default != theirs.default and _same_default(theirs.default, mine.default, theirs.type):
        mine = replace(mine, default=theirs.default)
    return mine


def code_forms(snapshot: Schema, code: Schema) -> Schema:
    """`snapshot` with the column types (and defaults) it declares in create_all's spelling of the code's type in
    the code's (a snapshot `pull` took from a database create_all or Alembic built: VARCHAR(64), FLOAT, DATE,
    BOOLEAN for the app's own models' text(64), real, text, integer), so `generate` finds the same column there, as
    drift and baseline do. A type in mizzle's own spelling is exact (text(64) is not text); the table's one key
    column keeps `integer` apart (the rowid)."""
    tables: list[Table] = []
    for t in snapshot.tables:
        c_t = code.table(t.schema, t.name)
        tables.append(t if c_t is None else _columns_paired(t, c_t, _code_column))
    return snapshot.with_(tables=tables)


def _columns_paired(t: Table, other: Table, rewrite: Callable[[Column, Column, bool], Column]) -> Table:
    """`t` with each column `other` has too rewritten by `rewrite(column, other's column, the table's one key
    column)`."""
    cols = {c.name: c for c in other.columns}
    key = tuple(t.primary_key.columns) if t.primary_key is not None else ()
    return replace(t, columns=tuple(rewrite(c, cols[c.name], key == (c.name,)) if c.name in cols else c
                                    for c in t.columns))


def _code_column(mine: Column, code: Column, rowid_key: bool) -> Column:
    """`mine` (a snapshot's column) in `code`'s spelling where `mine` declares create_all's of the same type."""
    if mine.type == code.type or _OWN_TYPES.fullmatch(mine.type) or not same_declared_type(mine.type, code.type):
        return mine
    if rowid_key and (mine.type.lower() == "integer") != (code.type.lower() == "integer"):
        return mine
    if mine.default != code.default and _same_default(mine.default, code.default, mine.type):
        return replace(mine, type=code.type, default=code.default)
    return replace(mine, type=code.type)


def declared_forms(expected: Schema, actual: Schema, own_exact: bool = False) -> Schema:
    """`expected` with the types and defaults that `actual` declares in create_all's spelling of the same
    SQLAlchemy type (VARCHAR(64) for text(64), BOOLEAN for integer, DATETIME for text; DEFAULT 1 for true), so a
    database create_all or Alembic built compares equal to the snapshot of the same schema code. `own_exact`
    (push): a column `actual` declares in mizzle's own spelling keeps `expected`'s type (text(80) → text is the
    code's change, which a snapshot of text(80) would show too)."""
    tables: list[Table] = []
    for t in expected.tables:
        a = actual.table(t.schema, t.name)
        if a is None:
            tables.append(t)
            continue
        t = _columns_paired(t, a, lambda c, theirs, key: _declared_column(c, theirs, key, own_exact))
        names = {i.name for i in a.indexes}
        kept = [i for i in t.indexes if i.name in names or not on_the_key(t, i)]
        tables.append(replace(t, indexes=tuple(_unfolded(kept, a.indexes, names))))
    return expected.with_(tables=tables)


def _unfolded(mine: list[Index], theirs: tuple[Index, ...], names: set[str]) -> list[Index]:
    """`mine` without the unique indexes SQLite folded into another: two UNIQUE constraints alike in one CREATE TABLE
    (`unique=True` and a UniqueConstraint on one column, galaxy's dataset.uuid) are one index to SQLite, so
    `create_all`'s database has one. Where `mine` has more plain unique indexes on some columns than the database,
    and the database has at least one there (the one the others were folded into), those the database does not name
    are left out, up to the difference. A database with none on those columns folded nothing: they are missing."""
    surplus: dict[tuple[str, ...], int] = {}
    for i in mine:
        if (cols := _plain_unique(i)) is not None:
            surplus[cols] = surplus.get(cols, 0) + 1
    held = [cols for j in theirs if (cols := _plain_unique(j)) is not None and cols in surplus]
    surplus = {cols: n - held.count(cols) if cols in held else 0 for cols, n in surplus.items()}
    out = []
    for i in mine:
        cols = _plain_unique(i)
        if cols is not None and i.name not in names and surplus.get(cols, 0) > 0:
            surplus[cols] -= 1
            continue
        out.append(i)
    return out


def _plain_unique(i: Index) -> tuple[str, ...] | None:
    if not i.unique or i.where is not None or any(c.is_expression for c in i.columns):
        return None
    return tuple(c.expression for c in i.columns)


def on_the_key(t: Table, i: Index) -> bool:
    """A unique index on exactly the primary key's columns. drizzle-kit 1.x writes `.primaryKey().unique()` as
    `PRIMARY KEY UNIQUE` inside CREATE TABLE, where SQLite makes no index for the UNIQUE (the key's own does the
    work) while its snapshot keeps a `uniques` row: where the database lacks the index, nothing is missing."""
    return t.primary_key is not None and _plain_unique(i) == tuple(t.primary_key.columns)


def unknown_collations(names: Iterable[str]) -> dict[str, str]:
    """The collations SQLite has none of: any but its three built-ins. An application may register its own on its
    connections (`sqlite3.Connection.create_collation`); mizzle's connections have only the built-ins, so a
    CREATE TABLE naming another fails there ("no such collation sequence")."""
    return {n: "SQLite has only BINARY, NOCASE and RTRIM (a collation an application registers on its own "
               "connections is not on mizzle's), so the statement naming it fails: \"no such collation sequence\""
            for n in names if n.upper() not in BUILTIN_COLLATIONS}
