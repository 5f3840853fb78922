"""pull's round-trip check, fast path: the written module read back without SQLAlchemy.

`pull` checks that the module it wrote says everything the database holds: loading it must give back the pulled
model. Loading it through SQLAlchemy (import, 1,000 `Table`s built, converted) costs more than the rest of pull
together (issue 18), so the module is first read here, without SQLAlchemy: each line `pull_code.write_module`
writes is evaluated against stand-ins for `sa`/`pg` that record the calls (a line that repeats, such as
`sa.Column("email", sa.Text)`, is evaluated once), and the calls are read with SQLAlchemy's meaning as
`dialects/postgres/source.py` converts it (serial keys, a serial's own Sequence, defaults quoted, identities'
defaults). The `mizzle.pg` lines (extensions, roles, grants, `enable_rls`, policies, views, functions, …) are
made by mizzle.pg's own classes over stand-ins of the tables and read by the schema source's `with_security`,
as loading the module would. This reader only ever says "the same": a line it does not know (`Unreadable`) or any difference
sends pull to the full SQLAlchemy check, which alone reports warnings — so the fast path can make pull faster,
never noisier. tests/integration/postgres/test_pull_check.py compares both readers on real pulled databases.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from typing import Any

from ...errors import SchemaLoadError
from ...pg.objects import ObjectDeclaration
from ...schema.model import (
    DEFAULT_SCHEMA,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Identity,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    make_schema,
)
from ...schema.naming import serial_sequence_name, truncate_identifier
from ...schema.objects import make_objects
from ...schema.security import NO_DECLARATIONS
from ...sources.loader import FoundMetaData
from ...sources.pg_security import with_security
from .types import INT_MAX, canonical_default, canonical_type, json_literal_cast, quote_literal


class Unreadable(Exception):
    """A line or call outside what write_module writes: the full SQLAlchemy check decides."""


class _Call:
    """A recorded call; one object per distinct line (the cache), so it keys per-line results by identity."""

    __slots__ = ("name", "args", "kwargs")

    def __init__(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.name = name  # as written: "sa.Column", "pg.ARRAY", "PgType"
        self.args = args
        self.kwargs = kwargs

    def __repr__(self) -> str:
        return f"{self.name}(*{self.args!r}, **{self.kwargs!r})"


@dataclass(frozen=True)
class _Ref:
    name: str  # a bare attribute (`sa.Text`), callable like the real one

    def __call__(self, *args: Any, **kwargs: Any) -> _Call:
        return _Call(self.name, args, kwargs)


class _Namespace:
    def __init__(self, prefix: str) -> None:
        self._prefix = prefix

    def __getattr__(self, name: str) -> _Ref:
        return _Ref(f"{self._prefix}.{name}")


_METADATA = object()
_SIMPLE = {  # pull_code's spelling → the type SQLAlchemy's PostgreSQL compiler writes (serials: see _column)
    "sa.Integer": "integer", "sa.BigInteger": "bigint", "sa.SmallInteger": "smallint", "sa.Text": "text",
    "sa.String": "varchar", "sa.Boolean": "boolean", "sa.REAL": "real", "sa.Double": "double precision",
    "sa.Numeric": "numeric", "sa.Uuid": "uuid", "pg.JSONB": "jsonb", "sa.JSON": "json", "sa.LargeBinary": "bytea",
    "sa.Date": "date", "pg.TIMESTAMP": "timestamp", "pg.TIME": "time", "pg.INTERVAL": "interval", "pg.INET": "inet",
    "pg.CIDR": "cidr", "pg.MACADDR": "macaddr", "pg.TSVECTOR": "tsvector",
    **{"pg." + t.upper(): t for t in ("int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange",
                                      "int4multirange", "int8multirange", "nummultirange", "datemultirange",
                                      "tsmultirange", "tstzmultirange", "hstore", "macaddr8", "tsquery", "money",
                                      "oid", "citext")},
}
_SERIAL = {"integer": "serial", "bigint": "bigserial", "smallint": "smallserial"}
_TABLE_START = re.compile(r"(\w+) = sa\.Table\($")
_ASSIGN = re.compile(r"(\w+) = (sa\.(?:Enum|Sequence|MetaData)\(.*\))$")
_KWARG = re.compile(r"(\w+)=(.*)$")
# what pull_security / pull_objects write: `x = Policy(...)`, `enable_rls(t)`, …
_PG_NAMES = ("Extension", "Role", "Grant", "Policy", "View", "Function", "Procedure", "Trigger", "Domain",
             "CompositeType")
_PG_LINE = re.compile(r"(?:\w+ = (?:" + "|".join(_PG_NAMES) + r")|enable_rls)\(")
_ORDERING_WORDS = re.compile(r"(?i)\s(asc|desc|nulls\s+(first|last))\s*$")


def read_module(text: str, dialect: str) -> Schema:
    """The model SQLAlchemy would give for a module written by write_module; Unreadable if `text` holds
    anything else."""
    reader = _Reader()
    lines = text.split("\n")
    i = reader.preamble(lines)
    tables: list[tuple[str, list[str]]] = []  # each table's variable and lines between `x = sa.Table(` and `)`
    pg_lines: list[str] = []  # mizzle.pg declarations, read once the tables are
    while i < len(lines):
        line = lines[i]
        start = _TABLE_START.match(line)
        if start:
            end = lines.index(")", i)
            tables.append((start.group(1), lines[i + 1:end]))
            i = end + 1
            continue
        m = _ASSIGN.match(line)
        if m:
            reader.assign(m.group(1), m.group(2))  # enums and sequences, before the tables that use them
        elif _PG_LINE.match(line):
            i = _pg_statement(lines, i, pg_lines)
        elif line.strip() and not line.startswith("#"):
            raise Unreadable(line)
        i += 1
    split = [[_split_item(x) for x in body] for _, body in tables]
    reader.eval_all([expr for body in split for _, expr in body])
    for (var, _), body in zip(tables, split, strict=True):
        reader.table(var, body)
    return reader.schema(dialect, pg_lines)


def _pg_statement(lines: list[str], i: int, out: list[str]) -> int:
    """The statement starting at line i (a triple-quoted string may span lines: pull_objects._s) into `out`;
    the index of its last line."""
    stmt = lines[i]
    while stmt.count('"""') % 2:
        i += 1
        if i == len(lines):
            raise Unreadable(lines[i - 1])
        stmt += "\n" + lines[i]
    out.append(stmt)
    return i


