"""The `sqlHash` of an `alter_column` footprint that sets or drops a default, as drizzle-kit 1.x writes it: on
Chocksy/OpenVitals' folder (0009 sets users.ai_model's default), drizzle-kit 1.0.0-rc's `up` wrote the hash of
`ALTER TABLE "users" ALTER COLUMN "ai_model" SET DEFAULT 'claude-sonnet-4';` and mizzle's none, so drizzle-kit's
`check` took the same default change made on two branches for a conflict."""

from __future__ import annotations

import hashlib

from mizzle.dialects.postgres.footprints import statement_footprints

COLUMN = {"entityType": "columns", "schema": "public", "table": "users", "name": "ai_model", "type": "text",
          "typeSchema": None, "dimensions": 0, "notNull": False, "default": None, "generated": None, "identity": None}


def _hash(*sql: str) -> str:
    return hashlib.sha256("\n".join(sql).encode()).hexdigest()[:16]


def _footprint(changed: dict, **row: object) -> dict:  # type: ignore[type-arg]
    [f] = statement_footprints("alter", {**COLUMN, **row}, [], [], set(), changed) or []
    return f


def test_a_default_set_or_dropped_carries_drizzle_kits_hash() -> None:
    f = _footprint({"default": "'claude-sonnet-4'"})
    assert f["sqlHash"] == "f7d3c2c26e3d4259"  # drizzle-kit 1.0.0-rc's, on OpenVitals' 0009
    assert _footprint({"default": None}, default="'x'")["sqlHash"] == _hash(
        'ALTER TABLE "users" ALTER COLUMN "ai_model" DROP DEFAULT;')


def test_default_and_not_null_hash_in_drizzle_kits_order_and_casts() -> None:
    f = _footprint({"default": "'a'", "notNull": True}, schema="app")
    assert f["sqlHash"] == _hash('ALTER TABLE "app"."users" ALTER COLUMN "ai_model" SET DEFAULT \'a\';',
                                 'ALTER TABLE "app"."users" ALTER COLUMN "ai_model" SET NOT NULL;')
    f = _footprint({"default": "'b'"}, type="mood", typeSchema="app")
    assert f["sqlHash"] == _hash('ALTER TABLE "users" ALTER COLUMN "ai_model" SET DEFAULT \'b\'::"app"."mood";')
    assert _footprint({"default": "'c'", "type": "varchar"})["sqlHash"] == _hash(
        'ALTER TABLE "users" ALTER COLUMN "ai_model" SET DATA TYPE varchar USING "ai_model"::varchar;',
        'ALTER TABLE "users" ALTER COLUMN "ai_model" SET DEFAULT \'c\';')


def test_a_plain_type_change_carries_drizzle_kits_hash() -> None:
    """kan's card.title varchar(256) → text and homarr's integrationSecret.kind varchar(16) → varchar(64), as
    drizzle-kit 1.0.0-rc.5 generated them: its snapshots hash `SET DATA TYPE … USING "c"::type;`, mizzle's had no
    hash (and `check --rebuild-snapshots` differed from drizzle-kit's own snapshot there)."""
    card = {"table": "card", "name": "title", "type": "varchar(256)", "notNull": True}
    assert _footprint({"type": "text"}, **card)["sqlHash"] == "ab8cad20c7c6c7a4"
    kind = {"table": "integrationSecret", "name": "kind", "type": "varchar(16)", "notNull": True}
    assert _footprint({"type": "varchar(64)"}, **kind)["sqlHash"] == "e8cd56083a05f21b"
    assert _footprint({"type": "bigint", "notNull": True})["sqlHash"] == _hash(
        'ALTER TABLE "users" ALTER COLUMN "ai_model" SET DATA TYPE bigint USING "ai_model"::bigint;',
        'ALTER TABLE "users" ALTER COLUMN "ai_model" SET NOT NULL;')
    # drizzle-kit's SQL depends on more than the rows say (an enum's default dropped and set again, a serial's
    # sequence, an array's USING): no hash
    assert "sqlHash" not in _footprint({"type": "mood", "typeSchema": "public"})
    assert "sqlHash" not in _footprint({"type": "text"}, type="mood", typeSchema="public")
    assert "sqlHash" not in _footprint({"type": "integer"}, type="serial")
    assert "sqlHash" not in _footprint({"type": "bigserial"}, type="integer")
    assert "sqlHash" not in _footprint({"type": "text", "dimensions": 1})
    assert "sqlHash" not in _footprint({"type": "text"}, generated={"as": "1", "type": "stored"})
