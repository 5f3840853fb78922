"""`mizzle drift` on SQLite: a migrated database file changed by hand, one change at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlite_support import execute, write_project
from test_sqlite_history import STEPS

import mizzle
from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.config import load_config


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project with two migrations applied to a database file (each test works on a copy)."""
    root = tmp_path_factory.mktemp("drift_sqlite")
    for i, source in enumerate(STEPS[:2], start=1):
        generate(write_project(root, source), name=f"step{i}")
    db = root / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=root / "migrations")
    return root, db


def copy_of(migrated: tuple[Path, Path], tmp_path: Path, *sql: str) -> str:
    db = tmp_path / "copy.db"
    shutil.copy(migrated[1], db)
    if sql:
        execute(db, *sql)
    return f"sqlite:///{db}"


@pytest.mark.parametrize(("sql", "expected"), [
    (["ALTER TABLE users ADD COLUMN nickname text"], "+ column users.nickname"),
    (["DROP INDEX users_legacy_idx"], "- index users_legacy_idx"),
    # the database has no unique index on email at all: nothing folded it into another (srcbook's apps)
    (["DROP INDEX users_email_unique"], "- index users_email_unique on users"),
    (["CREATE TABLE scratch (id integer)"], "+ table scratch"),
    (["CREATE INDEX posts_title_idx ON posts (title)"], "+ index posts_title_idx"),
])
def test_drift_finds_hand_made_changes(migrated: tuple[Path, Path], tmp_path: Path, sql: list[str],
                                       expected: str) -> None:
    result = drift(url=copy_of(migrated, tmp_path, *sql), folder=migrated[0] / "migrations")
    assert result.migration == "0001_step2"
    assert len(result.changes) == 1 and result.changes[0].startswith(expected), result.changes


def test_untouched_sqlite_database_has_no_drift(migrated: tuple[Path, Path], tmp_path: Path) -> None:
    # composite primary key and foreign keys included: SQLite keeps no names for them, and that is no drift
    result = drift(url=copy_of(migrated, tmp_path), folder=migrated[0] / "migrations")
    assert result.migration == "0001_step2" and result.changes == [] and result.warnings == []
    # the API function, reading the project's config
    api = mizzle.drift(load_config(migrated[0] / "mizzle.toml"),
                       url=copy_of(migrated, tmp_path, "ALTER TABLE users ADD COLUMN nickname text"))
    assert api.drifted and api.changes == ["+ column users.nickname text"]


def test_cli_on_sqlite(migrated: tuple[Path, Path], tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    root = migrated[0]
    clean = run_mizzle(["drift"], cwd=root, url=copy_of(migrated, tmp_path))
    assert clean.code == 0 and "no drift" in clean.stdout, clean.stderr
    changed = run_mizzle(["drift", "--json"], cwd=root,
                         url=copy_of(migrated, tmp_path, "ALTER TABLE posts ADD COLUMN draft integer"))
    assert changed.code == 3 and changed.first_error_line.startswith("error: drift:")
    assert '"drift": true' in changed.stdout and "+ column posts.draft" in changed.stdout
    missing = tmp_path / "nope.db"
    r = run_mizzle(["drift"], cwd=root, url=f"sqlite:///{missing}")
    assert r.code == 5 and "does not exist" in r.first_error_line
    assert not missing.exists()  # drift creates nothing



def test_drift_names_the_index_changes_of_a_table_it_reports_rebuilt(migrated: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    # pgAdmin 4's SQLite config database, built by its Alembic migrations and adopted with its models: tables
    # whose columns differ (a rebuild) and that also have indexes the models lack. The rebuilt table's line named
    # the column changes only; `+ index ix_server_user_id` and the like went unreported (and uncounted).
    url = copy_of(migrated, tmp_path,
                  "CREATE TABLE tags_new (id integer PRIMARY KEY NOT NULL, label text)",
                  "INSERT INTO tags_new SELECT id, label FROM tags", "DROP TABLE tags",
                  "ALTER TABLE tags_new RENAME TO tags", "CREATE INDEX tags_label_idx ON tags (label)",
                  "CREATE TABLE posts_new AS SELECT * FROM posts", "DROP TABLE posts",  # its indexes gone with it
                  "ALTER TABLE posts_new RENAME TO posts")
    result = drift(url=url, folder=migrated[0] / "migrations")
    text = "\n".join(result.changes)
    assert "tags.label: drop not null" in text and "+ index tags_label_idx on tags" in text, result.changes
    assert "- index posts_user_idx on posts" in text, result.changes


def test_a_key_given_more_columns_is_no_rename(tmp_path: Path) -> None:
    """Open WebUI 0.12.4's `folder` on SQLite: the model's key is `id` (unnamed), its Alembic history's batch
    rebuild made it `PRIMARY KEY (id, user_id)`. SQLite stores no key names; drift said
    `name (default) → folder_id_user_id_pk` beside the columns, a name mizzle made up for the key it read."""
    generate(write_project(tmp_path, """
        import sqlalchemy as sa
        metadata = sa.MetaData()
        folder = sa.Table("folder", metadata, sa.Column("id", sa.Text, primary_key=True),
                          sa.Column("user_id", sa.Text, nullable=False))
    """, module="owui_folder"), name="init")
    db = tmp_path / "app.db"
    mizzle.migrate(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    execute(db, "DROP TABLE folder", "CREATE TABLE folder (id TEXT NOT NULL, user_id TEXT NOT NULL, "
                                     "PRIMARY KEY (id, user_id))")
    result = drift(url=f"sqlite:///{db}", folder=tmp_path / "migrations")
    # a comparison: nothing is rebuilt, so the difference is said as on PostgreSQL, not as generate's rebuild line
    assert result.changes == ["~ primary key on folder: (id) → (id, user_id)"], result.changes
