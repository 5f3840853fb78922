"""An index predicate drizzle-kit 0.31 snapshots with a query parameter in place of its value
(`.where(eq(t.isActive, true))` is `"negations"."is_active" = $1`, in its SQL too, which PostgreSQL refuses; lint's
MZ003): network-goods-institute/negation-game's 0064 has `WHERE "negations"."is_active" = true` by hand, and its
snapshots keep `$1` from then on (drizzle-kit writes it again at every generate). verify reported
`where "negations"."is_active" = $1 → is_active = true` at every later step, and drift on the database the folder
built reported it too: a difference no snapshot can lose. Without a sidecar such a predicate is listed as not
compared, as a NOT VALID flag made by hand is. No server."""

from __future__ import annotations

from mizzle.commands.drift import without_sidecar_objects
from mizzle.schema.model import Column, Index, IndexColumn, Schema, Table


def _schema(where: str, other: str = "is_active") -> Schema:
    return Schema(tables=(Table("negations", columns=(Column("id", "integer"), Column("is_active", "boolean")),
                                indexes=(Index("n_active_idx", (IndexColumn("id"),), where=where),
                                         Index("n_other_idx", (IndexColumn("id"),), where=other))),))


def test_a_snapshot_predicate_with_a_query_parameter_is_not_compared() -> None:
    expected = _schema('"negations"."is_active" = $1', "is_active = false")
    model, lines = without_sidecar_objects(_schema("is_active = true", "is_active = true"), expected)
    (t,) = model.tables
    assert [i.where for i in t.indexes] == ['"negations"."is_active" = $1', "is_active = true"]
    assert lines == ["not compared (drizzle-kit wrote a query parameter in its snapshot in place of the value): "
                     "1 index predicates: n_active_idx on negations"]


def test_a_dollar_in_a_string_is_no_parameter() -> None:
    expected = _schema("note = '$1'")
    model, lines = without_sidecar_objects(_schema("note = 'x'"), expected)
    assert model.tables[0].indexes[0].where == "note = 'x'" and lines == []
