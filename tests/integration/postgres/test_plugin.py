"""mizzle's pytest plugin, used by this project's own tests (the pg_history renames keep their data), and run
in a user's project by a separate pytest process (SQLite by default, PostgreSQL with --mizzle-url, a clear
failure for PostgreSQL migrations without a server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pg_history
import pytest
from conftest import PG_ADMIN_URL
from pg_project import fresh_config, write_project
from pgtools import admin

from mizzle.commands.generate import generate
from mizzle.pytest_plugin import TEMP_PREFIX, TEMPLATE_PREFIX, MizzleDatabase

pytestmark = pytest.mark.pg


# -- the plugin in this project's own tests: fixtures overridden to the pg_history folder and the test server --

@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("history")
    for n in range(1, 5):  # up to the renames (users.nickname → handle, posts → articles)
        write_project(root, pg_history.step(n))
        generate(fresh_config(root), name=f"step{n}", renames=pg_history.RENAMES.get(n, {}))
    return root


@pytest.fixture
def mizzle_config(history: Path):  # type: ignore[no-untyped-def]
    return fresh_config(history)


@pytest.fixture
def mizzle_server_url(pg_available: bool) -> str:
    return PG_ADMIN_URL


def test_renames_keep_their_rows(mizzle_migration) -> None:  # type: ignore[no-untyped-def]
    m = mizzle_migration("0003_step4")
    assert m.applied() == ["0000_step1", "0001_step2", "0002_step3"]
    m.execute("INSERT INTO users (email, nickname) VALUES (%s, %s), (%s, %s)",
              ("ada@example.com", "ada", "bob@example.com", "bobby"))
    m.execute("INSERT INTO posts (author_id, title, body) SELECT id, 'hello from ' || nickname, 'x' FROM users")
    result = m.apply()
    assert [r.tag for r in result.applied] == ["0003_step4"]
    assert m.applied()[-1] == "0003_step4"
    assert m.query("SELECT email, handle FROM users ORDER BY email") == [
        ("ada@example.com", "ada"), ("bob@example.com", "bobby")]
    assert m.query("SELECT u.handle, a.title FROM articles a JOIN users u ON u.id = a.author_id ORDER BY 1") == [
        ("ada", "hello from ada"), ("bobby", "hello from bobby")]
    # the renamed table's serial sequence went with it: new rows still get ids after the old ones
    m.execute("INSERT INTO articles (author_id, title) SELECT min(id), 'third' FROM users")
    assert m.query("SELECT title FROM articles ORDER BY id")[-1] == ("third",)
    assert m.query("SELECT to_regclass('public.posts')") == [(None,)]
    assert m.query("SELECT count(*) FROM users WHERE email LIKE '%@example.com'") == [(2,)]  # no params: % is literal


def test_mizzle_db_is_migrated_to_head_and_dropped_after(mizzle_db: MizzleDatabase) -> None:
    assert mizzle_db.applied() == ["0000_step1", "0001_step2", "0002_step3", "0003_step4"]
    assert mizzle_db.dialect == "postgresql" and mizzle_db.sqlalchemy_url.startswith("postgresql+psycopg://")
    name = mizzle_db.url.rsplit("/", 1)[1]
    assert name.startswith(TEMP_PREFIX)
    with admin() as c:
        assert c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() == (1,)


def _databases(prefix: str) -> set[str]:
    with admin() as c:
        return {r[0] for r in c.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (prefix + "%",))}


def test_mizzle_db_copies_a_template_migrated_once(mizzle_db: MizzleDatabase) -> None:
    # the previous test made this session's template of the history; this copy starts clean from it
    assert len(_databases(TEMPLATE_PREFIX)) >= 1
    assert mizzle_db.query("SELECT count(*) FROM users") == [(0,)]
    assert mizzle_db.applied()[-1] == "0003_step4"


def test_no_temporary_database_outlives_its_test() -> None:
    # runs after the tests above (file order): their databases were dropped at teardown
    assert _databases(TEMP_PREFIX) == set()


# -- the plugin in a user's project, in a separate pytest process ------------------------------------------------

SQLITE_MIGRATIONS = {
    "0000_users": 'CREATE TABLE `users` (`id` integer PRIMARY KEY, `name` text NOT NULL);\n',
    "0001_split_name": ("ALTER TABLE `users` ADD `first` text;\n--> statement-breakpoint\n"
                        "ALTER TABLE `users` ADD `last` text;\n--> statement-breakpoint\n"
                        "UPDATE `users` SET `first` = substr(`name`, 1, instr(`name`, ' ') - 1), "
                        "`last` = substr(`name`, instr(`name`, ' ') + 1);\n"),
}

USER_TESTS = '''
def test_head(mizzle_db):
    assert mizzle_db.applied() == ["0000_users", "0001_split_name"]
    assert mizzle_db.url.startswith("sqlite:///")

def test_split_name(mizzle_migration):
    m = mizzle_migration("0001_split_name")
    m.execute("INSERT INTO users (name) VALUES (?)", ("Ada Lovelace",))
    m.apply()
    assert m.query("SELECT first, last FROM users") == [("Ada", "Lovelace")]

def test_unknown_tag(mizzle_migration):
    mizzle_migration("0009_nope")
'''


def _user_project(root: Path, dialect: str, migrations: dict[str, str]) -> None:
    (root / "mizzle.toml").write_text(f'dialect = "{dialect}"\nout = "db/migrations"\n', encoding="utf-8")
    folder = root / "db" / "migrations"
    (folder / "meta").mkdir(parents=True)
    entries = []
    for i, (tag, sql) in enumerate(migrations.items()):
        (folder / f"{tag}.sql").write_text(sql, encoding="utf-8")
        entries.append({"idx": i, "version": "6" if dialect == "sqlite" else "7", "when": 1_700_000_000_000 + i,
                        "tag": tag, "breakpoints": True})
    (folder / "meta" / "_journal.json").write_text(
        json.dumps({"version": "7", "dialect": dialect, "entries": entries}), encoding="utf-8")


def _pytest(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if k not in ("MIZZLE_TEST_DATABASE_URL", "DATABASE_URL")}
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=root,
                          env=e, capture_output=True, text=True, timeout=120)


def test_plugin_in_a_sqlite_project(tmp_path: Path) -> None:
    _user_project(tmp_path, "sqlite", SQLITE_MIGRATIONS)
    (tmp_path / "test_db.py").write_text(USER_TESTS, encoding="utf-8")
    p = _pytest(tmp_path)
    assert p.returncode == 1 and "1 failed, 2 passed" in p.stdout, p.stdout + p.stderr
    assert "mizzle_migration('0009_nope'): no such migration" in p.stdout
    assert "0001_split_name" in p.stdout.split("0009_nope')", 1)[1]


def test_plugin_in_a_postgresql_project(tmp_path: Path) -> None:
    _user_project(tmp_path, "postgresql", {
        "0000_users": 'CREATE TABLE "users" ("id" serial PRIMARY KEY, "name" text NOT NULL);\n',
        "0001_split_name": statements_pg(),
    })
    (tmp_path / "test_db.py").write_text(textwrap.dedent('''
        def test_split_name(mizzle_migration):
            m = mizzle_migration("0001_split_name")
            m.execute("INSERT INTO users (name) VALUES (%s)", ("Ada Lovelace",))
            m.apply()
            assert m.query("SELECT first, last FROM users") == [("Ada", "Lovelace")]

        def test_head_a(mizzle_db):  # copies of one template: each starts empty, at head
            assert mizzle_db.query("SELECT count(*) FROM users") == [(0,)]
            mizzle_db.execute("INSERT INTO users (name, first) VALUES ('a', 'b')")
            assert mizzle_db.applied() == ["0000_users", "0001_split_name"]

        def test_head_b(mizzle_db):
            assert mizzle_db.query("SELECT count(*) FROM users") == [(0,)]
        '''), encoding="utf-8")
    # without a server: one clear failure each, naming the option and the variable, no traceback into the plugin
    p = _pytest(tmp_path)
    assert p.returncode == 1 and "1 failed, 2 errors" in p.stdout, p.stdout + p.stderr
    assert "--mizzle-url" in p.stdout and "MIZZLE_TEST_DATABASE_URL" in p.stdout
    assert "pytest_plugin.py" not in p.stdout
    # with one, from $MIZZLE_TEST_DATABASE_URL; the session's template is dropped when it ends
    templates_before = _databases(TEMPLATE_PREFIX)
    p = _pytest(tmp_path, env={"MIZZLE_TEST_DATABASE_URL": PG_ADMIN_URL})
    assert p.returncode == 0 and "3 passed" in p.stdout, p.stdout + p.stderr
    assert _databases(TEMPLATE_PREFIX) == templates_before
    # --mizzle-url is read, and wins over the variable (a SQLite URL is refused without creating anything)
    p = _pytest(tmp_path, "--mizzle-url", "sqlite:///x.db", env={"MIZZLE_TEST_DATABASE_URL": PG_ADMIN_URL})
    assert p.returncode == 1 and "must name a PostgreSQL server, not sqlite:///x.db" in p.stdout, p.stdout


def statements_pg() -> str:
    return ('ALTER TABLE "users" ADD COLUMN "first" text;\n--> statement-breakpoint\n'
            'ALTER TABLE "users" ADD COLUMN "last" text;\n--> statement-breakpoint\n'
            'UPDATE "users" SET "first" = split_part("name", \' \', 1), "last" = split_part("name", \' \', 2);\n')
