"""`mizzle init`: write a mizzle.toml and an example schema module (`init_project` is the Python API)."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import LAYOUTS
from ..dialects import is_embedded
from ..errors import UsageError
from .app import Options, common_options

SCHEMA_FILE = "app/db/schema.py"
OUT = "app/db/migrations"

_CONFIG = {
    "sqlite": '''# mizzle configuration (see the README for every key)
dialect = "sqlite"
schema = ["{schema}", "app/db/*_schema.py"]   # files, globs or dotted modules
out = "{out}"
url = "sqlite:///mizzle.db"                   # --url, --env NAME or DATABASE_URL override it
''',
    "postgresql": '''# mizzle configuration (see the README for every key)
dialect = "postgresql"
schema = ["{schema}", "app/db/*_schema.py"]   # files, globs or dotted modules
out = "{out}"
naming = "postgresql"   # unnamed constraints get PostgreSQL's own names (users_email_key), as create_all gives
# url: --url > --env NAME (its url_env) > DATABASE_URL > `url` here
# url = "postgresql://app@localhost:5432/app"

[environments.production]
url_env = "PRODUCTION_DATABASE_URL"
protected = true
''',
}

_FOLDERS = '''
[migrations]
layout = "folders"   # drizzle-kit 1.x's layout: <timestamp>_<name>/migration.sql + snapshot.json, no journal
'''

_SCHEMA = '''"""The database schema, as SQLAlchemy models. Edit it, then run `mizzle generate` and review the SQL."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(255), unique=True)
    name: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(server_default=sa.func.current_timestamp())


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str | None] = mapped_column(sa.Text)
'''


def init_project(root: str | Path = ".", dialect: str = "sqlite", force: bool = False,
                 layout: str = "journal") -> list[Path]:
    """Write mizzle.toml and an example schema module under `root`; returns the files written. Refuses to
    overwrite an existing file unless `force`. `layout` is the migrations folder's: `journal` (drizzle-kit 0.x)
    or `folders` (drizzle-kit 1.x, which also makes unnamed constraints take drizzle-kit 1.x's names)."""
    if dialect not in _CONFIG:
        raise UsageError(f"mizzle init: dialect {dialect!r} is not one of {', '.join(_CONFIG)}")
    if layout not in LAYOUTS:
        raise UsageError(f"mizzle init: layout {layout!r} is not one of {', '.join(LAYOUTS)}")
    config = _CONFIG[dialect].format(schema=SCHEMA_FILE, out=OUT)
    if layout == "folders":  # PostgreSQL: drizzle-kit 1.x's names for unnamed constraints (the layout's default)
        config = config.replace('naming = "postgresql"   # unnamed constraints get PostgreSQL\'s own names '
                                '(users_email_key), as create_all gives',
                                'naming = "drizzle1"   # unnamed constraints get drizzle-kit 1.x\'s names') + _FOLDERS
    base = Path(root)
    files = {
        base / "mizzle.toml": config,
        base / SCHEMA_FILE: _SCHEMA,
        base / "app" / "__init__.py": "",
        base / "app" / "db" / "__init__.py": "",
    }
    existing = [p for p, _ in files.items() if p.exists() and p.name != "__init__.py"]
    if existing and not force:
        raise UsageError(f"mizzle init: {existing[0]} already exists; nothing was written",
                         "Pass --force to overwrite, or edit the existing files.")
    written = []
    for path, text in files.items():
        if path.name == "__init__.py" and path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


@click.command("init", epilog="""\b
Examples:
  mizzle init                          # SQLite: mizzle.toml + app/db/schema.py
  mizzle init --dialect postgresql
  mizzle init --dialect postgresql --layout folders   # drizzle-kit 1.x's folder layout""")
@click.option("--dialect", type=click.Choice(sorted(_CONFIG)), default="sqlite", show_default=True,
              help="Database dialect for the new config.")
@click.option("--layout", type=click.Choice(LAYOUTS), default="journal", show_default=True,
              help="The migrations folder's layout: journal (drizzle-kit 0.x) or folders (drizzle-kit 1.x).")
@click.option("--force", is_flag=True, help="Overwrite mizzle.toml and the example schema if they exist.")
@common_options
def init_command(opts: Options, dialect: str, layout: str, force: bool) -> int:
    """Write a mizzle.toml and an example schema module in the current directory."""
    written = init_project(Path.cwd(), dialect=dialect, force=force, layout=layout)
    if opts.json:
        opts.emit_json({"written": [str(p) for p in written], "dialect": dialect, "layout": layout})
        return 0
    for p in written:
        opts.echo(f"wrote {p.relative_to(Path.cwd())}")
    opts.echo("\nnext: edit app/db/schema.py, then\n  mizzle generate   # write the first migration\n"
              "  mizzle migrate    # apply it" + (" to sqlite:///mizzle.db" if is_embedded(dialect) else "")
              + "\n  mizzle status")
    return 0
