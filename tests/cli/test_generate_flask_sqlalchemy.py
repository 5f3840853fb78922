"""A Flask-SQLAlchemy `db = SQLAlchemy()` (and an ORM `registry()`) at a schema module's top level is read: its
MetaData is the one the app's `create_all` and Flask-Migrate's env.py (`db.metadata`) use. A module holding only
`db` and importing the model modules (Netflix Lemur's models are spread over lemur/*/models.py, all on
`lemur.database.db`; CTFd's Alembic migrations import `from CTFd.models import db`) was read as an empty schema:
`generate` planned DROP TABLE for every table of the folder's snapshot, and on a new folder wrote nothing
("No schema changes")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("flask_sqlalchemy")

EXTENSIONS = '''
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
'''

# the shape of lemur/users/models.py: a model module on the extension's db
MODELS = '''
from app.extensions import db


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(128), unique=True)


class Post(db.Model):
    __tablename__ = "posts"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"))
'''

# the schema module: db, and the model modules imported for their tables (as the app's factory imports them)
SCHEMA = '''
from app.extensions import db  # noqa: F401
from app import models  # noqa: F401
'''

REGISTRY = '''
import sqlalchemy as sa
from sqlalchemy.orm import registry

mapper_registry = registry()
sa.Table("tags", mapper_registry.metadata, sa.Column("id", sa.Integer, primary_key=True))
'''


def _project(root: Path, schema: str, files: dict[str, str]) -> Path:
    (root / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = {schema}\nout = "migrations"\n'
                                      'naming = "postgresql"\n')
    (root / "app").mkdir()
    (root / "app" / "__init__.py").write_text("")
    for name, text in files.items():
        (root / "app" / name).write_text(text)
    return root


def test_the_db_of_flask_sqlalchemy_is_read(tmp_path: Path, run_mizzle: Callable[..., object],
                                            pg_url: Callable[..., str]) -> None:
    cwd = _project(tmp_path, '["app/schema.py"]',
                   {"extensions.py": EXTENSIONS, "models.py": MODELS, "schema.py": SCHEMA})
    r = run_mizzle(["generate", "--name", "init"], cwd=cwd)
    assert r.code == 0, r.stdout + r.stderr  # type: ignore[attr-defined]
    sql = next((cwd / "migrations").glob("0000_*.sql")).read_text()
    assert 'CREATE TABLE "public"."users"' in sql and 'CREATE TABLE "public"."posts"' in sql, sql
    url = pg_url()
    assert run_mizzle(["migrate"], cwd=cwd, url=url).code == 0  # type: ignore[attr-defined]
    drift = run_mizzle(["drift"], cwd=cwd, url=url)
    assert drift.code == 0, drift.stdout + drift.stderr  # type: ignore[attr-defined]
    check = run_mizzle(["generate", "--check"], cwd=cwd)
    assert check.code == 0, check.stdout + check.stderr  # type: ignore[attr-defined]


def test_a_module_of_db_alone_does_not_drop_the_tables(tmp_path: Path, run_mizzle: Callable[..., object]) -> None:
    # the folder was generated from the model module; the config then names the module holding db (which imports
    # the models): the same tables, no change
    cwd = _project(tmp_path, '["app/models.py"]',
                   {"extensions.py": EXTENSIONS, "models.py": MODELS, "schema.py": SCHEMA})
    assert run_mizzle(["generate", "--name", "init"], cwd=cwd).code == 0  # type: ignore[attr-defined]
    (cwd / "mizzle.toml").write_text((cwd / "mizzle.toml").read_text().replace("app/models.py", "app/schema.py"))
    check = run_mizzle(["generate", "--check"], cwd=cwd)
    assert check.code == 0, check.stdout + check.stderr  # type: ignore[attr-defined]


def test_an_orm_registry_is_read(tmp_path: Path, run_mizzle: Callable[..., object]) -> None:
    cwd = _project(tmp_path, '["app/schema.py"]', {"schema.py": REGISTRY})
    r = run_mizzle(["generate", "--name", "init"], cwd=cwd)
    assert r.code == 0, r.stdout + r.stderr  # type: ignore[attr-defined]
    assert "+ table tags" in r.stdout, r.stdout  # type: ignore[attr-defined]
