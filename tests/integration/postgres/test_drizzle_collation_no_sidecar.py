"""A drizzle-kit folder (no meta/_mizzle.json) whose hand-written SQL gives a column a collation (simstudioai/sim's
0228_order_key_binary_collation: `ALTER COLUMN "order_key" SET DATA TYPE text COLLATE "C"`, the schema code saying
nothing of it): drizzle-kit's snapshot has no field for a collation, so `verify` reported that step and every
later one as differing (`collation default → C`), and `drift` on a database the folder built exited with a
difference no snapshot could ever remove. Without a sidecar a collation the snapshot does not state is set aside
and listed, as NOT VALID flags and comments are; one the snapshot states (a customType spelling `text COLLATE
"C"`) is still compared."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_project import fresh_config, write_project
from pgtools import temp_database, url_for

from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.commands.verify import verify
from mizzle.runner.migrate import migrate

pytestmark = pytest.mark.pg

MODELS = """import sqlalchemy as sa
metadata = sa.MetaData()
r = sa.Table("user_table_rows", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("order_key", sa.Text))
"""


def test_a_hand_made_collation_of_a_drizzle_kit_folder_is_set_aside(pg_available: bool, tmp_path: Path) -> None:
    write_project(tmp_path, MODELS)
    generate(fresh_config(tmp_path), name="init")
    out = tmp_path / "migrations"
    (out / "meta" / "_mizzle.json").unlink(missing_ok=True)  # drizzle-kit's folder: no sidecar
    (sql,) = out.glob("0000_*.sql")
    sql.write_text(sql.read_text() + '\n--> statement-breakpoint\n'
                   'ALTER TABLE "user_table_rows" ALTER COLUMN "order_key" SET DATA TYPE text COLLATE "C";')

    result = verify(fresh_config(tmp_path), scratch_url=url_for("postgres"))
    assert [s.changes for s in result.steps] == [[]], result.to_json()
    assert any("collation" in u and "user_table_rows.order_key" in u for u in result.unmanaged), result.unmanaged

    with temp_database("mzcoll") as url:
        migrate(url=url, folder=out)
        found = drift(url=url, folder=out)
        assert found.changes == [], found.changes
        assert any("collation" in u for u in found.unmanaged), found.unmanaged


def test_a_collation_the_snapshot_states_is_still_compared(pg_available: bool, tmp_path: Path) -> None:
    write_project(tmp_path, MODELS)
    generate(fresh_config(tmp_path), name="init")
    out = tmp_path / "migrations"
    (out / "meta" / "_mizzle.json").unlink(missing_ok=True)
    snap = out / "meta" / "0000_snapshot.json"
    snap.write_text(snap.read_text().replace('"type": "text"', '"type": "text COLLATE \\"C\\""'))
    with temp_database("mzcoll") as url:
        migrate(url=url, folder=out)
        found = drift(url=url, folder=out)
        assert any("collation" in c for c in found.changes), found.changes
