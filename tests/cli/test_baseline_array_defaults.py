"""A database Sequelize 6's sync() built: `defaultValue: []` on an ARRAY(STRING) column is written
`DEFAULT ARRAY[]::VARCHAR(255)[]`, stored `(ARRAY[]::character varying[])::character varying(255)[]`. A model saying
`server_default="{}"` is the same empty array; baseline refused the database (`~ column Users.tags: default
'{}'::character varying[] → (ARRAY[]::…`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

SEQUELIZE = ('CREATE TABLE IF NOT EXISTS "Users" ("id" UUID , "tags" VARCHAR(255)[] DEFAULT ARRAY[]::VARCHAR(255)[], '
             "\"roles\" TEXT[] DEFAULT ARRAY['member']::TEXT[], PRIMARY KEY (\"id\"))")
SCHEMA = '''
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

metadata = sa.MetaData()

users = sa.Table(
    "Users", metadata,
    sa.Column("id", sa.Uuid, primary_key=True),
    sa.Column("tags", pg.ARRAY(sa.String(255)), server_default="{}"),
    sa.Column("roles", pg.ARRAY(sa.Text), server_default="{member}"),
)
'''


def test_a_sequelize_array_default_matches_the_models_array_literal(
        tmp_path: Path, pg_url: Callable[..., str], run_mizzle: Any) -> None:
    url = pg_url()
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(SEQUELIZE)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "schema.py").write_text(SCHEMA)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["drift", "--json"], cwd=tmp_path, url=url)
    assert r.code == 0 and json.loads(r.stdout)["changes"] == [], r.stdout + r.stderr
