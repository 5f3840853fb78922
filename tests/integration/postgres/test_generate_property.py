"""Property: for random sequences of schema states, every generated migration applies cleanly to the
previous state, and the result equals a database created from scratch for that state. For random pairs of
states with rows in the tables of the first: the migration applies (or is refused at generate, for a type change
the server has no cast for either), and keeps the values wherever the change allows."""

from __future__ import annotations

import os
import re
from datetime import datetime
from decimal import Decimal

import psycopg
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pgtools import schema_dump, temp_database

from mizzle.dialects.postgres.idempotent import make_idempotent
from mizzle.dialects.postgres.snapshot import schema_from_snapshot, snapshot_from_schema
from mizzle.errors import UsageError
from mizzle.migrations.folder import split_statements
from mizzle.planning.plan import plan, render_file
from mizzle.schema.diff import Renames, diff
from mizzle.schema.model import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Identity,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
    make_schema,
)

pytestmark = pytest.mark.pg

CASTABLE = ["integer", "bigint", "text", "varchar(20)", "numeric(10, 2)"]
DEFAULTS = {"integer": "7", "bigint": "7", "numeric(10, 2)": "'1.50'", "text": "'x'", "varchar(20)": "'y'"}
TABLES = ["t1", "t2", "t3"]
COLUMNS = ["a", "b", "c", "d"]
ENUM_VALUES = ["x", "y", "z"]


@st.composite
def columns(draw: st.DrawFn, enum: Enum | None) -> list[Column]:
    out = [Column("id", "serial", not_null=True)]
    for name in COLUMNS:
        if not draw(st.booleans()):
            continue
        type_ = draw(st.sampled_from(CASTABLE))
        default = DEFAULTS[type_] if draw(st.booleans()) else None
        out.append(Column(name, type_, not_null=draw(st.booleans()) and default is not None, default=default))
    if enum is not None and draw(st.booleans()):
        out.append(Column("m", "mood", type_schema="public",
                          default=f"'{draw(st.sampled_from(enum.values))}'" if draw(st.booleans()) else None))
    return out


