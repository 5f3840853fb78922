"""drift and verify give a note where drizzle-kit's own SQL explains a composite primary key's column order:
drizzle-kit 0.21 and before wrote a composite key's columns in alphabetical order, in its SQL and its snapshots; later
snapshots list them as declared, with no SQL to reorder them (homarr's SQLite folder: `boardUserPermission` made
`PRIMARY KEY(board_id, permission, user_id)` in 0000, its 0007 snapshot listing `board_id, user_id, permission`).
Both reported the difference alone, verify as if the SQL or the snapshot had been edited by hand."""

from __future__ import annotations

import json
import os
from pathlib import Path

import mizzle_fork

SCHEMA = '''
import sqlalchemy as sa
md = sa.MetaData()
perm = sa.Table("perm", md, sa.Column("board_id", sa.Text), sa.Column("user_id", sa.Text),
                sa.Column("permission", sa.Text),
                sa.PrimaryKeyConstraint("board_id", "user_id", "permission",
                                        name="perm_board_id_user_id_permission_pk"))
'''


def mizzle(args: list[str], cwd: Path) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


def test_drift_and_verify_note_a_key_drizzle_kits_sql_wrote_in_alphabetical_order(tmp_path: Path) -> None:
    (tmp_path / "schema.py").write_text(SCHEMA)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    assert mizzle(["generate", "--name", "init"], tmp_path).returncode == 0
    sql = next((tmp_path / "drizzle").glob("0000_*.sql"))
    text = sql.read_text()
    assert "PRIMARY KEY(`board_id`, `user_id`, `permission`)" in text, text
    # the key as drizzle-kit 0.21 wrote it (its snapshot, mizzle's here, lists the columns as declared)
    sql.write_text(text.replace("PRIMARY KEY(`board_id`, `user_id`, `permission`)",
                                "PRIMARY KEY(`board_id`, `permission`, `user_id`)"))
    assert mizzle(["migrate"], tmp_path).returncode == 0
    r = mizzle(["drift", "--json"], tmp_path)
    assert r.returncode == 3, r.stderr
    out = json.loads(r.stdout)
    assert any("(board_id, user_id, permission) → (board_id, permission, user_id)" in c for c in out["changes"]), out
    assert len(out["notes"]) == 1, out["notes"]
    assert out["notes"][0].startswith("primary key on perm: drizzle-kit 0.21 and before wrote a composite "
                                      "key's columns in alphabetical order"), out["notes"]
    r = mizzle(["verify"], tmp_path)
    assert r.returncode != 0
    assert "note: primary key on perm: drizzle-kit 0.21 and before" in r.stderr + r.stdout, r.stderr


def test_no_note_for_a_key_in_another_order(tmp_path: Path) -> None:
    (tmp_path / "schema.py").write_text(SCHEMA)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    assert mizzle(["generate", "--name", "init"], tmp_path).returncode == 0
    sql = next((tmp_path / "drizzle").glob("0000_*.sql"))
    sql.write_text(sql.read_text().replace("PRIMARY KEY(`board_id`, `user_id`, `permission`)",
                                           "PRIMARY KEY(`user_id`, `board_id`, `permission`)"))
    assert mizzle(["migrate"], tmp_path).returncode == 0
    out = json.loads(mizzle(["drift", "--json"], tmp_path).stdout)
    assert out["changes"] and out.get("notes", []) == [], out
