"""A database drizzle-orm 0.x migrated, and its folder converted by drizzle-kit 1.x's own `up`. Its tracking rows
have no name and a `created_at` with the journal's milliseconds (1746566491575), while drizzle-kit's `up` names the
folder to the second (20250506212131_…: 1746566491000); drizzle-orm 1.x's migrator matches such a row to the
migration of its second (by hash among several, by hash alone when none). mizzle matched `created_at` exactly:
on Mail-0/Zero's and vercel/ai-chatbot's folders converted so, `status` called every migration "skipped by
drizzle-orm" and every row "an applied migration with no journal entry", and `migrate` refused (exit 3)."""

from __future__ import annotations

import sys
from pathlib import Path

from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.migrations.folder import MigrationFolder
from mizzle.runner.tracking import APPLIED, PENDING, AppliedRow, DatabaseState, applied_whens, reconcile

T0 = 1_767_225_600_000  # 2026-01-01, whole seconds: the folders' names hold the `when`


def _folder(tmp_path: Path) -> list:  # type: ignore[type-arg]
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema_rc.py"]\nout = "drizzle"\n'
                                          '[migrations]\nlayout = "folders"\n')
    for i, extra in enumerate(("", ', sa.Column("nick", sa.Text)', ', sa.Column("nick", sa.Text), sa.Column("n", sa.Integer)')):
        (tmp_path / "schema_rc.py").write_text("import sqlalchemy as sa\nmd = sa.MetaData()\n"
                                               f'users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True){extra})\n')
        sys.modules.pop("schema_rc", None)
        assert generate(load_config(tmp_path / "mizzle.toml"), name=f"m{i}", now_ms=T0 + i * 60_000).written
    migrations = MigrationFolder(tmp_path / "drizzle", "postgresql").migrations()
    assert [m.when for m in migrations] == [T0, T0 + 60_000, T0 + 120_000]
    return migrations


def test_rows_of_drizzle_orm_0x_match_a_folder_named_to_the_second(tmp_path: Path) -> None:
    migrations = _folder(tmp_path)
    # the first two applied by drizzle-orm 0.x: the journal's `when` had milliseconds the folder names lack
    rows = [AppliedRow(1, migrations[0].hash, T0 + 383), AppliedRow(2, migrations[1].hash, T0 + 60_999)]
    r = reconcile(migrations, DatabaseState(rows=rows, tracking_exists=True))
    assert r.problems == [], r.problems
    assert [s.state for s in r.states] == [APPLIED, APPLIED, PENDING]
    assert [m.tag for m in (s.migration for s in r.pending) if m] == [migrations[2].tag]
    assert applied_whens(migrations, rows) == {T0, T0 + 60_000}  # what drift compares with: the second's snapshot


def test_a_row_of_another_second_is_matched_by_its_hash_and_an_unknown_row_stays_unknown(tmp_path: Path) -> None:
    migrations = _folder(tmp_path)
    rows = [AppliedRow(1, migrations[0].hash, T0 - 5_000), AppliedRow(2, "f" * 64, T0 + 7_123)]
    r = reconcile(migrations, DatabaseState(rows=rows, tracking_exists=True))
    assert r.states[0].state == APPLIED
    assert any("no journal entry" in p and str(T0 + 7_123) in p for p in r.problems), r.problems
