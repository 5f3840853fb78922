"""The speed tricks of `verify` and `check --rebuild-snapshots` (issue 18) hand back remembered objects; what they
hand back must be what the plain computation gives, in every field, the ones equality ignores included."""

from __future__ import annotations

from dataclasses import replace

from mizzle.dialects.postgres.canonical_tables import canonical
from mizzle.dialects.postgres.snapshot import schema_from_snapshot
from mizzle.migrations.authored import AuthoredTexts, with_authored
from mizzle.schema.model import Column, ForeignKey, Table, canonical_table, make_schema


def _fk(name: str) -> ForeignKey:
    return ForeignKey(name=name, columns=("a",), ref_table="other", ref_columns=("id",))


def test_canonical_table_orders_and_keeps_an_ordered_table() -> None:
    t = Table("t", columns=(Column("a", "integer"),), foreign_keys=(_fk("z_fk"), _fk("a_fk")))
    ordered = canonical_table(t)
    assert ordered is not t and [f.name for f in ordered.foreign_keys] == ["a_fk", "z_fk"]
    assert canonical_table(ordered) is ordered
    listed = Table("t", columns=(Column("a", "integer"),), foreign_keys=[_fk("a_fk")])  # type: ignore[arg-type]
    assert type(canonical_table(listed).foreign_keys) is tuple


def _snapshot(columns: dict[str, dict[str, object]], id_: str = "s1") -> dict[str, object]:
    return {"id": id_, "prevId": "00000000-0000-0000-0000-000000000000", "version": "7", "dialect": "postgresql",
            "tables": {"public.t": {"name": "t", "schema": "", "columns": columns, "indexes": {},
                                    "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}}},
            "enums": {}, "schemas": {}, "sequences": {}}


def test_snapshot_tables_remembered_by_their_json_and_sidecar() -> None:
    a = {"name": "a", "type": "integer", "primaryKey": False, "notNull": False}
    b = {"name": "b", "type": "text", "primaryKey": False, "notNull": True}
    first = schema_from_snapshot(_snapshot({"a": a, "b": b})).tables[0]
    assert schema_from_snapshot(_snapshot({"a": dict(a), "b": dict(b)})).tables[0] is first  # the same JSON
    swapped = schema_from_snapshot(_snapshot({"b": b, "a": a})).tables[0]  # key order is column order
    assert [c.name for c in swapped.columns] == ["b", "a"]
    side = {"snapshots": {"s1": {"tables": {"public.t": {"columns": {"a": {"comment": "the a"}}}}}}}
    commented = schema_from_snapshot(_snapshot({"a": a, "b": b}), side).tables[0]
    assert commented.column("a").comment == "the a" and first.column("a").comment is None  # type: ignore[union-attr]


def test_canonical_memo_keeps_each_tables_uncompared_fields() -> None:
    declared = Table("t", columns=(Column("a", "integer", not_null=True, declared_not_null=True),))
    implied = Table("t", columns=(Column("a", "integer", not_null=True, declared_not_null=False),))
    assert declared == implied  # equality ignores declared_not_null
    for _ in range(2):  # the second time from the memo (by identity, then by value)
        out = [canonical(make_schema("postgresql", tables=[t])).tables[0] for t in (declared, implied, declared)]
        assert [c.columns[0].declared_not_null for c in out] == [True, False, True]


def test_authored_texts_that_change_nothing_keep_the_table() -> None:
    t = Table("t", columns=(Column("a", "integer", default="1"), Column("b", "text")))
    live = make_schema("postgresql", tables=[t])
    texts = AuthoredTexts()
    texts.column(("public", "t"), "a").update({"default": "1"})  # what the server stores already
    assert with_authored(live, texts).tables[0] is live.tables[0]
    texts.column(("public", "t"), "a").update({"default": "(1)"})
    changed = with_authored(live, texts).tables[0]
    assert changed.column("a").default == "(1)" and changed.column("b") is t.column("b")  # type: ignore[union-attr]
    texts.column(("public", "t"), "b").update({"not_null": True})  # declared NOT NULL: a field == ignores
    declared = with_authored(live, texts).tables[0]
    assert declared.column("b").declared_not_null and not t.column("b").declared_not_null  # type: ignore[union-attr]
    assert replace(declared, columns=t.columns).column("b") is t.column("b")
