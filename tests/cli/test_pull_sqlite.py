"""`mizzle pull` on SQLite writes a SQLite module: String(N) for drizzle-kit's text(N), LargeBinary for blob,
`sqlite_where` for a partial index, no PostgreSQL import or PgType helper — and `generate --check` right after
finds nothing to do."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import mizzle_fork


def mizzle(args: list[str], cwd: Path) -> mizzle_fork.Ran:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return mizzle_fork.run([*args], cwd=cwd, env=env, timeout=120)


def test_pull_sqlite_round_trips(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "app.db")
    db.executescript(
        "CREATE TABLE `users` (`id` integer PRIMARY KEY NOT NULL, `email` text(255) NOT NULL, "
        "`active` integer DEFAULT 1 NOT NULL, `photo` blob, `score` real);\n"
        "CREATE INDEX `users_active_email` ON `users` (`email`) WHERE `active` = 1;\n")
    db.close()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    p = mizzle(["pull"], tmp_path)
    assert p.returncode == 0, p.stderr
    module = (tmp_path / "pulled.py").read_text()
    assert "postgresql" not in module and "PgType" not in module, module
    assert 'sa.Column("email", sa.String(255), nullable=False)' in module
    assert 'sa.Column("photo", sa.LargeBinary)' in module
    assert 'sqlite_where=sa.text("`active` = 1")' in module
    p = mizzle(["generate", "--check"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr


def test_pull_sqlite_keeps_types_create_all_declares(tmp_path: Path) -> None:
    """A database SQLAlchemy's create_all made declares VARCHAR(191), FLOAT, DATETIME, BOOLEAN, JSON, CHAR(32):
    not drizzle-kit's five types, so sa.String(191) or sa.Boolean in the module would be text(191) or integer
    (a table rebuild at the next generate). The module keeps each declared type, and `generate --check`
    right after the pull finds nothing."""
    db = sqlite3.connect(tmp_path / "app.db")
    db.executescript(
        "CREATE TABLE jobs (id VARCHAR(191) NOT NULL, next_run FLOAT, created DATETIME, done BOOLEAN, "
        "meta JSON, token CHAR(32), price NUMERIC(10, 2), name VARCHAR, note TEXT, n INTEGER, PRIMARY KEY (id));\n")
    db.close()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    p = mizzle(["pull"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert "cannot express" not in p.stdout + p.stderr, p.stdout + p.stderr
    module = (tmp_path / "pulled.py").read_text()
    for declared, behaves in (("varchar(191)", "sa.VARCHAR(length=191)"), ("float", "sa.FLOAT()"),
                              ("datetime", "sa.DATETIME()"), ("boolean", "sa.BOOLEAN()"), ("json", "sa.JSON()"),
                              ("char(32)", "sa.CHAR(length=32)"), ("numeric(10, 2)", "sa.NUMERIC(precision=10, scale=2)"),
                              ("varchar", "sa.VARCHAR()")):
        # the declared type as written, its values as SQLAlchemy's type of that name (not strings: barbican)
        assert f'PgType("{declared}", {behaves})' in module, (declared, module)
    assert 'sa.Column("note", sa.Text)' in module and 'sa.Column("n", sa.Integer)' in module, module
    p = mizzle(["generate", "--check"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    p = mizzle(["drift"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr


def test_pull_sqlite_autoincrement_round_trips(tmp_path: Path) -> None:
    """`INTEGER PRIMARY KEY AUTOINCREMENT` (create_all's `sqlite_autoincrement=True`, ihatemoney's bill and person)
    is pulled as `sqlite_autoincrement=True` on the table, as create_all reads it, not a PostgreSQL `sa.Identity()` that SQLite's reading
    drops (a table rebuild at the next generate)."""
    db = sqlite3.connect(tmp_path / "app.db")
    db.executescript("CREATE TABLE bill (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, what TEXT);\n"
                     "CREATE TABLE plain (id INTEGER NOT NULL PRIMARY KEY, what TEXT);\n")
    db.close()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    p = mizzle(["pull"], tmp_path)
    assert p.returncode == 0, p.stderr
    module = (tmp_path / "pulled.py").read_text()
    assert "sa.Identity" not in module, module
    assert 'sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)' in module, module
    assert module.count("sqlite_autoincrement=True") == 1, module  # bill's, not plain's
    p = mizzle(["generate", "--check"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "AUTOINCREMENT" in next((tmp_path / "drizzle").glob("*.sql")).read_text()


def test_pull_sqlite_reads_checks_written_on_a_column(tmp_path: Path) -> None:
    """create_all writes a Column's CheckConstraint inside the column's definition (pgAdmin's server.port:
    `port INTEGER NOT NULL CHECK (port <= 65534)`); pull reads it (named or not) like a table's CHECK, and a
    quoted `CHECK (` in a default is no check."""
    db = sqlite3.connect(tmp_path / "app.db")
    db.executescript(
        "CREATE TABLE server (id INTEGER NOT NULL, port INTEGER NOT NULL CHECK (port <= 65534), "
        "note VARCHAR(20) DEFAULT 'CHECK (no)' CONSTRAINT ck_note CHECK (note <> ''), PRIMARY KEY (id), "
        "CHECK (port >= 1));\n")
    db.close()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    p = mizzle(["pull"], tmp_path)
    assert p.returncode == 0, p.stderr
    module = (tmp_path / "pulled.py").read_text()
    for check in ['"port <= 65534"', "\"note <> ''\", name=\"ck_note\"", '"port >= 1"']:
        assert f"sa.CheckConstraint({check}" in module, module
    assert module.count("sa.CheckConstraint(") == 3, module
    p = mizzle(["generate", "--check"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    p = mizzle(["drift"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr


def test_pull_sqlite_sets_alembic_version_aside(tmp_path: Path) -> None:
    """A SQLite database Alembic manages (keystone's, buildbot's) is pulled without its `alembic_version` table (a
    warning names it, bare: SQLite has no schemas), as baseline and drift set it aside; a database holding nothing
    else is nothing to pull."""
    db = sqlite3.connect(tmp_path / "app.db")
    db.executescript("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                     "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));\n"
                     "INSERT INTO alembic_version VALUES ('27e647c0fad4');\n")
    db.close()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    p = mizzle(["pull"], tmp_path)
    assert p.returncode == 2 and "nothing to pull" in p.stderr and "not pulled: alembic_version" in p.stderr, p.stderr
    db = sqlite3.connect(tmp_path / "app.db")
    db.execute("CREATE TABLE region (id VARCHAR(255) NOT NULL PRIMARY KEY, description VARCHAR(255) NOT NULL)")
    db.commit()
    db.close()
    p = mizzle(["pull"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert "warning: not pulled: alembic_version (Alembic's bookkeeping" in p.stderr, p.stderr
    module = (tmp_path / "pulled.py").read_text()
    assert '"region"' in module and "alembic_version" not in module, module
    sql = next((tmp_path / "drizzle").glob("0000_*.sql")).read_text()
    assert "alembic_version" not in sql, sql
    assert mizzle(["generate", "--check"], tmp_path).returncode == 0
    d = mizzle(["drift"], tmp_path)
    assert d.returncode == 0, d.stdout + d.stderr


def test_the_apps_own_models_after_a_pull_are_no_change(tmp_path: Path) -> None:
    """A database create_all or Alembic built (ihatemoney's, by its Alembic history) pulled, and the schema then
    pointed at the app's own models (sa.String(64), sa.Float, sa.Date, sa.Boolean, sa.SmallInteger, a non-native
    sa.Enum): the pulled snapshot declares VARCHAR(64), FLOAT, DATE, BOOLEAN, SMALLINT, VARCHAR(13), the models'
    types are mizzle's text(64), real, text, integer, integer, text. Those are one column in two spellings, as drift
    and baseline already take them: `generate` finds no change (it rebuilt every table to retype each column), and
    a real change is the only one written."""
    db = sqlite3.connect(tmp_path / "app.db")
    db.executescript(
        "CREATE TABLE person (id INTEGER NOT NULL, project_id VARCHAR(64), weight FLOAT, activated BOOLEAN, "
        "joined DATE, kind VARCHAR(13), op SMALLINT NOT NULL, PRIMARY KEY (id));\n")
    db.close()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    p = mizzle(["pull"], tmp_path)
    assert p.returncode == 0, p.stderr
    models = (
        "import enum\nimport sqlalchemy as sa\n\nmetadata = sa.MetaData()\n\n\n"
        "class Kind(enum.Enum):\n    EXPENSE = 'EXPENSE'\n    REIMBURSEMENT = 'REIMBURSEMENT'\n\n\n"
        "person = sa.Table(\n    'person', metadata,\n    sa.Column('id', sa.Integer, primary_key=True),\n"
        "    sa.Column('project_id', sa.String(64)),\n    sa.Column('weight', sa.Float),\n"
        "    sa.Column('activated', sa.Boolean),\n    sa.Column('joined', sa.Date),\n"
        "    sa.Column('kind', sa.Enum(Kind, native_enum=False)),\n"
        "    sa.Column('op', sa.SmallInteger, nullable=False),\n{extra})\n")
    (tmp_path / "pulled.py").write_text(models.format(extra=""))
    p = mizzle(["generate", "--check"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    (tmp_path / "pulled.py").write_text(models.format(extra="    sa.Column('name', sa.Text),\n"))
    p = mizzle(["generate", "--name", "name"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    sql = next((tmp_path / "drizzle").glob("0001_*.sql")).read_text()
    assert sql.strip() == "ALTER TABLE `person` ADD `name` text;", sql
    assert mizzle(["migrate"], tmp_path).returncode == 0
    d = mizzle(["drift"], tmp_path)
    assert d.returncode == 0, d.stdout + d.stderr


def test_reverting_after_a_pull_retypes_no_table_the_migration_left_alone(tmp_path: Path) -> None:
    """ihatemoney's SQLite database built by its Alembic history up to 2dcb0c0048dc, pulled, the schema then its own
    models, generate (bill, person, project rebuilt; transaction's remote_addr dropped), migrate, then `mizzle revert`
    of that migration: the latest snapshot spells every column as the models give it (text(64), real), the pulled
    one as create_all wrote it (VARCHAR(64), FLOAT), and revert took the two spellings for type changes, rebuilding
    archive, person_version, billowers_version, which the migration had not touched, to retype each column. Now a
    table the revert changes nothing else in keeps its columns; the revert's snapshot stays the pulled one, which
    drift and the pulled module (the schema code reverted too) find as the database has it."""
    db = sqlite3.connect(tmp_path / "app.db")
    db.executescript(
        "CREATE TABLE person (id INTEGER NOT NULL, project_id VARCHAR(64), weight FLOAT, PRIMARY KEY (id));\n"
        "CREATE TABLE archive (id INTEGER NOT NULL, project_id VARCHAR(64), PRIMARY KEY (id));\n"
        "INSERT INTO person VALUES (1, 'p1', 1.5); INSERT INTO archive VALUES (1, 'p1');\n")
    db.close()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["models.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    p = mizzle(["pull", "--schema-out", "pulled.py"], tmp_path)
    assert p.returncode == 0, p.stderr
    models = ("import sqlalchemy as sa\n\nmetadata = sa.MetaData()\n"
              "person = sa.Table('person', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
              "    sa.Column('project_id', sa.String(64)), sa.Column('weight', sa.Float), sa.Column('name', sa.Text))\n"
              "archive = sa.Table('archive', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
              "    sa.Column('project_id', sa.String(64)))\n")
    (tmp_path / "models.py").write_text(models)
    assert mizzle(["generate", "--name", "models"], tmp_path).returncode == 0
    assert mizzle(["migrate"], tmp_path).returncode == 0
    r = mizzle(["revert", "0001_models"], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    sql = next((tmp_path / "drizzle").glob("0002_*.sql")).read_text()
    assert sql.strip() == "-- mizzle: reverts 0001_models\nALTER TABLE `person` DROP COLUMN `name`;", sql
    assert mizzle(["migrate"], tmp_path).returncode == 0
    d = mizzle(["drift"], tmp_path)
    assert d.returncode == 0, d.stdout + d.stderr
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    g = mizzle(["generate", "--check"], tmp_path)
    assert g.returncode == 0, g.stdout + g.stderr
    with sqlite3.connect(tmp_path / "app.db") as c:
        assert c.execute("SELECT * FROM person").fetchall() == [(1, "p1", 1.5)]
        assert "VARCHAR(64)" in c.execute("SELECT sql FROM sqlite_master WHERE name = 'archive'").fetchone()[0]


def test_pull_names_a_collation_the_application_registers(tmp_path: Path) -> None:
    """Anki's collection (rslib/src/storage/upgrades/schema15_upgrade.sql) declares `name text NOT NULL COLLATE
    unicase`, a collation Anki registers on its own connections: SQLite refuses a CREATE TABLE naming one it does
    not know. The pulled baseline names it; `pull` says so (before: nothing), and `migrate` of that baseline into a
    new file fails with SQLite's error and a hint saying why."""
    db = sqlite3.connect(tmp_path / "app.db")
    db.create_collation("unicase", lambda a, b: (a.lower() > b.lower()) - (a.lower() < b.lower()))
    db.executescript("CREATE TABLE decks (id integer PRIMARY KEY NOT NULL, name text NOT NULL COLLATE unicase, "
                     "title text COLLATE NOCASE);\nCREATE UNIQUE INDEX idx_decks_name ON decks (name);\n")
    db.close()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "drizzle"\n'
                                          'url = "sqlite:///app.db"\n')
    p = mizzle(["pull", "--no-mark"], tmp_path)
    assert p.returncode == 0, p.stderr
    warned = [ln for ln in p.stderr.splitlines() if "collation" in ln]
    assert len(warned) == 1 and "unicase" in warned[0] and "decks.name" in warned[0], p.stderr
    assert "title" not in warned[0], warned  # NOCASE is SQLite's own
    p = mizzle(["generate", "--check"], tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    p = mizzle(["migrate", "--url", "sqlite:///new.db"], tmp_path)
    assert p.returncode != 0
    assert "no such collation sequence: unicase" in p.stderr, p.stderr
    assert "registers" in p.stderr and "BINARY, NOCASE and RTRIM" in p.stderr, p.stderr
