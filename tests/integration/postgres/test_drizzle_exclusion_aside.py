"""A drizzle-kit folder (no meta/_mizzle.json) whose hand-written SQL adds an exclusion constraint (bissbilanz's 0012:
`EXCLUDE USING gist (user_id WITH =, …)` after `CREATE EXTENSION btree_gist`): drizzle-kit's snapshot has no field
for one, so `verify` reported every step from there on (`+ exclusion constraint …`) and `drift` the database, a
difference no snapshot could ever fix. Without a sidecar it is set aside and listed, as the functions, triggers and
NOT VALID flags such a folder cannot record are."""

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
slots = sa.Table("slots", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("room", sa.Integer, nullable=False), sa.Column("during", sa.Text, nullable=False))
"""


def test_an_exclusion_constraint_of_a_drizzle_kit_folder_is_set_aside(pg_available: bool, tmp_path: Path) -> None:
    write_project(tmp_path, MODELS)
    generate(fresh_config(tmp_path), name="init")
    out = tmp_path / "migrations"
    (out / "meta" / "_mizzle.json").unlink(missing_ok=True)  # drizzle-kit's folder: no sidecar
    (sql,) = out.glob("0000_*.sql")
    sql.write_text(sql.read_text() + '\n--> statement-breakpoint\nALTER TABLE "slots" ADD CONSTRAINT "slots_no_overlap" '
                   'EXCLUDE USING btree ("room" WITH =);')

    result = verify(fresh_config(tmp_path), scratch_url=url_for("postgres"))
    assert [s.changes for s in result.steps] == [[]], result.to_json()
    assert any("exclusion constraints" in u and "slots_no_overlap" in u for u in result.unmanaged), result.unmanaged

    with temp_database("mzex") as url:
        migrate(url=url, folder=out)
        found = drift(url=url, folder=out)
        assert found.changes == [], found.changes
        assert any("exclusion constraints" in u and "slots.slots_no_overlap" in u for u in found.unmanaged), \
            found.unmanaged
