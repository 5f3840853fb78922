"""drift gives the note verify gives where drizzle-kit's own SQL explains a difference: on SQLite, drizzle-kit adds a
column with its foreign key as `ALTER TABLE … ADD … REFERENCES p(id)`, without the ON DELETE its snapshot keeps
(superset-sh's local-db, `workspaces.section_id`). drift reported the difference alone, as if made by hand."""

from __future__ import annotations

import json
import os
from pathlib import Path

import mizzle_fork

SCHEMA = '''
import sqlalchemy as sa
md = sa.MetaData()
p = sa.Table("p", md, sa.Column("id", sa.Integer, primary_key=True))
c = sa.Table("c", md, sa.Column("id", sa.Integer, primary_key=True))
'''


def mizzle(args: list[str], cwd: Path) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


def test_drift_notes_a_key_drizzle_kits_sql_added_without_its_actions(tmp_path: Path) -> None:
    (tmp_path / "schema.py").write_text(SCHEMA)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    assert mizzle(["generate", "--name", "init"], tmp_path).returncode == 0
    (tmp_path / "schema.py").write_text(SCHEMA + 'c.append_column(sa.Column("p_id", sa.Integer, '
                                                 'sa.ForeignKey("p.id", ondelete="SET NULL")))\n')
    assert mizzle(["generate", "--name", "fk"], tmp_path).returncode == 0
    # the migration as drizzle-kit writes it (its snapshot, mizzle's here, keeps the action)
    next((tmp_path / "drizzle").glob("0001_*.sql")).write_text("ALTER TABLE `c` ADD `p_id` integer REFERENCES p(id);")
    assert mizzle(["migrate"], tmp_path).returncode == 0
    r = mizzle(["drift", "--json"], tmp_path)
    assert r.returncode == 3, r.stderr
    out = json.loads(r.stdout)
    assert any("on delete set null → no action" in c for c in out["changes"]), out["changes"]
    assert len(out["notes"]) == 1 and "drizzle-kit's SQL adds a column's key without its actions" in out["notes"][0]
    r = mizzle(["drift"], tmp_path)
    assert "\nnote: foreign key on c (p_id): drizzle-kit's SQL adds" in r.stderr, r.stderr
