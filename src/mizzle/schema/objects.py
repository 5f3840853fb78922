"""PostgreSQL objects beyond tables, as facts of the model: views and materialized views (with their indexes
and options), functions and procedures, triggers, domains, composite types. Frozen dataclasses, no I/O.

Every text (a view's query, a function's body, a type) is held as its source gave it; two spellings of one
object are told apart or matched by what the server stores (`dialects/postgres/canonical_objects.py`) when a
server is at hand, otherwise by the text with its outer whitespace and a trailing `;` trimmed.

Each object's `comment` (COMMENT ON) is left out of its equality: a comment changed alone is set in place
(`CommentObject`), never a reason to make the object again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

DEFAULT_SCHEMA = "public"
# a function's COST and a set-returning function's ROWS when not given (for the languages mizzle manages)
DEFAULT_COST = 100.0
DEFAULT_ROWS = 1000.0


def clean_sql(text: str) -> str:
    """A query or body as a source gave it, with outer whitespace and a trailing `;` trimmed."""
    text = text.strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


@dataclass(frozen=True)
class ViewIndex:
    """An index of a materialized view: `columns` is the text between the parentheses (`user_id`,
    `lower(email), id`)."""

    name: str
    columns: str
    unique: bool = False
    method: str = "btree"
    where: str | None = None

    def __str__(self) -> str:
        """As a line names it: `mv_id UNIQUE USING hash (id) WHERE id > 0` (btree left out)."""
        using = "" if self.method == "btree" else f" USING {self.method}"
        where = f" WHERE {self.where}" if self.where else ""
        return f"{self.name}{' UNIQUE' if self.unique else ''}{using} ({self.columns}){where}"


@dataclass(frozen=True)
class View:
    name: str
    definition: str  # the query
    schema: str = DEFAULT_SCHEMA
    materialized: bool = False
    options: tuple[tuple[str, str], ...] = ()  # PostgreSQL's reloptions, sorted: ("security_barrier", "true")
    indexes: tuple[ViewIndex, ...] = ()  # materialized views only, sorted by name
    # materialized: created WITH NO DATA — how it is made, not what it is (a REFRESH fills it): not compared
    with_no_data: bool = field(default=False, compare=False)
    renamed_from: str | None = field(default=None, compare=False)
    comment: str | None = field(default=None, compare=False)  # COMMENT ON: diffed on its own (CommentObject)
    # materialized: the access method its CREATE names (drizzle-kit's `.using("heap")`, which its snapshot keeps and
    # the server's default makes no trace of): carried from the snapshot and the SQL, not compared
    using: str | None = field(default=None, compare=False)

    kind = "view"

    @property
    def key(self) -> tuple[str, ...]:
        return (self.schema, self.name)

    @property
    def label(self) -> str:
        return ("materialized view " if self.materialized else "view ") + _q(self.schema, self.name)


_STANDARD_BODY = re.compile(r"\s*(?:(RETURN)\s|(BEGIN\s+ATOMIC)\b)(.*)", re.I | re.S)


def is_standard_body(body: str) -> bool:
    """Whether a body is SQL-standard (PostgreSQL 14+: `RETURN expr` or `BEGIN ATOMIC … END`), written after the
    function's head as is, not between dollar quotes (neither form is a valid quoted body in SQL or PL/pgSQL)."""
    return _STANDARD_BODY.match(body) is not None


def body_statements(body: str) -> str:
    """The SQL a body runs, as plain statements a parser reads: `RETURN e` → `SELECT e`, `BEGIN ATOMIC s; END` →
    `s;`; a quoted body as it is."""
    m = _STANDARD_BODY.match(body)
    if m is None:
        return body
    if m.group(1):
        return "SELECT " + m.group(3)
    inner = m.group(3).rstrip().rstrip(";").rstrip()
    return inner[:-3] if inner.upper().endswith("END") else inner


@dataclass(frozen=True)
class Routine:
    """A function (`returns` set) or a procedure (`returns` None)."""

    name: str
    args: str  # as in CREATE FUNCTION's parentheses: "a integer, b text DEFAULT 'x'"
    body: str  # the text between the dollar quotes, which the server stores as given; or a SQL-standard body
    returns: str | None = None
    schema: str = DEFAULT_SCHEMA
    language: str = "plpgsql"
    volatility: str = "volatile"  # volatile | stable | immutable
    strict: bool = False
    security_definer: bool = False
    parallel: str = "unsafe"  # unsafe | restricted | safe
    config: tuple[tuple[str, str], ...] = ()  # SET name = value
    cost: float | None = None  # COST; None: PostgreSQL's default (100 for the languages mizzle manages)
    rows: float | None = None  # ROWS of a set-returning function; None: the default (1000)
    leakproof: bool = False
    comment: str | None = field(default=None, compare=False)
    renamed_from: str | None = field(default=None, compare=False)

    kind = "function"

    @property
    def is_procedure(self) -> bool:
        return self.returns is None

    @property
    def key(self) -> tuple[str, ...]:
        return (self.schema, self.name, self.args)

    @property
    def label(self) -> str:
        return f"{'procedure' if self.is_procedure else 'function'} {_q(self.schema, self.name)}({self.args})"

    @property
    def standard_body(self) -> bool:
        """Whether its body is SQL-standard (written without dollar quotes): only a language sql body is; another
        language's body starting `return` (PL/Python's, PL/v8's, PL/Perl's) is quoted."""
        return self.language.lower() == "sql" and is_standard_body(self.body)


