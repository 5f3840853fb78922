"""drop_fk footprints of a migration that drops tables, as drizzle-kit 1.x writes them: a foreign key from one dropped
table to another is dropped first (`drop_fk`), one to a table that stays goes with its DROP TABLE. On
ctrlplanedev/ctrlplane's folder (20241112051513: target, target_provider, … replaced by resource_*), drizzle-kit
1.0.0-rc's `up` wrote the first kind and mizzle's none."""

from __future__ import annotations

from mizzle.dialects.postgres.footprints import statement_footprints


def _fk(table: str, to: str) -> dict:  # type: ignore[type-arg]
    return {"entityType": "fks", "schema": "public", "table": table, "name": f"{table}_x_{to}_id_fk",
            "columns": ["x"], "schemaTo": "public", "tableTo": to, "columnsTo": ["id"], "onUpdate": "NO ACTION",
            "onDelete": "NO ACTION", "nameExplicit": False}


def test_a_key_between_two_dropped_tables_is_dropped_first() -> None:
    dropped = {("public", "target"), ("public", "target_provider")}
    [f] = statement_footprints("drop", _fk("target", "target_provider"), [], [], dropped) or []
    assert f["statementType"] == "drop_fk" and f["statementTarget"] == ["table", "public", "target"]
    assert "n|fk|public.target.target_x_target_provider_id_fk" in f["writes"]
    assert statement_footprints("drop", _fk("target", "workspace"), [], [], dropped) == []  # goes with the table
    assert statement_footprints("drop", _fk("target", "target"), [], [], dropped) == []  # to itself: likewise
