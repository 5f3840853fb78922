"""`check --rebuild-snapshots` keeps the renames a migration's SQL states (ALTER TABLE … RENAME [COLUMN] … TO …,
ALTER SCHEMA … RENAME TO …) in the rebuilt snapshot's `_meta`, as generate wrote them: `revert` reads them, and
without them it undid a column rename with DROP COLUMN + ADD COLUMN, the column's data lost (wundergraph/cosmo's
and fiberplane/fpx's folders, whose SQL renames columns and tables)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pg_project import fresh_config, write_project

from mizzle.commands.generate import generate
from mizzle.commands.revert import revert
from mizzle.commands.verify import rebuild_snapshots
from mizzle.migrations.folder import MigrationFolder

pytestmark = pytest.mark.pg

V1 = """import sqlalchemy as sa
metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Text))
"""


def test_a_rebuilt_snapshot_keeps_the_renames_its_sql_states(tmp_path: Path, pg_url) -> None:  # type: ignore[no-untyped-def]
    write_project(tmp_path, V1)
    generate(fresh_config(tmp_path), name="init")
    write_project(tmp_path, V1.replace('"t"', '"u"').replace('"a"', '"b"'))
    generate(fresh_config(tmp_path), name="ren", renames={"t": "u", "u.a": "u.b"})
    folder = MigrationFolder(tmp_path / "migrations")
    path = folder.migrations()[1].snapshot_path
    assert path is not None
    written = json.loads(path.read_text())["_meta"]
    assert written["columns"] and written["tables"]
    path.unlink()
    rebuild_snapshots(fresh_config(tmp_path), scratch_url=pg_url())
    assert json.loads(path.read_text())["_meta"] == written
    result, _ = revert(fresh_config(tmp_path), folder.migrations()[1].tag, no_renames=True)
    sql = result.sql
    assert 'RENAME COLUMN "b" TO "a"' in sql and "DROP COLUMN" not in sql, sql
