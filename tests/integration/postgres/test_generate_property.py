"""Property: for random sequences of schema states, every generated migration applies cleanly to the
previous state, and the result equals a database created from scratch for that state."""

from __future__ import annotations

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pgtools import schema_dump, temp_database

from mizzle.dialects.postgres.snapshot import schema_from_snapshot, snapshot_from_schema
from mizzle.migrations.folder import split_statements
from mizzle.planning.plan import plan, render_file
from mizzle.schema.diff import Renames, diff
from mizzle.schema.model import (
    Column,
    Enum,
    ForeignKey,
    Index,
    IndexColumn,
    PrimaryKey,
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