# speed: a plain string literal (no prefix, on one line) in a line the module holds. Compiling the module's distinct
# lines was ~40% of this reading's CPU on a 1,000-table pull, though most differ only in their names: with each
# string replaced by `_s[i]`, a line compiles as a template shared by all its kind (1,000 tables: ~4,000 distinct
# lines, 15 templates), and runs with its own strings. A template that is not Python (adjacent literals) fails the
# one compile, and each line is then evaluated alone, as written.
_PLAIN_STRING = re.compile(r"""(?<![\w'"])(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')(?![\w'"])""")


def _template(expr: str) -> tuple[str, tuple[str, ...]]:
    """`expr` with its plain string literals replaced by `_s[0]`, `_s[1]`, … and those strings' values; `expr` as is
    (no strings) when it holds a triple-quoted one."""
    if '"""' in expr or "'''" in expr:
        return expr, ()
    strings: list[str] = []

    def lift(m: re.Match[str]) -> str:
        lit = m.group(0)
        strings.append(lit[1:-1] if "\\" not in lit else ast.literal_eval(lit))
        return f"_s[{len(strings) - 1}]"
    return _PLAIN_STRING.sub(lift, expr), tuple(strings)


def _split_item(line: str) -> tuple[str | None, str]:
    """`    sa.Column(...),` → (None, "sa.Column(...)"); `    schema="x",` → ("schema", '"x"')."""
    item = line.strip().removesuffix(",")
    m = _KWARG.match(item)
    return (m.group(1), m.group(2)) if m else (None, item)


