"""Names for constraints the schema code leaves unnamed: drizzle-kit's, or PostgreSQL's own; both truncated to 63 bytes
where the database cuts them (PostgreSQL; SQLite keeps a name whole, and its dialect's modules pass `cut=False`)."""

from __future__ import annotations

import re

MAX_IDENTIFIER_BYTES = 63


def truncate_identifier(name: str) -> str:
    data = name.encode("utf-8")
    if len(data) <= MAX_IDENTIFIER_BYTES:
        return name
    return data[:MAX_IDENTIFIER_BYTES].decode("utf-8", errors="ignore")


def first_free(base: str, taken: set[str]) -> str:
    """`base`, else the first of `base1`, `base2`, … not in `taken`: how a second unnamed check, or key, of one
    table is named apart (`t_check`, `t_check1`)."""
    name, i = base, 1
    while name in taken:
        name, i = f"{base}{i}", i + 1
    return name


def unique_name(table: str, columns: tuple[str, ...], cut: bool = True) -> str:
    """drizzle-kit's `<table>_<cols>_unique`; `cut=False` on SQLite (see fk_name)."""
    name = f"{table}_{'_'.join(columns)}_unique"
    return truncate_identifier(name) if cut else name


def pk_name(table: str, columns: tuple[str, ...], cut: bool = True) -> str:
    """drizzle-kit's `<table>_<cols>_pk`; `cut=False` on SQLite, which keeps a name whole, as drizzle-kit writes it
    there (homarr's `integrationGroupPermissions_integration_id_group_id_permission_pk`, 64 characters)."""
    name = f"{table}_{'_'.join(columns)}_pk"
    return truncate_identifier(name) if cut else name


def fk_name(table: str, columns: tuple[str, ...], ref_table: str, ref_columns: tuple[str, ...],
            cut: bool = True) -> str:
    """drizzle-kit's `<table>_<cols>_<reftable>_<refcols>_fk`; `cut=False` on SQLite, which has no length limit
    and where drizzle-kit keeps the name whole (cut, two long foreign keys of one table could share a name)."""
    name = f"{table}_{'_'.join(columns)}_{ref_table}_{'_'.join(ref_columns)}_fk"
    return truncate_identifier(name) if cut else name


def fk_name_v1(table: str, columns: tuple[str, ...], ref_table: str, ref_columns: tuple[str, ...]) -> str:
    """drizzle-kit 1.x's name of an unnamed foreign key: `<table>_<cols>_<reftable>_<refcols>_fkey` (its other
    defaults are PostgreSQL's own: `_key`, `_pkey`). Longer than 63 characters, it is `<table>_<hash>_fkey`, or
    `<hash>_fkey` for a table name of 45 characters or more (lengths in UTF-16 code units, as JavaScript counts)."""
    desired = f"{table}_{'_'.join(columns)}_{ref_table}_{'_'.join(ref_columns)}_fkey"
    if _js_length(desired) <= MAX_IDENTIFIER_BYTES:
        return truncate_identifier(desired)  # the server's own cut, where a name of 63 characters is more bytes
    short = f"{_kit_hash(desired)}_fkey"
    return truncate_identifier(f"{table}_{short}" if _js_length(table) < 45 else short)


_KIT_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _kit_hash(text: str, size: int = 12) -> str:
    """The 12-character digest drizzle-kit 1.x puts in a long name: a polynomial hash of the code points (base
    53, modulo 62**12) written in base 62."""
    modulus = len(_KIT_DIGITS) ** size
    value, power = 0, 1
    for ch in text:
        value = (value + ord(ch) * power) % modulus
        power = power * 53 % modulus
    digits = []
    for _ in range(size):
        value, d = divmod(value, len(_KIT_DIGITS))
        digits.append(_KIT_DIGITS[d])
    return "".join(reversed(digits))


def _js_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# PostgreSQL's own names for the constraints a CREATE TABLE leaves unnamed (what SQLAlchemy's create_all and
# Alembic produce): `<table>_pkey`, `<table>_<cols>_key`, `<table>_<cols>_fkey`, `<table>_<col>_check`.
NAMING_CHOICES = ("drizzle", "postgresql", "drizzle1")


def make_object_name(name1: str, name2: str | None, label: str | None) -> str:
    """PostgreSQL's makeObjectName(): `name1_name2_label`, the longer of name1 and name2 cut one byte at a
    time until the whole fits 63 bytes (at a character boundary, as pg_mbcliplen does)."""
    b1, b2 = name1.encode("utf-8"), (name2 or "").encode("utf-8")
    overhead = (1 if name2 else 0) + (len(label.encode("utf-8")) + 1 if label else 0)
    avail = MAX_IDENTIFIER_BYTES - overhead
    n1, n2 = len(b1), len(b2)
    while n1 + n2 > avail:
        if n1 > n2:
            n1 -= 1
        else:
            n2 -= 1
    out = _clip(b1, n1)
    if name2:
        out += "_" + _clip(b2, n2)
    if label:
        out += "_" + label
    return out


