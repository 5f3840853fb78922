"""Renames of schemas, enums, tables and columns: decided once, applied on PostgreSQL, data kept."""

from __future__ import annotations

import psycopg
import pytest
from pgtools import schema_dump, temp_database
from test_generate_property import run_file

from mizzle.errors import AmbiguousRename
from mizzle.planning.plan import plan, render_file
from mizzle.schema.changes import RenameColumn, RenameEnum, RenameSchema, RenameTable
from mizzle.schema.diff import Renames, diff
from mizzle.schema.model import Column, Enum, PrimaryKey, Table, make_schema

pytestmark = pytest.mark.pg


def model(schema: str, enum: str, table: str, column: str):  # type: ignore[no-untyped-def]
    e = Enum(enum, ("a", "b"), schema)
    t = Table(table, schema, columns=(Column("id", "serial", not_null=True),
                                      Column(column, enum, type_schema=schema, default="'a'")),
              primary_key=PrimaryKey(("id",)))
    return make_schema("postgresql", tables=[t], enums=[e], schemas=[schema])


def test_schema_enum_table_column_renames_keep_data() -> None:
    old = model("s1", "e1", "t1", "c1")
    new = model("s2", "e2", "t2", "c2")
    with pytest.raises(AmbiguousRename) as info:
        diff(old, new)
    assert "--rename s1=s2" in str(info.value)
    renames = Renames(explicit={"s1": "s2", "s2.e1": "s2.e2", "s2.t1": "s2.t2", "s2.t2.c1": "s2.t2.c2"})
    cs = diff(old, new, renames)
    kinds = [type(c) for c in cs.changes]
    assert kinds == [RenameSchema, RenameEnum, RenameTable, RenameColumn], cs.changes
    with temp_database("mzren") as a, temp_database("mzren") as b:
        with psycopg.connect(a, autocommit=True) as c:
            run_file(c, render_file(plan(diff(make_schema("postgresql"), old, Renames()).changes, "postgresql")))
            c.execute('INSERT INTO "s1"."t1" ("c1") VALUES (\'b\')')
            run_file(c, render_file(plan(cs.changes, "postgresql")))
            assert c.execute('SELECT "c2"::text FROM "s2"."t2"').fetchall() == [("b",)]
        with psycopg.connect(b, autocommit=True) as c:
            run_file(c, render_file(plan(diff(make_schema("postgresql"), new, Renames()).changes, "postgresql")))
        assert schema_dump(a) == schema_dump(b)
    assert [c.inverse().inverse() for c in cs.changes] == cs.changes


def test_prompt_decides_and_no_renames_drops() -> None:
    old = model("public", "e", "t", "old")
    new = model("public", "e", "t", "new")
    asked = []

    def prompt(kind, where, dropped, added):  # type: ignore[no-untyped-def]
        asked.append((kind, dropped, added))
        return {"old": "new"}

    cs = diff(old, new, Renames(prompt=prompt))
    assert asked == [("column", ["old"], ["new"])]
    assert [c.describe() for c in cs.changes] == ["~ column t.old → new (rename)"]
    cs = diff(old, new, Renames(none=True))
    assert sorted(c.describe() for c in cs.changes) == ["+ column t.new e", "- column t.old"]


def test_declared_rename_wins_without_prompt() -> None:
    old = model("public", "e", "t", "old")
    new = model("public", "e", "t", "new")
    cs = diff(old, new, Renames(declared={("column", "public", "t", "new"): "old"}))
    assert [c.describe() for c in cs.changes] == ["~ column t.old → new (rename)"]
    # once applied, the declaration is inert: the old name no longer exists
    assert not diff(new, new, Renames(declared={("column", "public", "t", "new"): "old"}))


def test_a_serial_table_renamed_by_drizzle_kit_is_renamed_again() -> None:
    """drizzle-kit renames a table with `ALTER TABLE … RENAME TO` alone: its serial keeps the old table's sequence
    (`t1_id_seq`). Renaming the table again, or back (a revert), must not stop at renaming a `t2_id_seq` that
    was never made (42P01): the sequence is renamed where it has the table's name, else left as it is."""
    def named_key(table: str):  # type: ignore[no-untyped-def]
        t = model("s", "e", table, "c")
        return t.with_(tables=[t.tables[0].with_(primary_key=PrimaryKey(("id",), "t_key"))])

    t1, t2, t3 = (named_key(t) for t in ("t1", "t2", "t3"))
    with temp_database("mzren") as a:
        with psycopg.connect(a, autocommit=True) as c:
            run_file(c, render_file(plan(diff(make_schema("postgresql"), t1, Renames()).changes, "postgresql")))
            c.execute('ALTER TABLE "s"."t1" RENAME TO "t2"')  # drizzle-kit's rename
            again = diff(t2, t3, Renames(explicit={"s.t2": "s.t3"}))
            back = diff(t3, t1, Renames(explicit={"s.t3": "s.t1"}))
            run_file(c, render_file(plan(again.changes, "postgresql")))
            run_file(c, render_file(plan(back.changes, "postgresql")))  # t3 → t1 all the same: renamed by name
            c.execute('INSERT INTO "s"."t1" ("c") VALUES (\'b\')')
            assert c.execute('SELECT pg_get_serial_sequence(\'"s"."t1"\', \'id\')').fetchone() == ("s.t1_id_seq",)


@pytest.mark.parametrize("how", ["explicit", "declared"])
def test_a_table_renamed_whose_old_name_a_new_table_takes(how: str) -> None:
    # `--rename a=b` beside a new table `a`: the rename was not applied (the old name is no drop), the new table was
    # compared with the old one (asking about a.v → a.x), and the flag reported "not applied"
    def table(name: str, column: str) -> Table:
        return Table(name, "public", columns=(Column("id", "serial", not_null=True), Column(column, "text")),
                     primary_key=PrimaryKey(("id",)))

    old = make_schema("postgresql", tables=[table("a", "v")])
    new = make_schema("postgresql", tables=[table("b", "v"), table("a", "x")])
    renames = Renames(explicit={"a": "b"}) if how == "explicit" else Renames(declared={("table", "public", "b"): "a"})
    cs = diff(old, new, renames)
    assert [c.describe() for c in cs.changes] == ["~ table a → b (rename)", "+ table a (2 columns)"]
    assert not renames.not_applied()
    with temp_database("mzren") as a, temp_database("mzren") as b:
        with psycopg.connect(a, autocommit=True) as c:
            run_file(c, render_file(plan(diff(make_schema("postgresql"), old, Renames()).changes, "postgresql")))
            c.execute("INSERT INTO a (v) VALUES ('kept')")
            run_file(c, render_file(plan(cs.changes, "postgresql")))
            assert c.execute("SELECT v FROM b").fetchall() == [("kept",)]
            assert c.execute("SELECT count(*) FROM a").fetchall() == [(0,)]
        with psycopg.connect(b, autocommit=True) as c:
            run_file(c, render_file(plan(diff(make_schema("postgresql"), new, Renames()).changes, "postgresql")))
        assert schema_dump(a) == schema_dump(b)
