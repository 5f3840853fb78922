"""A column a hand-written migration defines takes the server's type spelling in a rebuilt snapshot, not the SQL's
(drmauij/Viali's 0076_billing_invoices.sql: `base_price decimal(10, 2) NOT NULL`, its names unquoted). drizzle-kit
quotes every name it writes, so an unquoted column name is SQL a person wrote, and the snapshot drizzle-kit wrote
next comes from the TypeScript (`decimal()` is `numeric(10, 2)` there: drizzle-orm has no `decimal` type). Kept as
written, the rebuilt snapshot said `decimal(10, 2)` where drizzle-kit's says `numeric(10, 2)`. A quoted column
keeps the SQL's type (drizzle-kit's SQL writes the snapshot's text: a customType named `timestamptz`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pgtools import url_for

from mizzle.commands.verify import rebuild_snapshots
from mizzle.config import load_config

pytestmark = pytest.mark.pg

GENERATED = 'CREATE TABLE "made" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"at" timestamptz,\n\t"n" int4\n);\n'
BY_HAND = """CREATE TABLE IF NOT EXISTS billing_invoices (
      id serial PRIMARY KEY,
      base_price decimal(10, 2) NOT NULL,
      issued TIMESTAMPTZ,
      "quoted" decimal(8, 3)
);
ALTER TABLE "made" ADD COLUMN total DECIMAL(12,2);
"""


def _folder(root: Path) -> Path:
    out = root / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_made.sql").write_text(GENERATED)
    (out / "0001_billing_invoices.sql").write_text(BY_HAND)
    entries = [{"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
               for i, tag in enumerate(["0000_made", "0001_billing_invoices"])]
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                            "entries": entries}))
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    return out


def test_a_hand_written_column_takes_the_servers_type(pg_available: bool, tmp_path: Path) -> None:
    out = _folder(tmp_path)
    result = rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=url_for("postgres"))
    assert result.rebuilt == ["0000_made", "0001_billing_invoices"]
    snap = json.loads((out / "meta" / "0001_snapshot.json").read_text())
    made = snap["tables"]["public.made"]["columns"]
    hand = snap["tables"]["public.billing_invoices"]["columns"]
    assert made["at"]["type"] == "timestamptz"  # drizzle-kit's SQL (quoted): its snapshot's text
    assert made["n"]["type"] == "int4"
    assert made["total"]["type"] == "numeric(12, 2)"
    assert hand["base_price"]["type"] == "numeric(10, 2)"
    assert hand["issued"]["type"] == "timestamp with time zone"
    assert hand["id"]["type"] == "serial"
    assert hand["quoted"]["type"] == "decimal(8, 3)"


DEFAULTS = """CREATE TABLE medication_sets (
      id serial PRIMARY KEY,
      created_at TIMESTAMP DEFAULT NOW(),
      state varchar DEFAULT 'open',
      "stamped" timestamp DEFAULT NOW()
);
"""


def test_a_hand_written_columns_default_takes_the_servers_spelling(pg_available: bool, tmp_path: Path) -> None:
    # drmauij/Viali's 0098_medication_sets.sql: `created_at TIMESTAMP DEFAULT NOW()`; drizzle-kit's snapshot (from
    # `defaultNow()`) says `now()`, the rebuilt one said `NOW()`
    out = _folder(tmp_path)
    (out / "0001_billing_invoices.sql").write_text(DEFAULTS)
    rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=url_for("postgres"))
    cols = json.loads((out / "meta" / "0001_snapshot.json").read_text())["tables"]["public.medication_sets"]["columns"]
    assert cols["created_at"]["default"] == "now()"
    assert cols["state"]["default"] == "'open'"
    assert cols["stamped"]["default"] == "NOW()"  # quoted: drizzle-kit's SQL writes the snapshot's text