# the order pg_get_triggerdef prints a trigger's events in
EVENT_ORDER = ("INSERT", "DELETE", "UPDATE", "TRUNCATE")


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    function: str  # "schema.name" of the trigger function
    schema: str = DEFAULT_SCHEMA  # the table's
    timing: str = "BEFORE"  # BEFORE | AFTER | INSTEAD OF
    events: tuple[str, ...] = ("UPDATE",)  # INSERT, DELETE, UPDATE or "UPDATE OF a, b", TRUNCATE
    for_each: str = "ROW"  # ROW | STATEMENT
    when: str | None = None
    args: tuple[str, ...] = ()
    comment: str | None = field(default=None, compare=False)
    renamed_from: str | None = field(default=None, compare=False)
    body: str | None = None  # SQLite's: the statements between BEGIN and END (`function` is then "")
    constraint: bool = False  # CREATE CONSTRAINT TRIGGER (AFTER, FOR EACH ROW; PostgreSQL)
    deferrable: bool = False  # a constraint trigger's DEFERRABLE
    initially_deferred: bool = False  # … and INITIALLY DEFERRED
    old_table: str | None = None  # REFERENCING OLD TABLE AS <name>: an AFTER trigger's transition table (PostgreSQL)
    new_table: str | None = None  # … NEW TABLE AS <name>

    kind = "trigger"

    @property
    def key(self) -> tuple[str, ...]:
        return (self.schema, self.table, self.name)

    @property
    def label(self) -> str:
        return f"trigger {self.name} on {_q(self.schema, self.table)}"


@dataclass(frozen=True)
class Domain:
    name: str
    type: str
    schema: str = DEFAULT_SCHEMA
    not_null: bool = False
    default: str | None = None
    checks: tuple[tuple[str, str], ...] = ()  # (constraint name, expression), sorted by name
    comment: str | None = field(default=None, compare=False)

    kind = "domain"

    @property
    def key(self) -> tuple[str, ...]:
        return (self.schema, self.name)

    @property
    def label(self) -> str:
        return f"domain {_q(self.schema, self.name)}"


@dataclass(frozen=True)
class CompositeType:
    name: str
    attributes: tuple[tuple[str, str], ...]  # (name, type), in order
    schema: str = DEFAULT_SCHEMA
    comment: str | None = field(default=None, compare=False)

    kind = "composite type"

    @property
    def key(self) -> tuple[str, ...]:
        return (self.schema, self.name)

    @property
    def label(self) -> str:
        return f"composite type {_q(self.schema, self.name)}"


@dataclass(frozen=True)
class Objects:
    """The objects of a Schema beyond tables, each collection sorted by key."""

    views: tuple[View, ...] = ()
    routines: tuple[Routine, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    domains: tuple[Domain, ...] = ()
    composites: tuple[CompositeType, ...] = ()
    # objects a database has that mizzle does not manage (an aggregate, a C function, …), one line each: read by
    # `pull` to warn; not part of the model's identity
    unmanaged: tuple[str, ...] = field(default=(), compare=False)

    def __bool__(self) -> bool:
        return bool(self.views or self.routines or self.triggers or self.domains or self.composites)

    def all(self) -> tuple[Any, ...]:
        return (*self.domains, *self.composites, *self.routines, *self.views, *self.triggers)

    def where(self, keep: Any) -> Objects:
        """Only the objects `keep(obj)` is true for."""
        return make_objects([o for o in self.all() if keep(o)])


NO_OBJECTS = Objects()


def make_objects(items: Any) -> Objects:
    """Objects of any kinds, sorted into their collections."""
    groups: dict[type, list[Any]] = {View: [], Routine: [], Trigger: [], Domain: [], CompositeType: []}
    for o in items:
        if type(o) is View:
            o = replace(o, indexes=tuple(sorted(o.indexes, key=lambda i: i.name)), options=tuple(sorted(o.options)))
        elif type(o) is Domain:
            o = replace(o, checks=tuple(sorted(o.checks)))
        groups[type(o)].append(o)
    out = {k: tuple(sorted(v, key=lambda o: o.key)) for k, v in groups.items()}
    return Objects(out[View], out[Routine], out[Trigger], out[Domain], out[CompositeType])


def _q(schema: str, name: str) -> str:
    return name if schema == DEFAULT_SCHEMA else f"{schema}.{name}"
