"""drizzle-kit 1.0.0-rc.5's `alter_column` footprint lists the column properties it writes in the order its diff
adds them (NOT NULL, the default, then the type with the default it rewrites), as kan's schema history
(kanbn/kan: user.emailVerified timestamp → boolean NOT NULL; card.title varchar → text) makes them in a 1.x
folder. mizzle sorted them (notNull, default, type), so `check --rebuild-snapshots` differed from drizzle-kit's
own snapshots for every type change."""

from __future__ import annotations

from mizzle.dialects.postgres.footprints import statement_footprints

COLUMN = {"entityType": "columns", "schema": "public", "table": "user", "name": "emailVerified",
          "type": "timestamp", "typeSchema": None, "dimensions": 0, "notNull": False, "default": None,
          "generated": None, "identity": None}


def _alter(row: dict, changed: dict) -> dict:  # type: ignore[type-arg]
    [f] = statement_footprints("alter", row, [], [], set(), changed) or []
    return f


def test_alter_column_writes_in_drizzle_kits_order() -> None:
    f = _alter(COLUMN, {"type": "boolean", "notNull": True})
    assert f["writes"] == [f"s|colprop|public.user.emailVerified.{p}" for p in ("notNull", "type", "default")]
    f = _alter(COLUMN, {"type": "varchar(512)"})
    assert f["writes"] == [f"s|colprop|public.user.emailVerified.{p}" for p in ("type", "default")]
    f = _alter(COLUMN, {"type": "varchar(512)", "default": "'x'"})
    assert f["writes"] == [f"s|colprop|public.user.emailVerified.{p}" for p in ("default", "type")]
