"""`baseline` on a database whose foreign keys carry drizzle-kit 0.x's names (`<table>_<col>_<ref>_<refcol>_fk`),
with a folder drizzle-kit 1.x's own `up` converted: its snapshot rows state those very names (`nameExplicit:
false`). vercel/ai-chatbot's folder so converted: baseline warned that "the database names 11 constraint(s)
otherwise than the snapshot" (Stream_chatId_Chat_id_fkey is Stream_chatId_Chat_id_fk) and that a later migration
would fail — but the snapshot names them as the database does, and mizzle drops them by that name."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import psycopg

from mizzle.commands.generate import generate
from mizzle.config import load_config

SCHEMA = """import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))
posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")))
"""


def test_names_the_snapshot_states_as_the_database_has_them_are_no_warning(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema_bs.py"]\nout = "drizzle"\n'
                                          '[migrations]\nlayout = "folders"\n')
    (tmp_path / "schema_bs.py").write_text(SCHEMA)
    sys.modules.pop("schema_bs", None)
    assert generate(load_config(tmp_path / "mizzle.toml"), name="init", now_ms=1_767_225_600_000).written
    [d] = [p for p in (tmp_path / "drizzle").iterdir() if (p / "migration.sql").is_file()]
    old, new = "posts_user_id_users_id_fkey", "posts_user_id_users_id_fk"  # as drizzle-kit 0.x named it
    for f in (d / "migration.sql", d / "snapshot.json"):
        assert old in f.read_text()
        f.write_text(f.read_text().replace(old, new))
    rows = [r for r in json.loads((d / "snapshot.json").read_text())["ddl"] if r["entityType"] == "fks"]
    assert [(r["name"], r["nameExplicit"]) for r in rows] == [(new, False)]
    url = pg_url()
    with psycopg.connect(url, autocommit=True) as c:
        c.execute((d / "migration.sql").read_text().replace("--> statement-breakpoint", ""))
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert "otherwise than the snapshot" not in r.stdout + r.stderr, r.stdout + r.stderr