class _Reader:
    def __init__(self) -> None:
        self.ns: dict[str, Any] = {"__builtins__": {}, "sa": _Namespace("sa"), "pg": _Namespace("pg"),
                                   "PgType": _Ref("PgType"), "metadata": _METADATA}
        self.cache: dict[str, Any] = {}
        self.columns: dict[tuple[_Call, bool, bool], Column] = {}  # see _TableReader.cached_column
        self.tables: list[Table] = []
        self.enums: dict[tuple[str, str], Enum] = {}
        self.sequences: list[Sequence] = []
        self.declared_schemas: list[str] = []

    def eval(self, expr: str) -> Any:
        if expr not in self.cache:
            try:
                self.cache[expr] = eval(expr, self.ns)  # noqa: S307 - the module pull just wrote, stand-ins only
            except Exception as e:  # a name or construct the stand-ins do not know
                raise Unreadable(f"{expr}: {e}") from None
        return self.cache[expr]

    def eval_all(self, exprs: list[str]) -> None:
        """Evaluate the distinct expressions in one compile (one per line costs several times more) — of their
        templates (see _template): lines that differ only in their strings are compiled once."""
        todo = [e for e in dict.fromkeys(exprs) if e not in self.cache]
        if not todo:
            return
        shapes = [_template(e) for e in todo]
        templates = list(dict.fromkeys(t for t, _ in shapes))
        try:
            made = eval("(" + ",\n".join(f"(lambda _s: ({t}))" for t in templates) + ",)", self.ns)  # noqa: S307 - as in eval()
            fns = dict(zip(templates, made, strict=True))
            values = tuple(fns[t](strings) for t, strings in shapes)
        except Exception:  # noqa: BLE001 - find the line: each alone
            values = tuple(self.eval(e) for e in todo)
        self.cache.update(zip(todo, values, strict=True))

    def preamble(self, lines: list[str]) -> int:
        """Skip the docstring, the imports and the PgType helper, up to `metadata = sa.MetaData(...)`."""
        for i, line in enumerate(lines):
            if line.startswith("metadata = sa.MetaData("):
                meta = self.eval(line.split(" = ", 1)[1])
                info = meta.kwargs.get("info") or {}
                self.declared_schemas = list((info.get("mizzle") or {}).get("schemas") or ())
                return i + 1
            ok = (not line.strip() or line.startswith(('"""', "import ", "from ", "class PgType(", " ")))
            if not ok:
                raise Unreadable(line)
        raise Unreadable("no metadata = sa.MetaData(...)")

    def assign(self, var: str, expr: str) -> None:
        call = self.eval(expr)
        kw = call.kwargs
        if call.name == "sa.Enum":
            e = Enum(kw["name"], tuple(call.args), kw.get("schema") or DEFAULT_SCHEMA)
            self.enums[e.key] = e
        elif call.name == "sa.Sequence":
            self.sequences.append(_sequence(call))
        else:
            raise Unreadable(expr)
        self.ns[var] = call

    def table(self, var: str, body: list[tuple[str | None, str]]) -> None:
        head = self.eval(body[0][1]) if body and body[0][0] is None else None
        if not (isinstance(head, tuple) and len(head) == 2 and head[1] is _METADATA):
            raise Unreadable(f"a table: {body[:1]}")
        items, kwargs = [], {}
        for key, expr in body[1:]:
            if key is not None:
                kwargs[key] = self.eval(expr)
            else:
                items.append(self.eval(expr))
        if set(kwargs) - {"schema", "comment"}:
            raise Unreadable(f"table {head[0]}: {sorted(kwargs)}")
        table = _TableReader(self, head[0], kwargs.get("schema") or DEFAULT_SCHEMA).read(items, kwargs.get("comment"))
        self.tables.append(table)
        self.ns[var] = _TableStandIn(table.name, table.schema)

    def schema(self, dialect: str, pg_lines: list[str]) -> Schema:
        used = {t.schema for t in self.tables} | {e.schema for e in self.enums.values()}
        used |= {s.schema for s in self.sequences}
        declared = self.pg_objects(pg_lines)
        objects = make_objects([o.to_model() for o in declared if isinstance(o, ObjectDeclaration)])
        used |= {o.schema for o in objects.all()}
        schemas = {x for x in used | set(self.declared_schemas) if x != DEFAULT_SCHEMA}
        model = make_schema(dialect, tables=self.tables, enums=self.enums.values(), sequences=self.sequences,
                            schemas=schemas, objects=objects, security=NO_DECLARATIONS)
        # as the schema source does: the security declarations onto the tables' model
        seen = {v.key: (v, "<pulled module>") for v in self.ns.values() if isinstance(v, _TableStandIn)}
        try:
            return with_security(model, [FoundMetaData(None, "<pulled module>", tuple(declared))], seen)
        except SchemaLoadError as e:
            raise Unreadable(str(e)) from None

    def pg_objects(self, pg_lines: list[str]) -> list[Any]:
        """The mizzle.pg declarations, made by mizzle.pg itself (the tables are stand-ins with a name, a schema
        and an `info` that enable_rls marks)."""
        if not pg_lines:
            return []
        from ... import pg

        self.ns.update({name: getattr(pg, name) for name in (*_PG_NAMES, "ViewIndex", "enable_rls")})
        out = []
        for line in pg_lines:
            var, eq, expr = line.partition(" = ") if not line.startswith("enable_rls(") else ("", "", line)
            value = self.eval(expr)
            if eq:
                if not isinstance(value, pg.PgObject):
                    raise Unreadable(line)
                self.ns[var] = value
                out.append(value)
        return out


