"""Adopting a database SQLAlchemy or Alembic built (issue 13 items 16 and 17): constraints and indexes the
code leaves unnamed carry PostgreSQL's names there (`users_email_key`, `posts_author_id_fkey`,
`posts_check`); `baseline` matches them by definition, writes the database's names into the snapshot, and
says so; `drift` is clean after. An `alembic_version` table is recognised and reported in one line."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.pg

MODELS = '''
import sqlalchemy as sa

md = sa.MetaData()

users = sa.Table(
    "users", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(200), nullable=False, unique=True),
    sa.Column("age", sa.Integer),
    sa.CheckConstraint("age >= 0"),
)

posts = sa.Table(
    "posts", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("published", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("author_id", "title"),
)
'''


def _project(root: Path) -> None:
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "models.py").write_text(MODELS)
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/models.py"]\nout = "migrations"\n')


def _metadata(root: Path) -> sa.MetaData:
    ns: dict[str, object] = {}
    exec(compile(MODELS, str(root / "app" / "models.py"), "exec"), ns)  # noqa: S102 - the test's own module
    md = ns["md"]
    assert isinstance(md, sa.MetaData)
    return md


def _snapshot(root: Path) -> dict[str, object]:
    return json.loads(next((root / "migrations" / "meta").glob("0000_snapshot.json")).read_text())


def test_baseline_adopts_a_create_all_database(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    _project(tmp_path)
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    url = pg_url()
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        _metadata(tmp_path).create_all(engine)
        with engine.connect() as c:  # the names PostgreSQL chose, which the code never gave
            names = set(c.execute(sa.text("SELECT conname FROM pg_constraint WHERE connamespace = "
                                          "'public'::regnamespace")).scalars())
    finally:
        engine.dispose()
    assert {"users_email_key", "posts_author_id_fkey", "posts_author_id_title_key"} <= names
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert "users_email_key" in r.stderr  # the snapshot now carries the database's names, and says so
    snap = _snapshot(tmp_path)
    tables = snap["tables"]
    assert isinstance(tables, dict)  # the code's names stay in the snapshot, the database's are their server names
    assert "users_email_unique" in tables["public.users"]["uniqueConstraints"]
    side = json.loads((tmp_path / "migrations" / "meta" / "_mizzle.json").read_text())["snapshots"][snap["id"]]
    assert side["tables"]["public.users"]["uniqueConstraints"]["users_email_unique"]["serverName"] == "users_email_key"
    assert side["tables"]["public.posts"]["foreignKeys"]["posts_author_id_users_id_fk"]["serverName"] == \
        "posts_author_id_fkey"
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    # a real difference is still found, and named with both values
    with sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://")).begin() as c:
        c.execute(sa.text("ALTER TABLE posts ALTER COLUMN published SET DEFAULT true"))
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 3
    assert "~ column posts.published: default false → true" in r.stdout + r.stderr


def _forget_app() -> None:
    for name in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[name]
    importlib.invalidate_caches()


def test_baseline_recognises_an_alembic_database(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    alembic_config = pytest.importorskip("alembic.config")
    from alembic import command

    _project(tmp_path)
    url = pg_url()
    sa_url = url.replace("postgresql://", "postgresql+psycopg://")
    # an Alembic project as its docs set it up: init, autogenerate the first revision from the models, upgrade
    cfg = alembic_config.Config(str(tmp_path / "alembic.ini"))
    command.init(cfg, str(tmp_path / "alembic"))
    cfg = alembic_config.Config(str(tmp_path / "alembic.ini"))
    cfg.set_main_option("sqlalchemy.url", sa_url)
    env = tmp_path / "alembic" / "env.py"
    env.write_text(env.read_text().replace(
        "target_metadata = None",
        "from app.models import md\ntarget_metadata = md"))
    saved = list(sys.path)
    sys.path.insert(0, str(tmp_path))
    _forget_app()  # an `app` package another test imported would shadow this project's
    try:
        command.revision(cfg, message="init", autogenerate=True)
        command.upgrade(cfg, "head")
    finally:  # leave no trace of this project's `app` package for the tests after
        sys.path[:] = saved
        _forget_app()
    with sa.create_engine(sa_url).connect() as c:
        revision = c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    # coming from Alembic: the first migration from the models, then baseline the database
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    notes = [line for line in r.stderr.splitlines() if "Alembic" in line]
    assert len(notes) == 1, r.stderr
    assert revision in notes[0] and "retired" in notes[0]
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr


def test_names_baseline_takes_from_the_database_stay_the_codes_and_later_migrations_use_the_databases(
        tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """ironic's models against the database its Alembic migrations built (`fk_portgroups_ports` for the code's
    unnamed key): after `baseline` took the database's names, `generate --check` asked to rename each one back to
    the code's (`constraint users_email_key → users_email_unique (rename)`), so the first migration after adopting a
    database renamed them all. The snapshot keeps the code's names, the database's are its server names; they
    stay so through later migrations, whose DDL names what the database has. (Checks and composite keys:
    test_checks_and_composite_keys_baseline_takes_from_the_database_stay_the_codes.)"""
    _project(tmp_path)
    models = tmp_path / "app" / "models.py"
    models.write_text(MODELS.replace('    sa.CheckConstraint("age >= 0"),\n', ""))
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    url = pg_url()
    ns: dict[str, object] = {}
    exec(compile(models.read_text(), str(models), "exec"), ns)  # noqa: S102 - the test's own module
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        ns["md"].create_all(engine)  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert "users_email_key" in r.stderr and "posts_author_id_fkey" in r.stderr
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr
    # an unrelated change: the next snapshot still knows the database's names
    models.write_text(models.read_text().replace('sa.Column("age", sa.Integer),', 'sa.Column("age", sa.Integer),\n'
                                                 '    sa.Column("bio", sa.Text),'))
    r = run_mizzle(["generate", "--name", "bio"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "RENAME" not in next((tmp_path / "migrations").glob("0001_*.sql")).read_text()
    # then the unique, the foreign key and the index change: dropped by the names the database has
    models.write_text(models.read_text()
                      .replace('nullable=False, unique=True)', 'nullable=False)')
                      .replace('sa.ForeignKey("users.id")', 'sa.ForeignKey("users.id", ondelete="CASCADE")')
                      .replace('nullable=False, index=True)', 'nullable=False)'))
    r = run_mizzle(["generate", "--name", "change"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    sql = next((tmp_path / "migrations").glob("0002_*.sql")).read_text()
    assert '"users_email_key"' in sql and '"posts_author_id_fkey"' in sql and '"ix_posts_author_id"' in sql, sql
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr
    # and a database the folder builds (a new one, CI's, verify's scratch one) has the code's names, which 0002
    # takes to the database's first: buildbot's models after baselining its Alembic-built database, the next
    # migration changing a foreign key failed there (constraint "users_info_uid_fkey" does not exist)
    fresh = pg_url()
    r = run_mizzle(["migrate"], cwd=tmp_path, url=fresh)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["drift"], cwd=tmp_path, url=fresh)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["verify"], cwd=tmp_path, url=fresh)  # its scratch database on the test server, not a new cluster
    assert r.code == 0, r.stdout + r.stderr
    # the code naming the composite unique the database has as posts_author_id_title_key: renamed from that name
    # on the baselined database, from the code's old one on the one the folder built
    models.write_text(models.read_text().replace('sa.UniqueConstraint("author_id", "title")',
                                                 'sa.UniqueConstraint("author_id", "title", name="uq_posts_title")'))
    r = run_mizzle(["generate", "--name", "name_unique"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    sql = next((tmp_path / "migrations").glob("0003_*.sql")).read_text()
    assert 'RENAME CONSTRAINT "posts_author_id_title_key" TO "uq_posts_title"' in sql, sql
    for target in (url, fresh):
        r = run_mizzle(["migrate"], cwd=tmp_path, url=target)
        assert r.code == 0, r.stdout + r.stderr
        r = run_mizzle(["drift"], cwd=tmp_path, url=target)
        assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["verify"], cwd=tmp_path, url=fresh)
    assert r.code == 0, r.stdout + r.stderr


def test_server_names_baseline_recorded_follow_a_table_rename(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Code naming its key, unique and index itself (`fk_author`) over a database that has its own names
    (`posts_author_id_fkey`, an older hand-written schema): the names baseline records as server names were lost
    from the snapshot of `generate --rename posts=articles` (the code's names do not change with the table's), and
    the next change dropped `fk_author`, which the database does not have."""
    models = MODELS_NAMED.replace("{table}", "posts")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "models.py").write_text(models)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/models.py"]\nout = "migrations"\n')
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    url = pg_url()
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as c:
            c.execute(sa.text("CREATE TABLE users (id serial PRIMARY KEY); CREATE TABLE posts (id serial PRIMARY KEY, "
                              "author_id integer NOT NULL REFERENCES users (id), title text NOT NULL, "
                              "UNIQUE (author_id, title)); CREATE INDEX posts_author_idx ON posts (author_id)"))
    finally:
        engine.dispose()
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0 and "posts_author_id_fkey" in r.stderr, r.stderr
    (tmp_path / "app" / "models.py").write_text(MODELS_NAMED.replace("{table}", "articles"))
    r = run_mizzle(["generate", "--name", "ren", "--rename", "posts=articles"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    # then the key, the unique and the index change: dropped by the names the database has
    (tmp_path / "app" / "models.py").write_text(MODELS_NAMED.replace("{table}", "articles")
                                                .replace('name="fk_author")', 'name="fk_author", ondelete="CASCADE")')
                                                .replace('    sa.Index("ix_author", "author_id"),\n', "")
                                                .replace(', name="uq_author_title"', ""))
    r = run_mizzle(["generate", "--name", "change"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    sql = next((tmp_path / "migrations").glob("0002_*.sql")).read_text()
    assert '"posts_author_id_fkey"' in sql and '"posts_author_idx"' in sql and '"posts_author_id_title_key"' in sql, \
        sql
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr


MODELS_NAMED = '''
import sqlalchemy as sa

md = sa.MetaData()

users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))

posts = sa.Table(
    "{table}", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id", name="fk_author"), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.UniqueConstraint("author_id", "title", name="uq_author_title"),
    sa.Index("ix_author", "author_id"),
)
'''


def test_baseline_adopts_a_single_column_key_the_database_left_unnamed(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """JupyterHub 6.1's models (`naming_convention={"pk": "pk_%(table_name)s"}`, since 2.0) against a hub database
    made before 2.0 and upgraded by its Alembic migrations: its single-column keys are PostgreSQL's `groups_pkey`.
    baseline matched the composite keys by definition but refused the single-column ones
    (`~ primary key on groups: name pk_groups → groups_pkey (rename)`), as the database reads that name back as
    the unnamed key's. Now it takes the database's name into the snapshot, as for a composite key, and the next
    migration renames it to the code's."""
    _project(tmp_path)
    models = tmp_path / "app" / "models.py"
    convention = '{"ix": "ix_%(column_0_label)s", "pk": "pk_%(table_name)s"}'
    models.write_text(MODELS.replace("md = sa.MetaData()", f"md = sa.MetaData(naming_convention={convention})"))
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert 'CONSTRAINT "pk_users" PRIMARY KEY' in next((tmp_path / "migrations").glob("0000_*.sql")).read_text()
    url = pg_url()
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        _metadata(tmp_path).create_all(engine)  # no naming convention: users_pkey, posts_pkey
    finally:
        engine.dispose()
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert "primary key pk_users → users_pkey" in r.stderr
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["generate", "--name", "names"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    sql = next((tmp_path / "migrations").glob("0001_*.sql")).read_text()
    assert 'RENAME CONSTRAINT "users_pkey" TO "pk_users"' in sql, sql
    assert 'RENAME CONSTRAINT "posts_pkey" TO "pk_posts"' in sql, sql
    # the rename runs where the key has that name: a database the folder's own SQL built has pk_users already, and
    # failed on it (anitya 2.3's models on its Alembic-upgraded 1.4 database, fx42); so did verify's replay
    for at in (url, pg_url()):
        r = run_mizzle(["migrate"], cwd=tmp_path, url=at)
        assert r.code == 0, r.stdout + r.stderr
        r = run_mizzle(["drift"], cwd=tmp_path, url=at)
        assert r.code == 0, r.stdout + r.stderr
        with psycopg.connect(at) as c:
            assert {n for (n,) in c.execute("SELECT conname FROM pg_constraint WHERE contype = 'p' "
                                                         "AND conrelid::regclass::text IN ('users', 'posts')")} == \
                {"pk_users", "pk_posts"}
    r = run_mizzle(["verify", "--scratch-url", url], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr


KEYED = '''
import sqlalchemy as sa

md = sa.MetaData()

users = sa.Table(
    "users", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("age", sa.Integer),
    sa.CheckConstraint("age >= 0"),
)

memberships = sa.Table(
    "memberships", md,
    sa.Column("user_id", sa.Integer, nullable=False),
    sa.Column("group_id", sa.Integer, nullable=False),
    sa.Column("role", sa.Text, nullable=False),
    sa.PrimaryKeyConstraint("user_id", "group_id"),
    sa.CheckConstraint("role <> ''"),
)
'''


def test_checks_and_composite_keys_baseline_takes_from_the_database_stay_the_codes(
        tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """The server names of uniques, foreign keys and indexes left out checks and composite keys: after `baseline`
    on create_all's database (`users_age_check`, `memberships_pkey` for the code's unnamed ones) the snapshot held
    the database's names and `generate --check` asked to rename each back (`~ constraint users_age_check →
    users_check on users (rename)`, `~ primary key on memberships: name memberships_pkey → …_pk (rename)`). They
    keep the code's names too, the database's as server names, which later migrations drop them by."""
    _project(tmp_path)
    models = tmp_path / "app" / "models.py"
    models.write_text(KEYED)
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    url = pg_url()
    ns: dict[str, object] = {}
    exec(compile(models.read_text(), str(models), "exec"), ns)  # noqa: S102 - the test's own module
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        ns["md"].create_all(engine)  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert "users_age_check" in r.stderr and "memberships_pkey" in r.stderr, r.stderr
    snap = _snapshot(tmp_path)
    tables = snap["tables"]
    assert isinstance(tables, dict)
    assert list(tables["public.users"]["checkConstraints"]) == ["users_check"]
    assert list(tables["public.memberships"]["compositePrimaryKeys"]) == ["memberships_user_id_group_id_pk"]
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    # an unrelated change: the next snapshot still knows the database's names
    models.write_text(models.read_text().replace('sa.Column("age", sa.Integer),', 'sa.Column("age", sa.Integer),\n'
                                                 '    sa.Column("bio", sa.Text),'))
    r = run_mizzle(["generate", "--name", "bio"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "RENAME" not in next((tmp_path / "migrations").glob("0001_*.sql")).read_text()
    # then the checks and the key change: dropped by the names the database has
    models.write_text(models.read_text().replace("age >= 0", "age > 0").replace('    sa.CheckConstraint("role <> \'\'"),\n', "")
                      .replace('sa.PrimaryKeyConstraint("user_id", "group_id")',
                               'sa.PrimaryKeyConstraint("user_id", "group_id", name="memberships_key")'))
    r = run_mizzle(["generate", "--name", "change"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    sql = next((tmp_path / "migrations").glob("0002_*.sql")).read_text()
    assert 'DROP CONSTRAINT "users_age_check"' in sql and 'DROP CONSTRAINT "memberships_role_check"' in sql, sql
    assert 'RENAME CONSTRAINT "memberships_pkey" TO "memberships_key"' in sql, sql
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr


def test_baseline_adopts_a_create_all_key_declared_unique_too_under_drizzle_kits_naming(  # type: ignore[no-untyped-def]
        tmp_path: Path, pg_url, run_mizzle) -> None:
    """nbgrader 0.9's `Course.id = Column(String(128), unique=True, primary_key=True)` with mizzle's default naming
    (drizzle-kit's): the snapshot keeps the unique as `course_id_unique` beside the key, while create_all's
    `PRIMARY KEY (id), UNIQUE (id)` leaves PostgreSQL only the key. baseline against nbgrader's own database was
    refused with `- unique course_id_unique on course`; the one key CREATE TABLE made of them now matches, as it did
    under PostgreSQL's own default name (`course_id_key`)."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "models.py").write_text(
        "import sqlalchemy as sa\nmd = sa.MetaData()\n"
        "course = sa.Table('course', md, sa.Column('id', sa.String(128), unique=True, primary_key=True))\n")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/models.py"]\nout = "migrations"\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "course_id_unique" in next((tmp_path / "migrations").glob("0000_*.sql")).read_text()
    url = pg_url()
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        md = sa.MetaData()
        sa.Table("course", md, sa.Column("id", sa.String(128), unique=True, primary_key=True))
        md.create_all(engine)
        with engine.connect() as c:
            names = set(c.execute(sa.text("SELECT conname FROM pg_constraint WHERE conrelid = 'course'::regclass"))
                        .scalars())
    finally:
        engine.dispose()
    assert names == {"course_pkey"}
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    for args in (["drift"], ["generate", "--check"]):
        r = run_mizzle(args, cwd=tmp_path, url=url)
        assert r.code == 0, r.stdout + r.stderr


def test_baseline_names_the_extensions_it_does_not_compare(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # the fastapi full-stack template's Alembic migration creates uuid-ossp, its models declare no extension: drift
    # lists it as not compared (fx43), and baseline recorded the database without a word
    _project(tmp_path)
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    url = pg_url()
    with psycopg.connect(url, autocommit=True) as c:
        c.execute('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"')
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        _metadata(tmp_path).create_all(engine)
    finally:
        engine.dispose()
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("GRANT SELECT ON users TO PUBLIC")  # tambo's hand-written GRANTs likewise (fx50)
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert "not compared (the snapshot tracks no extensions" in r.stderr and "uuid-ossp" in r.stderr, r.stderr
    assert "not compared (the snapshot tracks no privileges" in r.stderr, r.stderr


def test_baseline_in_drizzle_kit_1x_layout_keeps_the_snapshot_format(tmp_path: Path, pg_url, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # aiida-core's database made by its own Alembic history, baselined into a folder in drizzle-kit 1.x's layout: the
    # database's constraint names were taken into the snapshot by writing back the v7 JSON mizzle reads it as, over
    # snapshot.json (version "9", a diff of its parents' rows), which drizzle-kit 1.x then refused ("not of the
    # latest version"). The names are not recorded there yet: the snapshot stays as drizzle-kit wrote it, and
    # baseline says which names differ and what a later migration naming one of them does
    _project(tmp_path)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/models.py"]\nout = "migrations"\n'
                                          '[migrations]\nlayout = "folders"\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    (snap_path,) = (tmp_path / "migrations").glob("*/snapshot.json")
    before = snap_path.read_bytes()
    assert json.loads(before)["version"] == "9"
    url = pg_url()
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        _metadata(tmp_path).create_all(engine)  # PostgreSQL's names: posts_author_id_fkey, not drizzle-kit 1.x's
    finally:
        engine.dispose()
    r = run_mizzle(["baseline"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert snap_path.read_bytes() == before
    assert "posts_author_id_fkey" in r.stderr and "1.x" in r.stderr, r.stderr
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr
