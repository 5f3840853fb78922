"""verify after `mizzle up` of a journal folder missing a migration's snapshot: up writes that migration a snapshot
repeating the one before (as drizzle-kit 1.x writes a custom migration's), and verify compared its step with it,
reporting what the SQL made as a hand edit of the SQL or the snapshot — where verify of the folder as it was says
"not compared" (sovereignfs/sovereign's SQLite folder: meta/0003…0010_snapshot.json missing, 0003 creating
`entitlements`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import mizzle_fork

SCHEMA = '''
import sqlalchemy as sa
md = sa.MetaData()
a = sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True))
'''
MORE = 'b = sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True))\n'


def mizzle(args: list[str], cwd: Path) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


def test_verify_after_up_does_not_compare_a_snapshot_up_made_for_a_migration_without_one(tmp_path: Path) -> None:
    (tmp_path / "schema.py").write_text(SCHEMA)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    assert mizzle(["generate", "--name", "init"], tmp_path).returncode == 0
    (tmp_path / "schema.py").write_text(SCHEMA + MORE)
    assert mizzle(["generate", "--name", "b"], tmp_path).returncode == 0
    (tmp_path / "drizzle" / "meta" / "0001_snapshot.json").unlink()  # lost, as sovereign's 0003…0010
    before = mizzle(["verify", "--json"], tmp_path)
    assert json.loads(before.stdout)["migrations"][1]["compared"] is False, before.stdout
    r = mizzle(["up"], tmp_path)
    assert r.returncode == 0, r.stderr
    r = mizzle(["verify", "--json"], tmp_path)
    assert r.returncode == before.returncode, r.stdout + r.stderr  # exit 3: a step not compared, as before
    steps = json.loads(r.stdout)["migrations"]
    second = steps[1]
    assert second["tag"].endswith("_b") and second["compared"] is False, steps
    assert "mizzle up" in second["not_compared_because"], second
    assert steps[0]["compared"] is True, steps
    # rebuilt from the SQL, the step's snapshot is compared again, and the mark is gone from the sidecar
    r = mizzle(["check", "--rebuild-snapshots", "--from", "1"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    side = json.loads((tmp_path / "drizzle" / "meta" / "_mizzle.json").read_text())
    assert "upWithoutSnapshot" not in side, side
    r = mizzle(["verify", "--json"], tmp_path)
    assert r.returncode == 0 and all(s["compared"] for s in json.loads(r.stdout)["migrations"]), r.stdout + r.stderr