class _TableStandIn:
    """A table variable of the module, for mizzle.pg's declarations (table_key, enable_rls read these)."""

    def __init__(self, name: str, schema: str) -> None:
        self.name, self.schema = name, schema
        self.info: dict[str, Any] = {}

    @property
    def key(self) -> tuple[str, str]:
        return (self.schema, self.name)


class _TableReader:
    def __init__(self, reader: _Reader, name: str, schema: str) -> None:
        self.reader, self.name, self.schema = reader, name, schema

    def read(self, items: list[Any], comment: str | None) -> Table:
        by_kind: dict[str, list[_Call]] = {}
        for it in items:
            if not isinstance(it, _Call):
                raise Unreadable(f"table {self.name}: {it!r}")
            by_kind.setdefault(it.name, []).append(it)
        known = {"sa.Column", "sa.PrimaryKeyConstraint", "sa.ForeignKeyConstraint", "sa.UniqueConstraint",
                 "sa.CheckConstraint", "sa.Index"}
        if set(by_kind) - known:
            raise Unreadable(f"table {self.name}: {sorted(set(by_kind) - known)}")
        cols = by_kind.get("sa.Column", [])
        pk = self.primary_key(cols, by_kind.get("sa.PrimaryKeyConstraint", []))
        pk_cols = pk.columns if pk else ()
        return Table(
            name=self.name, schema=self.schema, columns=tuple(self.cached_column(c, pk_cols) for c in cols),
            primary_key=pk,
            foreign_keys=tuple(self.foreign_key(c) for c in by_kind.get("sa.ForeignKeyConstraint", [])),
            uniques=tuple(UniqueConstraint(c.kwargs["name"], tuple(c.args),
                                           bool(c.kwargs.get("postgresql_nulls_not_distinct")))
                          for c in by_kind.get("sa.UniqueConstraint", [])),
            checks=tuple(CheckConstraint(c.kwargs["name"], c.args[0].strip())
                         for c in by_kind.get("sa.CheckConstraint", [])),
            indexes=tuple(self.index(c, {c.args[0] for c in cols}) for c in by_kind.get("sa.Index", [])),
            comment=comment, comments=tuple(sorted(_index_comment(c) for c in by_kind.get("sa.Index", [])
                                                   if "info" in c.kwargs)))

    def primary_key(self, cols: list[_Call], constraints: list[_Call]) -> PrimaryKey | None:
        inline = tuple(c.args[0] for c in cols if c.kwargs.get("primary_key"))
        if constraints and not inline and len(constraints) == 1 and constraints[0].kwargs.get("name"):
            return PrimaryKey(tuple(constraints[0].args), constraints[0].kwargs["name"])
        if len(inline) == 1 and not constraints:
            return PrimaryKey(inline, None)
        if inline or constraints:  # unnamed composite keys: named by the config's naming — SQLAlchemy decides
            raise Unreadable(f"table {self.name}: primary key")
        return None

    def cached_column(self, c: _Call, pk_cols: tuple[str, ...]) -> Column:
        """A column line that repeats (`sa.Column("email", sa.Text)`) is read once per place in the key; one
        with a Sequence or an Identity depends on the table's name, and is read each time."""
        if len(c.args) > 2:
            return self.column(c, pk_cols)
        key = (c, c.args[0] in pk_cols, pk_cols == (c.args[0],))
        col = self.reader.columns.get(key)
        if col is None:
            col = self.reader.columns[key] = self.column(c, pk_cols)
        return col

    def column(self, c: _Call, pk_cols: tuple[str, ...]) -> Column:
        name, type_call, *extra = c.args
        kw = dict(c.kwargs)
        if set(kw) - {"primary_key", "autoincrement", "nullable", "server_default", "comment", "info"}:
            raise Unreadable(f"column {self.name}.{name}: {sorted(kw)}")
        note = _column_note(self.name, name, kw.pop("info", None))
        serial = note.get("serial")
        type_, type_schema = self.reader_type(type_call)
        identity = generated = None
        own_sequence = False
        for e in extra:
            if isinstance(e, _Call) and e.name == "sa.Identity":
                identity = _identity(e, type_, note.get("identity_sequence") or serial_sequence_name(self.name, name))
            elif isinstance(e, _Call) and e.name == "sa.Computed" and len(e.args) == 1 and not e.kwargs:
                generated = e.args[0].strip()
            elif isinstance(e, _Call) and e.name == "sa.Sequence" and self.own_sequence(e, name, type_):
                own_sequence = True
            else:
                raise Unreadable(f"column {self.name}.{name}: {e!r}")
        if "identity_sequence" in note and identity is None:  # refused by the SQLAlchemy reading
            raise Unreadable(f"column {self.name}.{name}: identity_sequence")
        if serial is not None:
            if type_ not in _SERIAL or own_sequence or identity is not None or "server_default" in kw:
                raise Unreadable(f"column {self.name}.{name}: serial")
            type_ = _SERIAL[type_]
        elif own_sequence:  # a Sequence on a column is free-standing (create_all makes no default): the full reading
            raise Unreadable(f"column {self.name}.{name}: a Sequence")
        elif kw.get("autoincrement") is True and pk_cols == (name,) and type_ in _SERIAL and identity is None \
                and "server_default" not in kw:
            type_ = _SERIAL[type_]
        elif kw.get("autoincrement") is True:
            raise Unreadable(f"column {self.name}.{name}: autoincrement")
        default = None
        if "server_default" in kw:
            default = _default(kw["server_default"], type_, type_schema is not None)
        not_null = kw.get("nullable") is False or name in pk_cols or type_.endswith("serial") or identity is not None
        return Column(name=name, type=type_, not_null=not_null, default=default, type_schema=type_schema,
                      identity=identity, generated=generated, comment=kw.get("comment"))

    def own_sequence(self, s: _Call, column: str, type_: str) -> bool:
        expected = truncate_identifier(f"{self.name}_{column}_seq")
        return (type_ in _SERIAL and s.args == (expected,) and set(s.kwargs) <= {"schema"}
                and (s.kwargs.get("schema") or DEFAULT_SCHEMA) == self.schema)

    def reader_type(self, t: Any) -> tuple[str, str | None]:
        if isinstance(t, _Call) and t.name == "pg.ARRAY" and len(t.args) == 1 and set(t.kwargs) <= {"dimensions"}:
            inner, schema = self.reader_type(t.args[0])
            return inner + "[]" * (t.kwargs.get("dimensions") or 1), schema
        if isinstance(t, _Call) and t.name == "sa.Enum":
            return t.kwargs["name"], t.kwargs.get("schema") or DEFAULT_SCHEMA
        return _scalar_type(t), None

    def foreign_key(self, c: _Call) -> ForeignKey:
        cols, refs = c.args
        kw = c.kwargs
        if set(kw) - {"name", "ondelete", "onupdate", "deferrable", "initially"}:
            raise Unreadable(f"table {self.name}: foreign key {sorted(kw)}")
        parts = [r.split(".") for r in refs]
        if len({len(p) for p in parts}) != 1 or len(parts[0]) not in (2, 3) or len({tuple(p[:-1]) for p in parts}) != 1:
            raise Unreadable(f"table {self.name}: foreign key to {refs}")  # a dotted name: SQLAlchemy decides
        ref_schema = parts[0][0] if len(parts[0]) == 3 else DEFAULT_SCHEMA
        deferrable = None
        if kw.get("deferrable"):
            deferrable = "deferred" if (kw.get("initially") or "").lower() == "deferred" else "immediate"
        return ForeignKey(name=kw["name"], columns=tuple(cols), ref_table=parts[0][-2],
                          ref_columns=tuple(p[-1] for p in parts), ref_schema=ref_schema,
                          on_delete=(kw.get("ondelete") or "no action").lower(),
                          on_update=(kw.get("onupdate") or "no action").lower(), deferrable=deferrable)

    def index(self, c: _Call, columns: set[str]) -> Index:
        name, *exprs = c.args
        kw = c.kwargs
        known = {"unique", "postgresql_using", "postgresql_ops", "postgresql_with", "postgresql_include",
                 "postgresql_where", "info"}
        if set(kw) - known:
            raise Unreadable(f"index {name}: {sorted(kw)}")
        ops = kw.get("postgresql_ops") or {}
        cols = [_index_column(e, columns, ops) for e in exprs]
        if not cols or set(ops) - {e for e in exprs if isinstance(e, str)}:
            raise Unreadable(f"index {name}: operator classes")  # keyed by an expression: SQLAlchemy decides
        where = kw.get("postgresql_where")
        if where is not None and not (isinstance(where, _Call) and where.name == "sa.text"):
            raise Unreadable(f"index {name}: where")
        with_ = tuple(sorted((str(k), str(v).lower() if isinstance(v, bool) else str(v))
                             for k, v in (kw.get("postgresql_with") or {}).items()))
        return Index(name=name, columns=tuple(cols), unique=bool(kw.get("unique")),
                     method=(kw.get("postgresql_using") or "btree").lower(),
                     where=where.args[0].strip() if where is not None else None, with_=with_,
                     include=tuple(kw.get("postgresql_include") or ()))


