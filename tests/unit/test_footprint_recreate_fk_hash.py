"""drizzle-kit 1.0.0-rc.5's `recreate_fk` footprint carries the hash of its `DROP CONSTRAINT …, ADD CONSTRAINT …`
statement, as kan's schema history (kanbn/kan, packages/db/src/schema at 2043a8f9..13b10471, its foreign keys given
ON DELETE CASCADE / SET NULL) makes it in a 1.x folder. mizzle wrote no hash there, so drizzle-kit's `check` took
the same foreign-key change made on two branches for a conflict, and `check --rebuild-snapshots` differed from
drizzle-kit's own snapshots."""

from __future__ import annotations

import hashlib

from mizzle.dialects.postgres.footprints import statement_footprints

FK = {"entityType": "fks", "schema": "public", "table": "label", "name": "label_importId_import_id_fkey",
      "nameExplicit": False, "columns": ["importId"], "schemaTo": "public", "tableTo": "import", "columnsTo": ["id"],
      "onDelete": "NO ACTION", "onUpdate": "NO ACTION"}


def _hash(*sql: str) -> str:
    return hashlib.sha256("\n".join(sql).encode()).hexdigest()[:16]


def _alter(row: dict, changed: dict) -> dict:  # type: ignore[type-arg]
    [f] = statement_footprints("alter", row, [], [], set(), changed) or []
    return f


def test_recreate_fk_carries_drizzle_kits_hash() -> None:
    f = _alter(FK, {"onDelete": "SET NULL"})
    assert f["statementType"] == "recreate_fk"
    assert f["sqlHash"] == "8d0b07b660f5f822"  # drizzle-kit 1.0.0-rc.5's, for this change
    f = _alter({**FK, "schema": "app", "schemaTo": "lib", "columns": ["a", "b"], "columnsTo": ["x", "y"]},
               {"onUpdate": "CASCADE"})
    assert f["sqlHash"] == _hash(
        'ALTER TABLE "app"."label" DROP CONSTRAINT "label_importId_import_id_fkey", ADD CONSTRAINT '
        '"label_importId_import_id_fkey" FOREIGN KEY ("a","b") REFERENCES "lib"."import"("x","y") ON UPDATE CASCADE;')