def serial_sequence_name(table: str, column: str) -> str:
    """The sequence PostgreSQL creates for a serial or identity column without a name of its own
    (ChooseRelationName(table, column, "seq")): `<table>_<column>_seq`, both parts cut to fit 63 bytes."""
    return make_object_name(table, column, "seq")


def implicit_pkey_name(table: str) -> str:
    """`<table>_pkey`, the primary key's name when none is given (the table name cut to fit 63 bytes)."""
    return make_object_name(table, None, "pkey")


def may_be_unnamed_key(name: str | None) -> bool:
    """Whether a primary key named `name` may be one a snapshot leaves unnamed: `<table>_pkey` of the table's name
    when it was made, which PostgreSQL keeps through ALTER TABLE … RENAME (dokploy's 0066 made `session_temp`, renamed
    it `session`: its unnamed key is `session_temp_pkey`, which `pull` names). A name of another form (a naming
    convention's `pk_users`) is the code's own."""
    return name is not None and name.endswith("_pkey")


def _clip(data: bytes, n: int) -> str:
    return data[:n].decode("utf-8", errors="ignore")


def choose_name(name1: str, name2: str | None, label: str, taken: set[str]) -> str:
    """PostgreSQL's ChooseConstraintName()/ChooseRelationName(): the first of `label`, `label1`, `label2`, …
    whose name is not taken yet; the name is added to `taken`."""
    n = 0
    while True:
        name = make_object_name(name1, name2, label if n == 0 else f"{label}{n}")
        if name not in taken:
            taken.add(name)
            return name
        n += 1


def column_addition(columns: tuple[str, ...]) -> str:
    """ChooseIndexNameAddition()/ChooseForeignKeyConstraintNameAddition(): the column names joined by `_`,
    stopped once 63 bytes are reached."""
    out = ""
    for col in columns:
        if out:
            out += "_"
        out += col
        if len(out.encode("utf-8")) >= MAX_IDENTIFIER_BYTES:
            break
    return _clip(out.encode("utf-8"), MAX_IDENTIFIER_BYTES)


def mentions(text: str, name: str) -> bool:
    """Whether SQL `text` may refer to identifier `name`, bare or double-quoted (`""` inside quotes read as one
    `"`). Cautious: a string literal that holds the name counts too, so a caller may do more than needed
    (drop and add a check again, remake a view), never less."""
    return re.search(r'(?<![\w$"])"?' + re.escape(name).replace('"', '""') + r'"?(?![\w$"])', text) is not None


_PLAIN_LITERAL = re.compile(r"'(?:[^']|'')*'")
_OTHER_QUOTES = re.compile(r"(?i)(?<![\w$])[eu]&?'|\$")  # E'…' (backslash escapes), U&'…', dollar quotes


def mentions_in_expression(text: str, name: str) -> bool:
    """`mentions`, for a table's own expression (a generated column's, an index's, a check's): a name inside one of
    its plain string literals is no use of the column (arize-phoenix's `message ->> 'id'` does not use `id`). Where
    the text holds a literal of another quoting (E'…', U&'…', $$…$$), as cautious as `mentions`."""
    if not _OTHER_QUOTES.search(text):
        text = _PLAIN_LITERAL.sub("''", text)
    return mentions(text, name)


_MIXED_CASE_NAME = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*")


def type_name(t: str) -> str:
    """A type as SQL spells it: a domain or type named "PositiveInt" (the model keeps a type's name as the server
    has it, unquoted) quoted, so that it is not read lower-cased; any other spelling (`integer`, `varchar(3)`,
    `timestamp with time zone`) as it is."""
    if _MIXED_CASE_NAME.fullmatch(t) and t != t.lower():
        return ".".join('"' + p.replace('"', '""') + '"' for p in t.split("."))
    return t



def drizzle1_default_names(table: str, obj: object, sqlite: bool = False) -> tuple[str, ...]:
    """The names drizzle-kit 1.x gives a unique constraint (a column's `unique()`, `<t>_<col>_key`; a table's
    `unique().on(…)`, `<t>_<cols>_unique`), a foreign key or an index (`<t>_<cols>_index`; none for one over an
    expression) that the schema code leaves unnamed, on table `table`. Duck-typed on the model's classes.
    `sqlite`: SQLite's model also names a foreign key as 0.x does and has a `.unique()` as a unique index."""
    cols = tuple(getattr(obj, "columns", ()))
    if hasattr(obj, "ref_table"):
        ref, ref_cols = obj.ref_table, tuple(obj.ref_columns)  # type: ignore[attr-defined]
        return (fk_name_v1(table, cols, ref, ref_cols), *((fk_name(table, cols, ref, ref_cols, cut=False),) if sqlite else ()))
    if hasattr(obj, "method"):  # an index
        if any(c.is_expression for c in cols):  # type: ignore[attr-defined]
            return ()
        names = tuple(c.expression for c in cols)  # type: ignore[attr-defined]
        own = (unique_name(table, names, cut=False),) if sqlite and getattr(obj, "unique", False) else ()
        return (make_object_name(table, column_addition(names), "index"), *own)
    return (make_object_name(table, column_addition(cols), "key"), unique_name(table, cols))