def _index_comment(c: _Call) -> tuple[str, str, str]:
    """An index's `info={"mizzle": {"comment": …}}` (sa.Index has no comment=), as the table's comments hold it."""
    info = c.kwargs["info"]
    if not (isinstance(info, dict) and set(info) == {"mizzle"} and isinstance(info["mizzle"], dict)
            and set(info["mizzle"]) == {"comment"} and isinstance(info["mizzle"]["comment"], str)):
        raise Unreadable(f"index {c.args[0]}: info")
    return ("index", c.args[0], info["mizzle"]["comment"])


def _scalar_type(t: Any) -> str:
    if isinstance(t, _Ref) and t.name in _SIMPLE:
        return _SIMPLE[t.name]
    if not isinstance(t, _Call):
        raise Unreadable(repr(t))
    args, kw = t.args, t.kwargs
    if t.name == "PgType" and len(args) == 1:
        out = canonical_type(args[0])
        if re.match(r"(n?char|nvarchar|national|numeric\(\d+\)$)", out):
            raise Unreadable(out)  # spellings the converter rewrites
        return out
    if t.name in ("sa.String", "sa.CHAR") and len(args) == 1 and not kw:
        return f"{'varchar' if t.name == 'sa.String' else 'char'}({int(args[0])})"
    if t.name == "sa.Numeric" and 1 <= len(args) <= 2 and not kw:
        return f"numeric({int(args[0])}, {int(args[1]) if len(args) == 2 else 0})"
    if t.name in ("pg.TIMESTAMP", "pg.TIME") and not args and set(kw) <= {"precision", "timezone"}:
        base = t.name[3:].lower()
        prec = f"({int(kw['precision'])})" if kw.get("precision") is not None else ""
        return canonical_type(f"{base}{prec}{' with time zone' if kw.get('timezone') else ''}")
    raise Unreadable(repr(t))


