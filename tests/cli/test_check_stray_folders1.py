"""`mizzle check` on a drizzle-kit 1.x folder names what lies loose beside the migration folders. Mail-0/Zero's
0.x folder holds `0025_far_echo.sql`, a branch leftover no journal entry lists; `mizzle up` (and drizzle-kit's)
leave it in place, with a warning then, but `check` on the converted folder said "ok" and nothing of it: a loose
.sql file neither drizzle-orm 1.x nor mizzle ever runs, forgotten from then on."""

from __future__ import annotations

import sys
from pathlib import Path

from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.migrations.check import check_folder

SCHEMA = """import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.Text))
"""


def _project(tmp_path: Path) -> Path:
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema_fx.py"]\nout = "drizzle"\n'
                                          '[migrations]\nlayout = "folders"\n')
    (tmp_path / "schema_fx.py").write_text(SCHEMA)
    sys.modules.pop("schema_fx", None)
    assert generate(load_config(tmp_path / "mizzle.toml"), name="init", now_ms=1_767_225_600_000).written
    return tmp_path / "drizzle"


def test_loose_files_beside_the_migration_folders_are_named(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    folder = _project(tmp_path)
    assert check_folder(folder, "postgresql").warnings == []
    (folder / "0025_far_echo.sql").write_text('ALTER TABLE "users" ADD COLUMN "nick" text;\n')
    (folder / "notes.txt").write_text("hello")
    report = check_folder(folder, "postgresql")
    by_path = {w.path: w.message for w in report.warnings}
    assert report.ok, report.errors
    assert "never run" in by_path.get("0025_far_echo.sql", ""), by_path
    assert "<name>/migration.sql" in by_path["0025_far_echo.sql"], by_path
    assert by_path.get("notes.txt") == "stray file in the migrations folder", by_path
    r = run_mizzle(["check"], cwd=tmp_path)
    assert r.code == 0 and "0025_far_echo.sql" in r.stdout + r.stderr, r.stdout + r.stderr
