"""drizzle-kit writes a timestamp's precision two ways in its snapshots: `timestamp (3)` (drizzle-orm's default
mode "date") and `timestamp(3)` (mode "string", which `drizzle-kit pull` writes); both are one type, and drizzle-kit
keeps the one its schema code gives. databuddy-analytics/Databuddy's pulled snapshot says `timestamp(3)` for 26
columns: the first migration mizzle's generate added (two enums given values, an index dropped) rewrote all 26 as
`timestamp (3)` in its snapshot, columns it did not touch — churn in git diff, and `check --rebuild-snapshots`
(which keeps the SQL's spelling) no longer gave back the snapshot generate wrote. An unchanged column keeps the
spelling of the folder's snapshot. No server."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mizzle.commands.generate import generate
from mizzle.config import load_config

CODE = """import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("at", pg.TIMESTAMP(precision=3), nullable=False),
             sa.Column("tz", pg.TIMESTAMP(timezone=True, precision=3)),
             sa.Column("plain", pg.TIMESTAMP(precision=6)))
"""


def _project(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "kept_type.py").write_text(CODE + extra)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["kept_type.py"]\nout = "drizzle"\n')
    sys.modules.pop("kept_type", None)
    return tmp_path / "mizzle.toml"


def _types(path: Path) -> dict[str, str]:
    return {n: c["type"] for n, c in json.loads(path.read_text())["tables"]["public.t"]["columns"].items()}


def test_an_unchanged_columns_type_keeps_the_snapshots_spelling(tmp_path: Path) -> None:
    try:
        generate(load_config(_project(tmp_path)), name="init")
        first = tmp_path / "drizzle" / "meta" / "0000_snapshot.json"
        assert _types(first)["at"] == "timestamp (3)"
        kit = first.read_text()  # as drizzle-kit pull (mode "string") writes them
        first.write_text(kit.replace('"timestamp (3)"', '"timestamp(3)"')
                         .replace('"timestamp (3) with time zone"', '"timestamp(3) with time zone"'))
        result = generate(load_config(_project(tmp_path, "\nu = sa.Table('u', metadata, sa.Column('id', "
                                                             "sa.Integer, primary_key=True))\n")), name="u")
        assert len(result.changes) == 1, result.changes  # the table u
        types = _types(tmp_path / "drizzle" / "meta" / "0001_snapshot.json")
        assert types == {"id": "serial", "at": "timestamp(3)", "tz": "timestamp(3) with time zone",
                         "plain": "timestamp (6)"}
    finally:
        sys.modules.pop("kept_type", None)
