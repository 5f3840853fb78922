"""SQLite VIRTUAL generated columns (drizzle-kit writes `GENERATED ALWAYS AS (…) VIRTUAL` and `"type": "virtual"`
in its snapshot; seen in a real folder): the kind is read from snapshots, the database and the schema code
(`sa.Computed(…, persisted=False)`), kept through a table rebuild, written back to snapshots, and a change of
kind is a change. Before, every generated column was read and written as STORED: a rebuilt table turned a
VIRTUAL column into a STORED one and check --rebuild-snapshots wrote "stored"."""

from __future__ import annotations

import json
import os
from pathlib import Path

import mizzle_fork
import pytest
from sqlite_support import db_model, rows, write_project

from mizzle.commands.generate import generate
from mizzle.errors import IntegrityError
from mizzle.runner.migrate import migrate

PRELUDE = """
import sqlalchemy as sa
md = sa.MetaData()
"""

TAGS = """
tags = sa.Table(
    "tags", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("norm", sa.Text, sa.Computed("lower(name)", persisted=False)),
    sa.Column("size", sa.Integer, sa.Computed("length(name)", persisted=True)),
{extra})
"""
SLUG = '    sa.Column("slug", sa.Text, sa.Computed("upper(name)", persisted=False)),\n'
NOTE = '    sa.Column("note", sa.Text, nullable=False, server_default="x"),\n    sa.CheckConstraint("id > 0", name="tags_id_check"),\n'


def source(extra: str = "", norm_persisted: str = "False") -> str:
    return PRELUDE + TAGS.replace("{extra}", extra).replace('persisted=False)),\n    sa.Column("size"',
                                                            f'persisted={norm_persisted})),\n    sa.Column("size"')


def hidden(db: Path) -> dict[str, int]:
    """PRAGMA table_xinfo's hidden column: 2 a VIRTUAL generated column, 3 a STORED one."""
    return {r[1]: r[6] for r in rows(db, "PRAGMA table_xinfo(tags)")}  # type: ignore[misc]


def test_virtual_generated_columns_survive_generate_rebuild_and_snapshots(tmp_path: Path) -> None:
    root, db = tmp_path / "proj", tmp_path / "app.db"
    url = f"sqlite:///{db}"
    cfg = write_project(root, source())
    first = generate(cfg, name="tags")
    assert "GENERATED ALWAYS AS (lower(name)) VIRTUAL" in first.sql, first.sql
    assert "GENERATED ALWAYS AS (length(name)) STORED" in first.sql, first.sql
    snap = json.loads((cfg.out_dir / "meta" / "0000_snapshot.json").read_text())
    cols = snap["tables"]["tags"]["columns"]
    assert cols["norm"]["generated"]["type"] == "virtual" and cols["size"]["generated"]["type"] == "stored"
    migrate(url=url, folder=cfg.out_dir)
    assert hidden(db) == {"id": 0, "name": 0, "norm": 2, "size": 3}
    assert not generate(cfg).written  # the database, the snapshot and the code agree

    # a VIRTUAL column is added in place (SQLite's ADD COLUMN takes VIRTUAL, not STORED)
    cfg = write_project(root, source(SLUG))
    second = generate(cfg, name="slug")
    assert second.statements == ["ALTER TABLE `tags` ADD `slug` text GENERATED ALWAYS AS (upper(name)) VIRTUAL;"], \
        second.statements
    migrate(url=url, folder=cfg.out_dir)

    # a change SQLite cannot ALTER rebuilds the table: its generated columns keep their kind
    cfg = write_project(root, source(SLUG + NOTE))
    third = generate(cfg, name="note")
    assert any("__new_tags" in s or "_new" in s for s in third.statements), third.statements
    migrate(url=url, folder=cfg.out_dir)
    assert hidden(db) == {"id": 0, "name": 0, "norm": 2, "size": 3, "slug": 2, "note": 0}
    assert rows(db, "SELECT count(*) FROM tags") == [(0,)]
    model = db_model(db).table("main", "tags") or db_model(db).tables[0]
    assert {c.name: c.generated_virtual for c in model.columns if c.generated} == \
        {"norm": True, "size": False, "slug": True}
    assert not generate(cfg).written

    # STORED in the code where the folder says VIRTUAL: a change (was: none seen, the kind was not read)
    cfg = write_project(root, source(SLUG + NOTE, norm_persisted="True"))
    with pytest.raises(IntegrityError) as err:
        generate(cfg, check=True)
    # one `~` line naming both kinds, as the PostgreSQL lines do (the rebuilt table's parts are paired too)
    assert "~ column tags.norm: generated virtual → stored" in str(err.value.details), err.value.details
    cfg = write_project(root, source(SLUG + NOTE))

    # snapshots rebuilt from the SQL say "virtual" again
    meta = cfg.out_dir / "meta"
    before = {p.name: json.loads(p.read_text()) for p in meta.glob("*_snapshot.json")}
    for p in meta.glob("*_snapshot.json"):
        p.unlink()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    r = mizzle_fork.run(["check", "--rebuild-snapshots"], cwd=root, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    for name, snap in before.items():
        rebuilt = json.loads((meta / name).read_text())
        got = {c: d.get("generated") for c, d in rebuilt["tables"]["tags"]["columns"].items()}
        want = {c: d.get("generated") for c, d in snap["tables"]["tags"]["columns"].items()}
        assert got == want, name
