"""A drizzle-kit folder (no meta/_mizzle.json) whose hand-written SQL adds a constraint NOT VALID and validates it
in a later migration (appstrate's 0020/0021 and 0023/0028: composite foreign keys added NOT VALID so that the ALTER
does not scan the table): drizzle-kit's snapshot has no field for the flag, so `verify` reported each such step
as a difference (`not valid False → True`) that no snapshot could ever fix. Without a sidecar the flags are set
aside and listed, as the functions and triggers such a folder cannot record are."""

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
p = sa.Table("p", metadata, sa.Column("id", sa.Integer, primary_key=True))
c = sa.Table("c", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("p_id", sa.Integer, sa.ForeignKey("p.id", name="c_p_fk")),
             sa.Column("n", sa.Integer), sa.CheckConstraint("n > 0", name="c_n_check"))
"""


def test_not_valid_constraints_of_a_drizzle_kit_folder_are_set_aside(pg_available: bool, tmp_path: Path) -> None:
    write_project(tmp_path, MODELS)
    generate(fresh_config(tmp_path), name="init")
    out = tmp_path / "migrations"
    (out / "meta" / "_mizzle.json").unlink(missing_ok=True)  # drizzle-kit's folder: no sidecar
    (sql,) = out.glob("0000_*.sql")
    text = sql.read_text()
    edited = text.replace(',\n\tCONSTRAINT "c_n_check" CHECK (n > 0)\n', "\n").replace(
        "ON UPDATE no action;", "ON UPDATE no action NOT VALID;")
    assert edited.count("NOT VALID") == 1 and "c_n_check" not in edited, text
    # the check, added NOT VALID by hand in the same migration
    sql.write_text(edited + '\n--> statement-breakpoint\nALTER TABLE "c" ADD CONSTRAINT "c_n_check" CHECK (n > 0) NOT VALID;')

    result = verify(fresh_config(tmp_path), scratch_url=url_for("postgres"))
    assert [s.changes for s in result.steps] == [[]], result.to_json()
    assert any("NOT VALID" in u and "c_p_fk" in u and "c_n_check" in u for u in result.unmanaged), result.unmanaged

    with temp_database("mznv") as url:
        migrate(url=url, folder=out)
        found = drift(url=url, folder=out)
        assert found.changes == [], found.changes
        assert any("NOT VALID" in u for u in found.unmanaged), found.unmanaged
