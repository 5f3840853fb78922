"""SQLAlchemy's upper-case `sa.UUID` on SQLite: create_all declares the column `UUID` (the generic `sa.Uuid` is
CHAR(32) there), mizzle writes it as `text`, like every other UUID. Seen on an association table of
advanced-alchemy models (litestar-fullstack's team_tag: two `Column(UUID(as_uuid=True), ForeignKey(...),
primary_key=True)`): baseline on the create_all database said `type text → uuid` for both and refused it."""

from __future__ import annotations

from pathlib import Path

from sqlite_support import create_all_file

TOML = 'dialect = "sqlite"\nschema = "schema.py"\nout = "migrations"\n'

SCHEMA = '''import sqlalchemy as sa

metadata = sa.MetaData()
team = sa.Table("team", metadata, sa.Column("id", sa.Uuid, primary_key=True))
tag = sa.Table("tag", metadata, sa.Column("id", sa.UUID(as_uuid=True), primary_key=True),
               sa.Column("parent", sa.UUID))
team_tag = sa.Table("team_tag", metadata,
                    sa.Column("team_id", sa.UUID(as_uuid=True), sa.ForeignKey("team.id"), primary_key=True),
                    sa.Column("tag_id", sa.UUID(as_uuid=True), sa.ForeignKey("tag.id"), primary_key=True))
'''


def test_a_create_all_database_of_upper_case_uuid_columns_is_baselined(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mizzle.toml").write_text(TOML)
    (tmp_path / "schema.py").write_text(SCHEMA)
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    url = create_all_file(tmp_path / "app.db", SCHEMA)
    b = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert b.code == 0, b.stdout + b.stderr
    d = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert d.code == 0, d.stdout + d.stderr
