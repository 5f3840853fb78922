"""A composite primary key `<t>_pkey` and a unique constraint on the same columns that a later ALTER TABLE added
(Zou's `department_link`: the database its Alembic history built has both, and `pull` writes the unique with
`info={"mizzle": {"repeats": True}}`). The app's own models declare the key unnamed beside
`UniqueConstraint(..., name="department_link_uc")`: `create_all` makes one constraint, the key, named
`department_link_uc`. `generate` from the pulled baseline to those models found no change (the snapshot's unique
was taken as folded into the key at CREATE TABLE, though a composite `<t>_pkey` is written with its name, which
PostgreSQL keeps), so the database kept both while `push` on it planned to drop the unique and rename the key."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from pgtools import schema_dump, temp_database

from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.runner.migrate import migrate

pytestmark = pytest.mark.pg

PULLED = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("link", metadata, sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
         sa.PrimaryKeyConstraint("a", "b", name="link_pkey"),
         sa.UniqueConstraint("a", "b", name="link_uc", info={"mizzle": {"repeats": True}}))
'''
MODELS = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("link", metadata, sa.Column("a", sa.Integer, primary_key=True), sa.Column("b", sa.Integer, primary_key=True),
         sa.UniqueConstraint("a", "b", name="link_uc"))
'''


def _generate(root: Path, source: str, **kw: object) -> list[str]:
    (root / "repeat_adopted.py").write_text(source)
    try:
        return generate(load_config(root / "mizzle.toml"), **kw).changes  # type: ignore[arg-type]
    finally:
        sys.modules.pop("repeat_adopted", None)


def test_the_models_key_takes_the_uniques_name_as_create_all_makes_it(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setenv("MIZZLE_NO_CACHE", "1")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["repeat_adopted.py"]\nout = "drizzle"\n'
                                          'naming = "postgresql"\n')
    _generate(tmp_path, PULLED, name="baseline")
    assert sorted(_generate(tmp_path, MODELS, name="models")) == [
        "- unique link_uc on link", "~ primary key on link: name link_pkey → link_uc (rename)"]
    assert _generate(tmp_path, MODELS, check=True) == []
    namespace: dict[str, object] = {}
    exec(MODELS, namespace)
    with temp_database("mzrepeat") as migrated, temp_database("mzrepeatca") as created:
        migrate(url=migrated, folder=tmp_path / "drizzle")
        engine = sa.create_engine(created.replace("postgresql://", "postgresql+psycopg://", 1))
        namespace["metadata"].create_all(engine)  # type: ignore[attr-defined]
        engine.dispose()
        assert schema_dump(migrated) == schema_dump(created)
