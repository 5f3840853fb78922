"""A rebuilt snapshot names an index's operator class as the migration's SQL does (Netflix Lemur's models:
`Index("ix_certificates_cn", "cn", postgresql_using="gin", postgresql_ops={"cn": "gin_trgm_ops"})`). The server
prints an operator class outside pg_catalog with its schema (`public.gin_trgm_ops`); `check --rebuild-snapshots`
wrote that where generate's snapshot (and drizzle-kit's `.op("gin_trgm_ops")`) says `gin_trgm_ops`, so the rebuilt
snapshot differed from the one it replaced and drizzle-kit saw the index changed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from pgtools import url_for

from mizzle.commands.generate import generate
from mizzle.commands.verify import rebuild_snapshots
from mizzle.config import load_config

pytestmark = pytest.mark.pg

SCHEMA = '''import sqlalchemy as sa
from mizzle.pg import Extension

metadata = sa.MetaData()
trgm = Extension("pg_trgm")
certificates = sa.Table(
    "certificates", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("cn", sa.String(128)),
    sa.Index("ix_certificates_cn", "cn", postgresql_using="gin", postgresql_ops={"cn": "gin_trgm_ops"}),
)
'''


def test_a_rebuilt_snapshot_names_the_opclass_as_the_sql_does(pg_available: bool, tmp_path: Path) -> None:
    (tmp_path / "rebuild_opclass_schema.py").write_text(SCHEMA)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["rebuild_opclass_schema.py"]\n'
                                          'out = "drizzle"\nnaming = "postgresql"\n')
    config = load_config(tmp_path / "mizzle.toml")
    try:
        generate(config, name="init")
    finally:
        sys.modules.pop("rebuild_opclass_schema", None)
    snapshot = next((tmp_path / "drizzle" / "meta").glob("0000_snapshot.json"))
    assert '"cn" gin_trgm_ops' in next((tmp_path / "drizzle").glob("0000_*.sql")).read_text()
    original = json.loads(snapshot.read_text())
    snapshot.unlink()
    result = rebuild_snapshots(config, scratch_url=url_for("postgres"))
    assert result.rebuilt == ["0000_init"]
    rebuilt = json.loads(snapshot.read_text())
    index = rebuilt["tables"]["public.certificates"]["indexes"]["ix_certificates_cn"]
    assert index["columns"][0]["opclass"] == "gin_trgm_ops"
    assert rebuilt["tables"] == original["tables"]