def _index_column(e: Any, columns: set[str], ops: dict[str, str]) -> IndexColumn:
    asc, nulls = True, None
    while isinstance(e, _Call) and e.name in ("sa.desc", "sa.asc", "sa.nulls_first", "sa.nulls_last"):
        if e.name == "sa.desc":
            asc = False
        elif e.name.startswith("sa.nulls_"):
            nulls = e.name[len("sa.nulls_"):]
        (e,) = e.args
    if isinstance(e, str) and e in columns:
        return IndexColumn(e, False, asc, nulls or ("last" if asc else "first"), ops.get(e))
    if isinstance(e, _Call) and e.name == "sa.text" and len(e.args) == 1:
        text = e.args[0].strip()
        if not _ORDERING_WORDS.search(text) and text.strip('"') not in columns:
            return IndexColumn(text, True, asc, nulls or ("last" if asc else "first"), None)
    raise Unreadable(repr(e))  # an ordering word or a bare column in the text: SQLAlchemy's reading decides


def _default(d: Any, type_: str, is_enum: bool) -> str | None:
    if isinstance(d, str):
        return json_literal_cast(canonical_default(quote_literal(d), type_, is_enum), type_)
    if isinstance(d, _Call) and d.name == "sa.text" and len(d.args) == 1:
        return json_literal_cast(canonical_default(d.args[0], type_, is_enum), type_)
    raise Unreadable(repr(d))


