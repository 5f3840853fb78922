"""An altered row whose change makes no statement makes no footprint, as in drizzle-kit 1.x's diff: amruthpillai/
reactive-resume renamed apikey.user_id to reference_id, leaving an unnamed foreign key and two unnamed indexes under
their old names (`nameExplicit: false`); schema code that names them as the database has them (what `pull` writes)
flips `nameExplicit` to true, and `generate` wrote `recreate_index` and `recreate_fk` footprints with no SQL behind
them. drizzle-kit drops `nameExplicit` (and an index's `concurrently`) from the diff before deciding, recreates an
index only for isUnique/method/with/columns/where, and alters a primary key only when its columns change."""

from __future__ import annotations

from mizzle.dialects.postgres.footprints import statement_footprints

INDEX = {"entityType": "indexes", "schema": "public", "table": "apikey", "name": "apikey_user_id_index",
         "nameExplicit": False, "isUnique": False, "where": None, "method": "btree", "with": "", "concurrently": False,
         "columns": [{"value": "reference_id", "isExpression": False, "asc": True, "nullsFirst": False,
                      "opclass": None}]}
FK = {"entityType": "fks", "schema": "public", "table": "apikey", "name": "apikey_user_id_user_id_fkey",
      "nameExplicit": False, "columns": ["reference_id"], "schemaTo": "public", "tableTo": "user", "columnsTo": ["id"],
      "onUpdate": "NO ACTION", "onDelete": "CASCADE"}
UNIQUE = {"entityType": "uniques", "schema": "public", "table": "apikey", "name": "apikey_key_key",
          "nameExplicit": False, "columns": ["key"], "nullsNotDistinct": False}
PK = {"entityType": "pks", "schema": "public", "table": "apikey", "name": "apikey_pkey", "columns": ["id"],
      "nameExplicit": False}


def footprints(row: dict, changed: dict) -> list | None:  # type: ignore[type-arg]
    return statement_footprints("alter", row, [], [row], set(), changed)


def test_name_explicit_alone_makes_no_footprint() -> None:
    for row in (INDEX, FK, UNIQUE, PK):
        assert footprints(row, {"nameExplicit": True}) == [], row["entityType"]
    assert footprints(INDEX, {"nameExplicit": True, "concurrently": True}) == []


def test_a_real_change_still_does() -> None:
    assert [f["statementType"] for f in footprints(INDEX, {"where": "enabled"}) or []] == ["recreate_index"]
    assert [f["statementType"] for f in footprints(FK, {"nameExplicit": True, "onDelete": "SET NULL"}) or []] \
        == ["recreate_fk"]
    assert [f["statementType"] for f in footprints(UNIQUE, {"nullsNotDistinct": True}) or []] == ["alter_unique"]
    assert [f["statementType"] for f in footprints(PK, {"columns": ["id", "key"]}) or []] == ["alter_pk"]
