"""Issue 17 table features without a server: the snapshot (with its sidecar) keeps them, the diff finds them, the
PostgreSQL DDL says them, the SQLAlchemy source reads them and SQLite refuses what it cannot hold."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from mizzle import dialects
from mizzle.dialects.postgres.snapshot import schema_from_snapshot, snapshot_from_schema
from mizzle.errors import SchemaLoadError
from mizzle.schema.diff import diff
from mizzle.schema.model import (
    CheckConstraint,
    Column,
    ForeignKey,
    PrimaryKey,
    Table,
    UniqueConstraint,
    make_schema,
)
from mizzle.schema.table_features import SetTableLogged, ValidateConstraint
from mizzle.sources.sqlalchemy import schema_from_metadata


def _model(**kw: object) -> object:
    p = Table("p", columns=(Column("id", "integer", not_null=True),), primary_key=PrimaryKey(("id",)))
    t = Table("t", columns=(Column("id", "integer", not_null=True), Column("name", "text", collation="C"),
                            Column("p_id", "integer")),
              primary_key=PrimaryKey(("id",), None, "deferred"),
              uniques=(UniqueConstraint("t_name_key", ("name",), deferrable="immediate"),),
              checks=(CheckConstraint("t_id_check", "id > 0", not_valid=True, no_inherit=True),),
              foreign_keys=(ForeignKey("t_p_fk", ("p_id",), "p", ("id",), not_valid=True),), unlogged=True)
    t = t.with_(**kw)
    return make_schema("postgresql", tables=[p, t])


def test_the_snapshot_and_its_sidecar_keep_every_feature() -> None:
    model = _model()
    snap, side = snapshot_from_schema(model)  # type: ignore[arg-type]
    back = schema_from_snapshot(snap, {"snapshots": {snap["id"]: side}})
    assert back == model
    assert schema_from_snapshot(snap) != model  # they are the sidecar's: without it they are gone


def test_ddl_of_a_new_table() -> None:
    sql = "\n".join(s.sql for s in dialects.get("postgresql").render(diff(make_schema("postgresql"), _model()).changes))
    assert 'CREATE UNLOGGED TABLE "public"."t"' in sql
    assert '"name" text COLLATE "C"' in sql
    assert 'PRIMARY KEY("id") DEFERRABLE INITIALLY DEFERRED' in sql
    assert 'UNIQUE("name") DEFERRABLE INITIALLY IMMEDIATE' in sql
    assert 'ADD CONSTRAINT "t_id_check" CHECK (id > 0) NO INHERIT NOT VALID' in sql
    assert 'ON UPDATE no action NOT VALID' in sql


def test_diff_of_the_flags() -> None:
    old = _model()
    new = _model(unlogged=False, checks=(CheckConstraint("t_id_check", "id > 0", no_inherit=True),),
                 foreign_keys=(ForeignKey("t_p_fk", ("p_id",), "p", ("id",)),))
    changes = diff(old, new).changes  # type: ignore[arg-type]
    assert set(changes) == {SetTableLogged(("public", "t"), False, (("public", "p"),)),
                            ValidateConstraint(("public", "t"), "t_id_check", "check"),
                            ValidateConstraint(("public", "t"), "t_p_fk", "foreign key")}
    back = [type(c).__name__ for c in diff(new, old).changes]  # type: ignore[arg-type]
    assert sorted(back) == ["AddCheck", "AddForeignKey", "DropCheck", "DropForeignKey", "SetTableLogged"]


def test_tables_change_logging_in_the_order_of_their_foreign_keys() -> None:
    # coder's tailnet tables: a logged table may never reference an unlogged one, so the tables referencing
    # another become unlogged first and logged last, whatever their names' order
    def tables(unlogged: bool) -> object:
        a = Table("a", columns=(Column("id", "integer", not_null=True),), primary_key=PrimaryKey(("id",)),
                  unlogged=unlogged)
        b = Table("b", columns=(Column("id", "integer", not_null=True), Column("a", "integer")),
                  primary_key=PrimaryKey(("id",)), unlogged=unlogged,
                  foreign_keys=(ForeignKey("b_a_fk", ("a",), "a", ("id",)),))
        c = Table("c", columns=(Column("id", "integer", not_null=True), Column("b", "integer")),
                  primary_key=PrimaryKey(("id",)), unlogged=unlogged,
                  foreign_keys=(ForeignKey("c_b_fk", ("b",), "b", ("id",)), ForeignKey("c_c_fk", ("b",), "c", ("id",))))
        return make_schema("postgresql", tables=[a, b, c])

    made = diff(tables(False), tables(True)).changes  # type: ignore[arg-type]
    assert [c.table[1] for c in made] == ["c", "b", "a"]
    assert made[0] == SetTableLogged(("public", "c"), True, (("public", "b"),))  # its own key left out
    assert [c.table[1] for c in diff(tables(True), tables(False)).changes] == ["a", "b", "c"]  # type: ignore[arg-type]


def test_a_not_valid_check_given_a_new_expression_is_dropped_and_added_not_validated() -> None:
    """pg-schema-diff's partitioned_table case: NOT VALID `fizz > 0` became a valid `length(fizz) > 0`; the
    VALIDATE ran between the drop and the add, on a constraint no longer there."""
    new = _model(checks=(CheckConstraint("t_id_check", "id > 1", no_inherit=True),))
    kinds = [type(c).__name__ for c in diff(_model(), new).changes]  # type: ignore[arg-type]
    assert "ValidateConstraint" not in kinds and kinds.count("DropCheck") == kinds.count("AddCheck") == 1
    sql = [s.sql for s in dialects.get("postgresql").render(diff(_model(), new).changes)]  # type: ignore[arg-type]
    assert not any("VALIDATE" in x for x in sql), sql


def test_the_sqlalchemy_source_reads_them() -> None:
    md = sa.MetaData()
    sa.Table("p", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("t", md, sa.Column("id", sa.Integer), sa.Column("name", sa.Text(collation="C")),
             sa.Column("p_id", sa.Integer), sa.PrimaryKeyConstraint("id", deferrable=True, initially="DEFERRED"),
             sa.UniqueConstraint("name", name="t_name_key", deferrable=True),
             sa.CheckConstraint("id > 0", name="t_id_check", postgresql_not_valid=True, info={"mizzle": {"no_inherit": True}}),
             sa.ForeignKeyConstraint(["p_id"], ["p.id"], name="t_p_fk", postgresql_not_valid=True), prefixes=["UNLOGGED"])
    got = schema_from_metadata([md]).table("public", "t")
    want = _model().table("public", "t")  # type: ignore[attr-defined]
    assert got is not None and want is not None
    assert (got.columns[1].collation, got.primary_key, got.uniques, got.checks, got.foreign_keys, got.unlogged) == \
        (want.columns[1].collation, want.primary_key, want.uniques, want.checks, want.foreign_keys, want.unlogged)


@pytest.mark.parametrize("table", [
    lambda md: sa.Table("t", md, sa.Column("a", sa.Integer), sa.PrimaryKeyConstraint("a", deferrable=True)),
    lambda md: sa.Table("t", md, sa.Column("a", sa.Integer), prefixes=["UNLOGGED"]),
])
def test_sqlite_refuses_what_it_cannot_hold(table) -> None:  # type: ignore[no-untyped-def]
    md = sa.MetaData()
    table(md)
    with pytest.raises(SchemaLoadError):
        schema_from_metadata([md], dialect="sqlite")


def test_sqlite_keeps_a_column_collation() -> None:
    # quetz's channels.name, String(100, collation="nocase"), was refused on SQLite
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("a", sa.String(100, collation="nocase")), sa.Column("b", sa.Text(collation="BINARY")))
    t = schema_from_metadata([md], dialect="sqlite").table("public", "t")
    assert t is not None and [c.collation for c in t.columns] == ["NOCASE", None]


def test_postgresql_refuses_a_prefix_it_does_not_manage() -> None:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("a", sa.Integer), prefixes=["TEMPORARY"])
    with pytest.raises(SchemaLoadError, match="TEMPORARY"):
        schema_from_metadata([md])


def test_a_column_rename_carries_its_exclusion_constraint() -> None:
    from mizzle.schema.diff import Renames
    from mizzle.schema.model import ExclusionConstraint, ExclusionElement

    def model(col: str) -> object:
        t = Table("t", columns=(Column("id", "integer", not_null=True), Column(col, "int4range")),
                  primary_key=PrimaryKey(("id",)),
                  excludes=(ExclusionConstraint("t_r_excl", (ExclusionElement(col, "&&"),)),))
        return make_schema("postgresql", tables=[t])

    changes = diff(model("r"), model("s"), Renames(explicit={"t.r": "t.s"})).changes  # type: ignore[arg-type]
    assert [c.describe() for c in changes] == ["~ column t.r → s (rename)"]


def test_a_new_partition_is_described_by_its_parent_not_by_its_columns() -> None:
    """A partition's columns are its parent's: the model holds none of them, so "(0 columns)" said nothing true."""
    from mizzle.schema.changes import CreateTable
    from mizzle.schema.model import Column, Table

    part = Table(name="events_2026", schema="public", columns=(), partition_of=("public", "events"),
                 partition_bound="FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')")
    assert CreateTable(part).describe() == "+ table events_2026 (partition of events)"
    plain = Table(name="events", schema="public", columns=(Column(name="at", type="date"),))
    assert CreateTable(plain).describe() == "+ table events (1 columns)"


def test_a_collation_written_into_a_snapshot_column_type_is_read() -> None:
    # useautumn/autumn's drizzle-kit custom type: the SQL has `"id" text COLLATE "C"`, and so has the snapshot's
    # type text (no sidecar)
    snap, _ = snapshot_from_schema(_model())  # type: ignore[arg-type]
    assert snap["tables"]["public.t"]["columns"]["name"]["type"] == "text"  # mizzle keeps it in its sidecar
    for spelled, want in (('text COLLATE "C"', ("text", "C")),
                          ('varchar(20)[] COLLATE "de-x-icu"', ("varchar(20)[]", "de-x-icu"))):
        theirs = json.loads(json.dumps(snap))
        theirs["tables"]["public.t"]["columns"]["name"]["type"] = spelled
        back = schema_from_snapshot(theirs).table("public", "t")
        assert back is not None and (back.column("name").type, back.column("name").collation) == want