def _column_note(table: str, column: str, info: Any) -> dict[str, Any]:
    """A column's info={"mizzle": {…}} when the fast reading knows all of it: "serial": True (a serial column
    outside the key: the SQLAlchemy reader makes it the type's serial) and "identity_sequence" (a name, the
    identity's sequence); any other info is for the full reading."""
    if info is None:
        return {}
    note = info.get("mizzle") if isinstance(info, dict) and set(info) == {"mizzle"} else None
    if not isinstance(note, dict) or not note or set(note) - {"serial", "identity_sequence"}:
        raise Unreadable(f"column {table}.{column}: info {info!r}")
    sequence = note.get("identity_sequence")
    if note.get("serial", True) is not True or ("identity_sequence" in note and not (isinstance(sequence, str)
                                                                                     and sequence)):
        raise Unreadable(f"column {table}.{column}: info {info!r}")
    return {**note, "identity_sequence": truncate_identifier(sequence)} if sequence else note


def _identity(i: _Call, type_: str, sequence_name: str) -> Identity:
    """As dialects/postgres/source.py's _identity fills what the code leaves out."""
    kw = i.kwargs
    if i.args or set(kw) - {"always", "start", "increment", "minvalue", "maxvalue", "cache", "cycle"}:
        raise Unreadable(repr(i))
    inc = kw.get("increment", 1)
    minv = kw.get("minvalue", 1)
    start = kw.get("start", minv)
    return Identity(kind="always" if kw.get("always") else "byDefault",
                    sequence_name=sequence_name, increment=str(inc), start=str(start),
                    min_value=str(minv), max_value=str(kw.get("maxvalue", INT_MAX.get(type_, INT_MAX["integer"]))),
                    cache=str(kw.get("cache", 1)), cycle=bool(kw.get("cycle")))


def _sequence(s: _Call) -> Sequence:
    """As dialects/postgres/source.py's converter fills what the code leaves out."""
    kw = s.kwargs
    if len(s.args) != 1 or set(kw) - {"start", "increment", "minvalue", "maxvalue", "cache", "cycle", "schema",
                                      "metadata"}:
        raise Unreadable(repr(s))
    inc = kw.get("increment", 1)
    minv = kw.get("minvalue", 1 if inc > 0 else -9223372036854775808)
    maxv = kw.get("maxvalue", 9223372036854775807 if inc > 0 else -1)
    start = kw.get("start", minv if inc > 0 else maxv)
    return Sequence(name=s.args[0], schema=kw.get("schema") or DEFAULT_SCHEMA, increment=str(inc), start=str(start),
                    min_value=str(minv), max_value=str(maxv), cache=str(kw.get("cache", 1)),
                    cycle=bool(kw.get("cycle")))


def _json_defaults_cast(model: Schema) -> Schema:
    """`model` with each json/jsonb column's one-literal default cast as reading a module spells it (`'{}'` →
    `'{}'::jsonb`, types.json_literal_cast): the server stores the default `'{}'` the module's `server_default="{}"`
    makes, so the pulled model and its snapshot say `'{}'`, and the two are one default. Speed: compared so, a
    pull whose tables have such a default is settled by equality, not by the diff (1,000 tables with a jsonb
    default: the diff was ~40% of the check's CPU). Tables without one are kept as they are."""
    def cast(c: Column) -> Column:
        to = json_literal_cast(c.default, c.type)
        return c if to == c.default else replace(c, default=to)

    def table(t: Table) -> Table:
        cols = tuple(cast(c) for c in t.columns)
        return t if all(a is b for a, b in zip(cols, t.columns, strict=True)) else t.with_(columns=cols)
    return replace(model, tables=tuple(table(t) for t in model.tables))


def same_model(text: str, expected: Schema) -> bool:
    """Does the module `text` (written by write_module) read as `expected`? False when it does not, or when a
    line is outside what this reader knows: either way the full SQLAlchemy check then decides."""
    try:
        read = read_module(text, expected.dialect)
    except Exception:  # noqa: BLE001 - Unreadable, or a call shaped otherwise than write_module writes it:
        return False   # whatever it is, the SQLAlchemy check decides
    if read.security != expected.security and read.security.is_empty and expected.security.is_empty:
        # the module declares no extensions and no grants (()), the snapshot does not track them (None): with
        # nothing in either, no change either way — settled here, not by the diff below (a tenth of pull's time)
        read = replace(read, security=expected.security)
    if read == expected or read == _json_defaults_cast(expected):
        return True
    from ...schema.diff import Renames, diff

    return not diff(expected, read, Renames(none=True)).changes