@st.composite
def schemas(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    enum = None
    if draw(st.booleans()):
        values = draw(st.permutations(ENUM_VALUES))[: draw(st.integers(1, 3))]
        enum = Enum("mood", tuple(values))
    tables = []
    present = [t for t in TABLES if draw(st.booleans())] or ["t1"]
    for tname in present:
        cols = draw(columns(enum))
        names = [c.name for c in cols if c.name in COLUMNS]
        uniques = [UniqueConstraint(f"{tname}_{n}_unique", (n,)) for n in names if draw(st.booleans())]
        indexes = [Index(f"{tname}_{n}_idx", (IndexColumn(n, asc=draw(st.booleans())),)) for n in names
                   if draw(st.booleans())]
        fks = []
        if tname != "t1" and "t1" in present:
            for c in cols:
                if c.type == "integer" and draw(st.booleans()):
                    fks.append(ForeignKey(f"{tname}_{c.name}_t1_id_fk", (c.name,), "t1", ("id",),
                                          on_delete=draw(st.sampled_from(["no action", "cascade", "set null"]))))
        tables.append(Table(tname, columns=tuple(cols), primary_key=PrimaryKey(("id",)), uniques=tuple(uniques),
                            indexes=tuple(indexes), foreign_keys=tuple(fks)))
    return make_schema("postgresql", tables=tables, enums=[enum] if enum else [])


def reset(conn: psycopg.Connection) -> None:
    conn.execute("DROP SCHEMA public CASCADE")
    conn.execute("CREATE SCHEMA public")


def run_file(conn: psycopg.Connection, text: str) -> None:
    part: list[str] = []

    def flush() -> None:
        with conn.transaction():
            for sql in part:
                conn.execute(sql)
        part.clear()

    for s in split_statements(text):
        if s.commit_before:
            flush()
        part.append(s.sql)
    flush()


@pytest.fixture(scope="module")
def dbs():  # type: ignore[no-untyped-def]
    with temp_database("mzprop") as a, temp_database("mzprop") as b:
        with psycopg.connect(a, autocommit=True) as ca, psycopg.connect(b, autocommit=True) as cb:
            ca.prepare_threshold = cb.prepare_threshold = None  # the tables change under the same queries
            yield (a, ca), (b, cb)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(history=st.lists(schemas(), min_size=2, max_size=4))
def test_random_histories_apply_and_match(dbs, history) -> None:  # type: ignore[no-untyped-def]
    (url_a, ca), (url_b, cb) = dbs
    reset(ca)
    prev = make_schema("postgresql")
    for state in history:
        # the snapshot codec round-trips every state exactly
        snap, side = snapshot_from_schema(state)
        assert schema_from_snapshot(snap, {"snapshots": {snap["id"]: side}}) == state
        changes = diff(prev, state, Renames(none=True)).changes
        if changes:
            run_file(ca, render_file(plan(changes, "postgresql")))
        reset(cb)
        run_file(cb, render_file(plan(diff(make_schema("postgresql"), state, Renames(none=True)).changes,
                                      "postgresql")))
        assert schema_dump(url_a) == schema_dump(url_b)
        assert not diff(state, state, Renames(none=True))
        prev = state


# -- pairs of schemas, the old one holding rows ------------------------------------------------------------------
# Types the columns move between: some pairs have a cast (kept or converted), some have none (refused at generate,
# which the server must agree with). Every row holds, per column, a value that converts to the new type wherever
# a cast exists — so every migration that is not refused must apply, and keep the values.

PAIR_TYPES = ["integer", "bigint", "numeric(10, 2)", "text", "varchar(20)", "boolean", "timestamp", "e1", "e2"]
PAIR_DEFAULTS = {"integer": "7", "bigint": "7", "numeric(10, 2)": "'1.50'", "text": "'x'", "varchar(20)": "'y'",
                 "boolean": "true", "timestamp": "'2021-02-03 00:00:00'", "e1": "'x'", "e2": "'x'"}
ID_KINDS = ["serial", "integer", "always", "byDefault"]


def _column(name: str, type_: str, **kw) -> Column:  # type: ignore[no-untyped-def]
    return Column(name, type_, type_schema="public" if type_ in ("e1", "e2") else None, **kw)


@st.composite
def pair_tables(draw: st.DrawFn, name: str, t1_present: bool) -> Table:
    id_kind = draw(st.sampled_from(ID_KINDS))
    key = draw(st.sampled_from(["pk", "unique", "unique index"] if name == "t1" else ["pk", "none"]))
    identity = Identity(id_kind, sequence_name=f"{name}_id_seq") if id_kind in ("always", "byDefault") else None
    id_not_null = key == "pk" or id_kind != "integer" or draw(st.booleans())
    cols = [Column("id", "serial" if id_kind == "serial" else "integer", not_null=id_not_null, identity=identity)]
    uniques, indexes, checks, fks = [], [], [], []
    for c in ("a", "b", "c"):
        if not draw(st.booleans()):
            continue
        type_ = draw(st.sampled_from(PAIR_TYPES))
        fk = name != "t1" and t1_present and type_ in ("integer", "bigint") and draw(st.booleans())
        # a default on a foreign key column fills the rows of an added column with a key t1 does not have
        default = PAIR_DEFAULTS[type_] if not fk and draw(st.booleans()) else None
        cols.append(_column(c, type_, not_null=default is not None and draw(st.booleans()), default=default))
        if draw(st.booleans()):
            uniques.append(UniqueConstraint(f"{name}_{c}_unique", (c,)))
        if draw(st.booleans()):
            indexes.append(Index(f"{name}_{c}_idx", (IndexColumn(c),)))
        if draw(st.booleans()):
            checks.append(CheckConstraint(f"{name}_{c}_check", f"length(({c})::text) < 40"))
        if fk:
            fks.append(ForeignKey(f"{name}_{c}_t1_id_fk", (c,), "t1", ("id",),
                                  on_delete=draw(st.sampled_from(["no action", "cascade"]))))
    g = draw(st.sampled_from(["none", "plain", "generated", "generated over a"]))
    if g == "generated over a" and any(c.name == "a" for c in cols):
        # a generated column over a column whose type may change (issue 13 item B): IS NULL applies to any type
        cols.append(Column("g", "boolean", generated="(a IS NULL)"))
    elif g != "none":
        cols.append(Column("g", "integer", generated="(id * 2)" if g == "generated" else None))
    if key == "unique":
        uniques.append(UniqueConstraint(f"{name}_id_unique", ("id",)))
    elif key == "unique index":
        indexes.append(Index(f"{name}_id_uidx", (IndexColumn("id"),), unique=True))
    return Table(name, columns=tuple(cols), primary_key=PrimaryKey(("id",)) if key == "pk" else None,
                 uniques=tuple(sorted(uniques, key=lambda u: u.name)), indexes=tuple(sorted(indexes, key=lambda i: i.name)),
                 checks=tuple(sorted(checks, key=lambda c: c.name)), foreign_keys=tuple(fks))


@st.composite
def pair_schemas(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    enums = [Enum(e, ("x", *draw(st.permutations(["y", "z"]))[: draw(st.integers(0, 2))])) for e in ("e1", "e2")]
    enums = [Enum(e.name, tuple(draw(st.permutations(e.values)))) for e in enums]
    tables = [draw(pair_tables("t1", True))]
    if draw(st.booleans()):
        tables.append(draw(pair_tables("t2", True)))
    return make_schema("postgresql", tables=tables, enums=enums)


def row_value(old: Column, new: Column | None) -> object:
    """A value of `old`'s type that converts to `new`'s wherever PostgreSQL has a cast."""
    o, n = old.type, new.type if new is not None else old.type
    if o in ("e1", "e2"):
        return "x"
    if o == "boolean":
        return True
    if o == "timestamp":
        return "2021-02-03 04:05:06"
    if o in ("text", "varchar(20)"):
        return {"e1": "x", "e2": "x", "boolean": "true", "timestamp": "2021-02-03 04:05:06"}.get(n, "1")
    return 1


def normal(v: object) -> object:
    """One value as the old and the new type hold it: 1 = 1.00 = '1', true = 'true', a timestamp = its text."""
    if isinstance(v, (int, Decimal)) and not isinstance(v, bool):
        return Decimal(v).normalize()
    if isinstance(v, str):
        try:
            return Decimal(v).normalize()
        except ArithmeticError:
            return {"true": True, "false": False}.get(v, v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    return v


def insert_rows(conn: psycopg.Connection, old: Schema, new: Schema) -> dict[tuple[str, str], object]:
    """One row per table (id 1; foreign keys point at t1's row); the values written, by (table, column)."""
    written: dict[tuple[str, str], object] = {}
    for t in sorted(old.tables, key=lambda t: t.name):
        nt = new.table(t.schema, t.name)
        cols = [c for c in t.columns if c.generated is None]
        values = [1 if c.name == "id" else row_value(c, nt.column(c.name) if nt else None) for c in cols]
        names = ", ".join(f'"{c.name}"' for c in cols)
        conn.execute(f'INSERT INTO "{t.name}" ({names}) OVERRIDING SYSTEM VALUE VALUES '
                     f'({", ".join(["%s"] * len(cols))})', values)
        cur = conn.execute(f'SELECT * FROM "{t.name}"')
        row = cur.fetchone()
        assert row is not None and cur.description is not None
        written.update({(t.name, d.name): v for d, v in zip(cur.description, row, strict=True)})
    return written


def no_cast(conn: psycopg.Connection, old: Column, new: Column) -> bool:
    """The server's word: `NULL::old::new` fails."""
    try:
        with conn.transaction():
            conn.execute(f"SELECT NULL::{old.type}::{new.type}")
        return False
    except psycopg.errors.CannotCoerce:
        return True


@settings(max_examples=int(os.environ.get('MIZZLE_PAIRS', '40')), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(old=pair_schemas(), new=pair_schemas())
def test_random_pairs_apply_on_rows_and_keep_them(dbs, old, new) -> None:  # type: ignore[no-untyped-def]
    (url_a, ca), (url_b, cb) = dbs
    reset(ca)
    run_file(ca, render_file(plan(diff(make_schema("postgresql"), old, Renames(none=True)).changes, "postgresql")))
    written = insert_rows(ca, old, new)
    changes = diff(old, new, Renames(none=True)).changes
    for c in changes:
        event(type(c).__name__)
    try:
        sql = render_file(plan(changes, "postgresql"))
    except UsageError as e:  # refused: only for a type change the server has no cast for either
        m = re.search(r"of (\w+)\.(\w+) from ", e.message)
        assert m is not None, e.message
        t, c = m.groups()
        old_c, new_c = old.table("public", t).column(c), new.table("public", t).column(c)
        assert no_cast(ca, old_c, new_c), f"{t}.{c}: {old_c.type} → {new_c.type} refused, but the server casts it"
        event("refused: no cast")
        return
    run_file(ca, sql)
    # its --idempotent form runs again on the result (a rerun after the whole file ran)
    run_file(ca, render_file(make_idempotent(plan(changes, "postgresql"))))
    reset(cb)
    run_file(cb, render_file(plan(diff(make_schema("postgresql"), new, Renames(none=True)).changes, "postgresql")))
    assert schema_dump(url_a) == schema_dump(url_b)
    for t in new.tables:  # an identity or serial added over existing values continues after them
        ot = old.table(t.schema, t.name)
        nid, oid = t.column("id"), ot.column("id") if ot is not None else None
        if oid is not None and nid is not None and (nid.identity or nid.is_serial) \
                and not (oid.identity or oid.is_serial):
            row = ca.execute(f"SELECT nextval(pg_get_serial_sequence('\"{t.name}\"', 'id'))").fetchone()
            assert row is not None and row[0] > 1, f"{t.name}.id: the new sequence gives {row[0]}, a value the rows hold"
    for t in new.tables:  # an identity or serial added over existing values continues after them
        ot = old.table(t.schema, t.name)
        nid, oid = t.column("id"), ot.column("id") if ot is not None else None
        if oid is not None and nid is not None and (nid.identity or nid.is_serial) \
                and not (oid.identity or oid.is_serial):
            row = ca.execute(f"SELECT nextval(pg_get_serial_sequence('\"{t.name}\"', 'id'))").fetchone()
            assert row is not None and row[0] > 1, f"{t.name}.id: the new sequence gives {row[0]}, a value the rows hold"
    for t in new.tables:
        if old.table(t.schema, t.name) is None:
            continue
        cur = ca.execute(f'SELECT * FROM "{t.name}"')
        rows = cur.fetchall()
        assert len(rows) == 1 and cur.description is not None, f"{t.name}: {len(rows)} rows"
        names = [d.name for d in cur.description]
        for name, value in zip(names, rows[0], strict=True):
            nc = t.column(name)
            if (t.name, name) not in written or nc is None or nc.generated is not None:
                continue
            assert normal(value) == normal(written[(t.name, name)]), f"{t.name}.{name}: {written[(t.name, name)]!r} → {value!r}"
