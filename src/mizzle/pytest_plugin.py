"""mizzle's pytest plugin (entry point `pytest11`): a fresh database migrated to head for each test
(`mizzle_db`), and a helper to test one migration against data seeded before it (`mizzle_migration`).

PostgreSQL when a server is given (`--mizzle-url URL` or $MIZZLE_TEST_DATABASE_URL: a database
`mizzle_test_<random>` is created on that server for each use and dropped after the test); otherwise SQLite in
the test's tmp_path. Only pytest and the standard library are imported until a fixture is used, so loading the
plugin costs a test run nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .config import Config
    from .runner.migrate import MigrateResult

URL_ENV = "MIZZLE_TEST_DATABASE_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mizzle", "mizzle migrations")
    group.addoption("--mizzle-url", metavar="URL", default=None,
                    help=f"PostgreSQL server for mizzle's fixtures (any database on it; a temporary database is "
                         f"created per test and dropped). Default: ${URL_ENV}, else SQLite in tmp_path.")
    group.addoption("--mizzle-config", metavar="PATH", default=None,
                    help="mizzle.toml (or pyproject.toml) for mizzle's fixtures. Default: found from the rootdir.")


class MizzleDatabase:
    """A throwaway database and the migrations folder it is migrated from."""

    def __init__(self, url: str, config: Config) -> None:
        self.url = url
        self.config = config
        self.folder = config.out_dir
        from .dburl import parse_url

        self.dialect = parse_url(url).dialect
        self.last_result: MigrateResult | None = None

    @property
    def sqlalchemy_url(self) -> str:
        """The URL for `sqlalchemy.create_engine` (psycopg 3 named as the driver)."""
        from . import dialects

        return dialects.get(self.dialect).sqlalchemy_url(self.url)

    def migrate(self, to: str | None = None) -> MigrateResult:
        """Apply pending migrations (up to and including `to`) with mizzle's runner; returns its result."""
        from .runner.migrate import migrate

        cfg = self.config
        self.last_result = migrate(url=self.url, folder=self.folder, to=to, transaction=cfg.transaction,
                                   table=cfg.table, tracking_schema=cfg.tracking_schema)
        return self.last_result

    def connect(self) -> Any:
        """A new DB-API connection (psycopg 3 in autocommit mode, or sqlite3); close it yourself."""
        from . import dialects

        if dialects.is_embedded(self.dialect):
            import sqlite3

            return sqlite3.connect(self.url.split("///", 1)[1], isolation_level=None)
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> None:
        """Run one statement and commit it (`%s` placeholders on PostgreSQL, `?` on SQLite)."""
        conn = self.connect()
        try:
            conn.execute(sql) if params is None else conn.execute(sql, params)
        finally:
            conn.close()

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one query; its rows as tuples."""
        conn = self.connect()
        try:
            cur = conn.execute(sql) if params is None else conn.execute(sql, params)
            return [tuple(r) for r in cur.fetchall()]
        finally:
            conn.close()

    def applied(self) -> list[str]:
        """Tags applied in this database, in journal order (read with `mizzle status`'s logic)."""
        from .runner.migrate import status

        res = status(url=self.url, folder=self.folder, table=self.config.table,
                     tracking_schema=self.config.tracking_schema)
        return [s.tag for s in res.states if s.state == "applied"]


class MigrationUnderTest(MizzleDatabase):
    """A database migrated up to the migration before `tag`: seed data, `apply()` the migration, assert."""

    def __init__(self, url: str, config: Config, tag: str, previous: str | None) -> None:
        super().__init__(url, config)
        self.tag = tag
        self.previous = previous

    def apply(self) -> MigrateResult:
        """Apply the migration under test (and nothing after it)."""
        return self.migrate(to=self.tag)


def _tags(folder: Path, dialect: str) -> list[str]:
    from .migrations.folder import MigrationFolder

    mf = MigrationFolder(folder, dialect=dialect)
    return [m.tag for m in mf.migrations(mf.read_journal())]


TEMP_PREFIX = "mizzle_test_"
TEMPLATE_PREFIX = "mizzle_tmpl_"


@contextmanager
def temporary_database(server_url: str, *, prefix: str = TEMP_PREFIX, template: str | None = None) -> Iterator[str]:
    """A new database `<prefix><random>` on the server of `server_url` (any database on it), empty or a copy of
    the database at `template`; its URL is yielded, and it is dropped (WITH (FORCE)) afterwards."""
    import secrets
    from urllib.parse import urlsplit

    from . import dialects
    from .dburl import parse_url

    server = parse_url(server_url)
    dialect = dialects.find(server.dialect)
    if dialect is None or not dialect.template_databases:
        pytest.fail(f"mizzle: --mizzle-url / ${URL_ENV} must name a PostgreSQL server, not {server.masked}",
                    pytrace=False)
    name = prefix + secrets.token_hex(6)
    copy = f' TEMPLATE "{parse_url(template).database}"' if template else ""
    with dialect.connect(server, application_name="mizzle pytest plugin") as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
        try:
            yield urlsplit(server_url)._replace(path="/" + name).geturl()
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate_or_fail(db: MizzleDatabase, to: str | None = None) -> None:
    from .errors import MizzleError

    try:
        db.migrate(to=to)
    except MizzleError as e:
        pytest.fail(f"mizzle: migrating {db.folder} into a test database failed: {e}", pytrace=False)


def _folder_key(config: Config) -> tuple[Any, ...]:
    """What a migrated database depends on: the folder's migrations (tags and file hashes) and tracking table."""
    from .errors import MizzleError
    from .migrations.folder import MigrationFolder

    try:
        mf = MigrationFolder(config.out_dir, dialect=config.dialect)
        migrations = tuple((m.tag, m.when, m.hash) for m in mf.migrations(mf.read_journal()))
    except MizzleError as e:
        pytest.fail(f"mizzle: cannot read the migrations folder: {e}", pytrace=False)
    return (str(config.out_dir), config.table, config.tracking_schema, config.transaction, migrations)


class _Templates:
    """Session-wide: one database migrated to head per server and folder state, which every `mizzle_db` copies
    (CREATE DATABASE … TEMPLATE; SQLite's backup API) instead of running the whole history again. Dropped at the
    end of the session."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.stack = ExitStack()
        self.made: dict[tuple[Any, ...], str] = {}

    def head(self, server: str | None, config: Config) -> str:
        key = (server, *_folder_key(config))
        if key not in self.made:
            if server:
                url = self.stack.enter_context(temporary_database(server, prefix=TEMPLATE_PREFIX))
            else:
                url = f"sqlite:///{self.tmp / f'template_{len(self.made)}.db'}"
            _migrate_or_fail(MizzleDatabase(url, config))
            self.made[key] = url
        return self.made[key]


class _Databases:
    """Creates each test's databases and drops them at teardown."""

    def __init__(self, server: str | None, config: Config, tmp_path: Path, templates: _Templates) -> None:
        self.server = server
        self.config = config
        self.tmp_path = tmp_path
        self.templates = templates
        self.stack = ExitStack()
        self.count = 0

    def new_url(self, migrated: bool = False) -> str:
        """A new database: empty, or (`migrated`) a copy of one migrated to head."""
        from . import dialects

        if not self.server and not dialects.is_embedded(self.config.dialect):
            pytest.fail(f"mizzle: the migrations in {self.config.out_dir} are {self.config.dialect}; pass "
                        f"--mizzle-url postgresql://USER@HOST/postgres (or set ${URL_ENV}) so each test gets a "
                        "temporary database on that server", pytrace=False)
        template = self.templates.head(self.server, self.config) if migrated else None
        if self.server:
            return self.stack.enter_context(temporary_database(self.server, template=template))
        self.count += 1
        path = self.tmp_path / f"mizzle_test_{self.count}.db"
        if template:
            import sqlite3

            src, dst = sqlite3.connect(template.split("///", 1)[1]), sqlite3.connect(path)
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
        return f"sqlite:///{path}"


@pytest.fixture
def mizzle_config(request: pytest.FixtureRequest) -> Config:
    """The project's mizzle config (--mizzle-config, or found from the rootdir). Override this fixture to point
    the other fixtures at another folder."""
    from .config import load_config

    path = request.config.getoption("mizzle_config")
    return load_config(path, start=None if path else Path(str(request.config.rootpath)))


@pytest.fixture
def mizzle_server_url(request: pytest.FixtureRequest) -> str | None:
    """The PostgreSQL server temporary databases are created on (--mizzle-url, else $MIZZLE_TEST_DATABASE_URL);
    None means SQLite files in tmp_path. Override this fixture to choose another way."""
    value = request.config.getoption("mizzle_url") or os.environ.get(URL_ENV)
    return str(value) if value else None


@pytest.fixture(scope="session")
def _mizzle_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Templates]:
    templates = _Templates(tmp_path_factory.mktemp("mizzle_templates"))
    with templates.stack:
        yield templates


