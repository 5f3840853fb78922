"""A table rebuild that writes a column's declared type anew says so in its summary. After `pull` of a database
create_all built (barbican's: `DATETIME`, `VARCHAR(36)` columns), the module's `PgType("datetime", sa.DATETIME())`
tidied into `sa.DateTime` is the same type to generate (create_all's spelling of the code's `text`): no change. But
a later change that rebuilds the table writes the code's `text` in its CREATE TABLE, and the summary named only that
other change, so the declared types changed without a word."""

from __future__ import annotations

from pathlib import Path

from sqlite_support import db_model, write_project

from mizzle import api as mizzle
from mizzle.commands.generate import generate

PULLED = """
import sqlalchemy as sa

class PgType(sa.types.UserDefinedType):
    cache_ok = True
    def __init__(self, spec, behaves_as=None):
        self.spec = spec
    def get_col_spec(self, **kw):
        return self.spec

metadata = sa.MetaData()
sa.Table("secrets", metadata, sa.Column("id", PgType("varchar(36)"), primary_key=True),
         sa.Column("created_at", PgType("datetime")), sa.Column("name", sa.Text))
"""
TIDIED = PULLED.replace('PgType("varchar(36)")', "sa.String(36)").replace('PgType("datetime")', "sa.DateTime")


def test_a_rebuild_names_the_declared_types_it_writes_anew(tmp_path: Path) -> None:
    generate(write_project(tmp_path, PULLED), name="pulled")
    db = tmp_path / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    assert not generate(write_project(tmp_path, TIDIED), check=True).changes  # the same types to generate

    rebuilt = TIDIED.replace('sa.Column("name", sa.Text))', 'sa.Column("name", sa.Text, nullable=False))')
    result = generate(write_project(tmp_path, rebuilt), name="name_not_null")
    [line] = result.changes
    assert line.startswith("~ table secrets rebuilt (SQLite cannot ALTER this): ~ column secrets.name: set not "
                           "null"), line
    assert "~ column secrets.created_at: declared type datetime → text" in line, line
    assert "~ column secrets.id: declared type varchar(36) → text(36)" in line, line
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    types = {c.name: c.type for c in db_model(db).table("public", "secrets").columns}  # type: ignore[union-attr]
    assert types == {"id": "text(36)", "created_at": "text", "name": "text"}


def test_push_keeps_the_declared_types_its_rebuild_writes(tmp_path: Path) -> None:
    """push compares the live database with the code in the database's own spellings (push_forms): its rebuild
    writes the declared types the table has, so there is no declared-type change to name."""
    generate(write_project(tmp_path, PULLED), name="pulled")
    db = tmp_path / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    rebuilt = TIDIED.replace('sa.Column("name", sa.Text))', 'sa.Column("name", sa.Text, nullable=False))')
    result = mizzle.push(write_project(tmp_path, rebuilt), url=f"sqlite:///{db}")
    assert result.changes == ["~ table secrets rebuilt (SQLite cannot ALTER this): ~ column secrets.name: set not "
                              "null"]
    types = {c.name: c.type for c in db_model(db).table("public", "secrets").columns}  # type: ignore[union-attr]
    assert types == {"id": "varchar(36)", "created_at": "datetime", "name": "text"}


def test_revert_names_the_declared_types_its_rebuild_writes_back(tmp_path: Path) -> None:
    """Reverting the NOT NULL rebuilds the table as the snapshot before it declares it: the pulled spellings are
    written back, and revert (which compares the snapshots as stored) names them as the type changes they are."""
    from mizzle.commands.revert import revert

    generate(write_project(tmp_path, PULLED), name="pulled")
    rebuilt = TIDIED.replace('sa.Column("name", sa.Text))', 'sa.Column("name", sa.Text, nullable=False))')
    tag = generate(write_project(tmp_path, rebuilt), name="name_not_null").tag
    result, _ = revert(write_project(tmp_path, rebuilt), tag)
    assert result.changes == ["~ table secrets rebuilt (SQLite cannot ALTER this): ~ column secrets.id: type "
                              "text(36) → varchar(36); ~ column secrets.created_at: type text → datetime; ~ column "
                              "secrets.name: drop not null"]
    assert "`id` varchar(36) PRIMARY KEY NOT NULL,\n\t`created_at` datetime," in result.sql, result.sql
