"""Property: for random histories of SQLite schema states, every generated migration applies to the previous
state with rows kept (rebuilds included), the database then equals the model, and equals a database created
from scratch for that state. The snapshot codec round-trips every state."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_support import db_model, model_diff, rows

from mizzle.dburl import parse_url
from mizzle.dialects.sqlite.runner import open_backend
from mizzle.dialects.sqlite.source import AUTOINCREMENT
from mizzle.migrations.folder import split_statements
from mizzle.migrations.snapshots import schema_from_snapshot, snapshot_from_schema
from mizzle.planning.plan import plan, render_file
from mizzle.runner.tracking import TrackingTable
from mizzle.schema.diff import Renames, diff
from mizzle.schema.model import Column, ForeignKey, Index, IndexColumn, PrimaryKey, Table, make_schema

TYPES = ["integer", "text", "real", "numeric", "text(20)"]
DEFAULTS = {"integer": "7", "text": "'x'", "real": "1.5", "numeric": "'2.50'", "text(20)": "'y'"}
TABLES = ["t1", "t2", "t3"]
COLUMNS = ["a", "b", "c"]
_counter = itertools.count()


@st.composite
def tables(draw: st.DrawFn, name: str, with_parent: bool) -> Table:
    cols = [Column("id", "integer", not_null=True, identity=AUTOINCREMENT if draw(st.booleans()) else None)]
    for c in COLUMNS:
        if draw(st.booleans()):
            type_ = draw(st.sampled_from(TYPES))
            default = DEFAULTS[type_] if draw(st.booleans()) else None
            cols.append(Column(c, type_, not_null=default is not None and draw(st.booleans()), default=default))
    fks: tuple[ForeignKey, ...] = ()
    if with_parent and name != "t1" and draw(st.booleans()):
        cols.append(Column("ref", "integer"))
        if draw(st.booleans()):
            fks = (ForeignKey(f"{name}_ref_t1_id_fk", ("ref",), "t1", ("id",), on_delete="cascade"),)
    indexed = [c.name for c in cols[1:] if draw(st.booleans())]
    indexes = tuple(Index(f"{name}_{c}_idx", (IndexColumn(c),)) for c in indexed)
    return Table(name, columns=tuple(cols), primary_key=PrimaryKey(("id",)), foreign_keys=fks, indexes=indexes)


@st.composite
def states(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    present = [t for t in TABLES if draw(st.booleans())] or ["t1"]
    return make_schema("sqlite", tables=[draw(tables(t, "t1" in present)) for t in present])


def apply(db: Path, sql: str) -> None:
    backend = open_backend(parse_url(f"sqlite:///{db}"), TrackingTable(schema=None))
    try:
        backend.begin()
        for s in split_statements(sql):
            backend.execute(s.sql)
        backend.commit()
    finally:
        backend.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(history=st.lists(states(), min_size=2, max_size=4))
def test_random_sqlite_histories_apply_keep_rows_and_match(tmp_path: Path, history) -> None:  # type: ignore[no-untyped-def]
    run = next(_counter)
    db, scratch = tmp_path / f"h{run}.db", tmp_path / f"s{run}.db"
    prev = make_schema("sqlite")
    for step, state in enumerate(history):
        snap, _ = snapshot_from_schema(state)
        assert schema_from_snapshot(snap) == state
        counts = {}
        for t in prev.tables:  # rows the application wrote before this migration
            apply(db, f"INSERT INTO {t.name} (id) VALUES ({100 + step})")
            counts[t.name] = rows(db, f"SELECT count(*) FROM {t.name}")[0][0]
        changes = diff(prev, state, Renames(none=True)).changes
        if changes:
            apply(db, render_file(plan(changes, "sqlite")))
        assert model_diff(db_model(db), state) == [], render_file(plan(changes, "sqlite"))
        for name, n in counts.items():
            if state.table("public", name) is not None:
                assert rows(db, f"SELECT count(*) FROM {name}")[0][0] == n, f"rows of {name} lost"
        scratch.unlink(missing_ok=True)
        apply(scratch, render_file(plan(diff(make_schema("sqlite"), state, Renames(none=True)).changes, "sqlite")))
        assert model_diff(db_model(scratch), db_model(db)) == []
        assert not diff(state, state, Renames(none=True))
        prev = state