@pytest.fixture
def _mizzle_databases(mizzle_server_url: str | None, mizzle_config: Config, tmp_path: Path,
                      _mizzle_templates: _Templates) -> Iterator[_Databases]:
    dbs = _Databases(mizzle_server_url, mizzle_config, tmp_path, _mizzle_templates)
    with dbs.stack:
        yield dbs


@pytest.fixture
def mizzle_db(_mizzle_databases: _Databases) -> MizzleDatabase:
    """A fresh database with every migration of the configured folder applied (a copy of one migrated once per
    session and folder state)."""
    return MizzleDatabase(_mizzle_databases.new_url(migrated=True), _mizzle_databases.config)


@pytest.fixture
def mizzle_migration(_mizzle_databases: _Databases) -> Callable[[str], MigrationUnderTest]:
    """A factory: `mizzle_migration(TAG)` returns a fresh database migrated up to the migration before TAG.
    Seed it (`.execute`), `.apply()` TAG, then assert on the data (`.query`)."""

    def make(tag: str) -> MigrationUnderTest:
        cfg = _mizzle_databases.config
        url = _mizzle_databases.new_url()
        db = MigrationUnderTest(url, cfg, tag, None)
        tags = _tags(cfg.out_dir, db.dialect)
        if tag not in tags:
            pytest.fail(f"mizzle_migration({tag!r}): no such migration in {cfg.out_dir} "
                        f"(last ones: {', '.join(tags[-5:]) or 'none'})", pytrace=False)
        i = tags.index(tag)
        db.previous = tags[i - 1] if i else None
        if db.previous:
            _migrate_or_fail(db, to=db.previous)
        return db

    return make
