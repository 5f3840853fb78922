"""`mizzle push`: the live database diffed against the schema code and the plan applied directly.

The oracle: pushing a database through the states of the pg_history history builds, at every state, the same
database (`pg_dump -s`, column order aside) as generating and migrating the same states. Then the guards:
protected databases (exit 6), no terminal without --force (exit 2), ambiguous renames (exit 2), one transaction
(a failing statement leaves nothing behind), the migration lock (exit 4)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import mlflow_reduced
import pg_history
import psycopg
import pytest
from conftest import CliResult
from pg_project import fresh_config, write_project
from pgtools import schema_dump, temp_database

import mizzle
from mizzle.commands.generate import generate, load_code_schema
from mizzle.schema.diff import Renames, diff
from mizzle.sources.database import introspect_url, scope_for

pytestmark = pytest.mark.pg

Run = Callable[..., CliResult]


def _q(url: str, sql: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as c:
        cur = c.execute(sql)
        return cur.fetchall() if cur.description else []


def _tables(url: str) -> list[str]:
    return [r[0] for r in _q(url, "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                                  "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")]


def test_push_through_history_equals_generate_and_migrate(tmp_path: Path) -> None:
    with temp_database("mzpushm") as migrated, temp_database("mzpushp") as pushed:
        for n in range(1, len(pg_history.STEPS) + 1):
            write_project(tmp_path, pg_history.step(n))
            renames = pg_history.RENAMES.get(n, {})
            assert generate(fresh_config(tmp_path), name=f"step{n}", renames=renames).written
            mizzle.migrate(url=migrated, folder=tmp_path / "migrations")
            result = mizzle.push(config=fresh_config(tmp_path), url=pushed, renames=renames)
            assert result.applied and result.changes, f"step {n}: push applied nothing"
            # the plan needs a commit only where an enum value is added and used (step 2)
            assert result.transactions == (2 if n == 2 else 1), f"step {n}: {result.transactions} transactions"
            assert schema_dump(pushed) == schema_dump(migrated), f"step {n}: push != generate + migrate"
            again = mizzle.push(config=fresh_config(tmp_path), url=pushed)
            assert again.nothing_to_do and not again.applied, f"step {n}: push again found {again.changes}"
            # and on the migrated database (tracking tables left out) it finds nothing to do either
            dry = mizzle.push(config=fresh_config(tmp_path), url=migrated, dry_run=True)
            assert dry.nothing_to_do, f"step {n}: push on the migrated database found {dry.changes}"
        # push touched no tracking table
        assert not _q(pushed, "SELECT 1 FROM pg_namespace WHERE nspname = 'drizzle'")


def _project(root: Path, source: str, extra: str = "") -> Path:
    write_project(root, source)
    if extra:
        with (root / "mizzle.toml").open("a") as f:
            f.write(extra)
    return root


USERS = '''
import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), {cols})
'''


def users(*cols: str) -> str:
    return USERS.format(cols=", ".join(cols))


def test_cli_plan_confirmation_and_nothing_to_do(tmp_path: Path, pg_url: Callable[..., str], run_mizzle: Run) -> None:
    url = pg_url()
    _project(tmp_path, users('sa.Column("email", sa.Text, nullable=False)', 'sa.Column("legacy", sa.Integer)'))
    # no terminal, no --force: the plan is shown, nothing applied, exit 2 naming --force
    r = run_mizzle(["push"], cwd=tmp_path, url=url)
    assert r.code == 2, r.stderr
    assert "--force" in r.first_error_line and "no terminal" in r.first_error_line
    assert "+ table users (3 columns)" in r.stdout
    assert _tables(url) == []
    # --dry-run: the plan and its SQL, nothing applied
    r = run_mizzle(["push", "--dry-run"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert 'CREATE TABLE "public"."users"' in r.stdout and "dry run: nothing applied" in r.stdout
    assert _tables(url) == []
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert _tables(url) == ["public.users"]
    assert "mizzle baseline" in r.stdout
    r = run_mizzle(["push"], cwd=tmp_path, url=url)
    assert (r.code, r.stdout.strip()) == (0, "No schema changes"), r.stderr
    # a dropped column: listed as data loss; --verbose shows the SQL; --json gives the plan and the outcome
    _q(url, "INSERT INTO users (email, legacy) VALUES ('a@x', 7)")
    _project(tmp_path, users('sa.Column("email", sa.Text, nullable=False)'))
    r = run_mizzle(["push", "--force", "--verbose"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert "warning: data loss: - column users.legacy" in r.stderr
    assert 'ALTER TABLE "public"."users" DROP COLUMN "legacy";' in r.stdout
    _project(tmp_path, users('sa.Column("email", sa.Text, nullable=False)', 'sa.Column("age", sa.SmallInteger)'))
    r = run_mizzle(["push", "--force", "--json"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["applied"] is True and doc["changes"] == ["+ column users.age smallint"] and doc["transactions"] == 1
    assert doc["statements"] == ['ALTER TABLE "public"."users" ADD COLUMN "age" smallint']
    assert doc["protection"]["protected"] is False and doc["error"] is None
    assert _q(url, "SELECT email, age FROM users") == [("a@x", None)]
    # --json without --force: still one document, with the plan and the error
    _project(tmp_path, users('sa.Column("email", sa.Text, nullable=False)'))
    r = run_mizzle(["push", "--json"], cwd=tmp_path, url=url)
    assert r.code == 2
    doc = json.loads(r.stdout)
    assert doc["applied"] is False and doc["data_loss"] == ["- column users.age"] and "--force" in doc["error"]


def test_renames_follow_generate_rules(tmp_path: Path, pg_url: Callable[..., str], run_mizzle: Run) -> None:
    url = pg_url()
    _project(tmp_path, users('sa.Column("name", sa.Text)'))
    assert run_mizzle(["push", "--force"], cwd=tmp_path, url=url).code == 0
    _q(url, "INSERT INTO users (name) VALUES ('ada')")
    _project(tmp_path, users('sa.Column("full_name", sa.Text)'))
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url)
    assert r.code == 2, r.stderr
    assert "--rename users.name=users.full_name" in r.stderr and "ambiguous" in r.first_error_line
    r = run_mizzle(["push", "--force", "--rename", "users.name=users.full_name"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert _q(url, "SELECT full_name FROM users") == [("ada",)]  # renamed, not dropped and re-added
    # a rename declared in the schema code needs no flag
    _project(tmp_path, users('sa.Column("display", sa.Text, info={"mizzle": {"renamed_from": "full_name"}})'))
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert _q(url, "SELECT display FROM users") == [("ada",)]


def test_a_failing_statement_rolls_back_the_whole_push(tmp_path: Path, pg_url: Callable[..., str],
                                                       run_mizzle: Run) -> None:
    url = pg_url()
    _project(tmp_path, users('sa.Column("email", sa.Text)'))
    assert run_mizzle(["push", "--force"], cwd=tmp_path, url=url).code == 0
    _q(url, "INSERT INTO users (email) VALUES ('a@x')")
    # a new table (planned first) and a NOT NULL column without default on a table with a row (fails)
    _project(tmp_path, users('sa.Column("email", sa.Text)', 'sa.Column("tenant", sa.Integer, nullable=False)')
             + 'posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True))\n')
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url)
    assert r.code == 1, r.stderr
    assert "push failed at statement" in r.first_error_line and "tenant" in r.stderr
    assert "nothing changed" in r.stderr
    assert _tables(url) == ["public.users"]  # posts was created in the same transaction: rolled back


def test_push_waits_for_the_migration_lock(tmp_path: Path, pg_url: Callable[..., str], run_mizzle: Run) -> None:
    from mizzle.dialects.postgres.runner import lock_key
    from mizzle.runner.tracking import TrackingTable

    url = pg_url()
    _project(tmp_path, users('sa.Column("email", sa.Text)'))
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key(TrackingTable()),))
        r = run_mizzle(["push", "--force", "--lock-timeout", "0.3"], cwd=tmp_path, url=url)
    assert r.code == 4, r.stderr
    assert "lock" in r.first_error_line
    assert _tables(url) == []


def test_protected_environment_is_refused(tmp_path: Path, pg_url: Callable[..., str], run_mizzle: Run) -> None:
    url = pg_url()
    _project(tmp_path, users('sa.Column("email", sa.Text)'),
             '\n[environments.production]\nurl_env = "PROD_URL"\nprotected = true\n')
    prod = {"PROD_URL": url}
    r = run_mizzle(["push", "--force", "--env", "production"], cwd=tmp_path, env=prod)
    assert r.code == 6, r.stderr
    assert "environment 'production' is protected" in r.first_error_line
    assert "--i-know-this-is-production" in r.stderr
    # the same database reached through DATABASE_URL, spelled differently, is still production's
    other = url.replace("postgresql://postgres@127.0.0.1:5432/", "postgres://postgres:pw@localhost/")
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=other, env=prod)
    assert r.code == 6, r.stderr
    assert _tables(url) == []
    r = run_mizzle(["push", "--force", "--json"], cwd=tmp_path, url=other, env=prod)
    doc = json.loads(r.stdout)
    assert r.code == 6 and doc["applied"] is False and doc["protection"]["environment"] == "production"
    assert "protected" in doc["error"] and doc["protection"]["reasons"]
    r = run_mizzle(["push", "--force", "--env", "production", "--i-know-this-is-production"], cwd=tmp_path, env=prod)
    assert r.code == 0, r.stderr
    assert "protected database" in r.stderr
    assert _tables(url) == ["public.users"]


def test_database_marked_by_protect_is_refused_through_another_url(tmp_path: Path, pg_url: Callable[..., str],
                                                                   run_mizzle: Run) -> None:
    url = pg_url()  # postgresql://postgres@127.0.0.1:5432/<db>
    _project(tmp_path, users('sa.Column("email", sa.Text)'))
    assert run_mizzle(["protect"], cwd=tmp_path, url=url).code == 0
    db = url.rsplit("/", 1)[1]
    for spelling in (f"postgres://postgres:secret@localhost/{db}", f"postgresql+psycopg://postgres@LOCALHOST:5432/{db}",
                     f"postgresql://127.0.0.1/{db}?user=postgres&application_name=x"):
        r = run_mizzle(["push", "--force", "--url", spelling], cwd=tmp_path)
        assert r.code == 6, (spelling, r.stderr)
        assert "protected by `mizzle protect`" in r.first_error_line
        assert "secret" not in r.stderr
    assert _tables(url) == ["drizzle.__mizzle_settings"]
    # --dry-run only reads: allowed, and says push would refuse
    r = run_mizzle(["push", "--dry-run"], cwd=tmp_path, url=url)
    assert r.code == 0 and "push without --dry-run refuses it" in r.stderr, r.stderr
    # the Python API refuses too
    with pytest.raises(mizzle.errors.Refused):
        mizzle.push(config=fresh_config(tmp_path), url=url)
    r = run_mizzle(["push", "--force", "--i-know-this-is-production"], cwd=tmp_path,
                   url=f"postgres://postgres@localhost/{db}")
    assert r.code == 0, r.stderr
    assert "public.users" in _tables(url)
    # the settings table is mizzle's: push neither drops it nor reports it
    r = run_mizzle(["push", "--dry-run"], cwd=tmp_path, url=url)
    assert (r.code, r.stdout.strip()) == (0, "No schema changes"), r.stderr


def test_push_on_sqlite(tmp_path: Path, run_mizzle: Run) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    schema = tmp_path / "app" / "schema.py"
    db = tmp_path / "dev.db"
    url = f"sqlite:///{db}"
    schema.write_text(users('sa.Column("email", sa.String(80), nullable=False)', 'sa.Column("score", sa.Integer)')
                      + 'posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True), '
                        'sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")))\n')
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    with sqlite3.connect(db) as c:
        c.execute("INSERT INTO users (id, email, score) VALUES (1, 'a@x', 5)")
        c.execute("INSERT INTO posts (id, user_id) VALUES (1, 1)")
    # a type change and NOT NULL with a default: SQLite rebuilds the table; rows (and the child rows a
    # cascading foreign key points at them from) survive
    schema.write_text(users('sa.Column("email", sa.Text, nullable=False)',
                            'sa.Column("score", sa.Float, nullable=False, server_default="0")')
                      + 'posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True), '
                        'sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")))\n')
    r = run_mizzle(["push", "--force", "--verbose"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert "__new_users" in r.stdout
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT id, email, score FROM users").fetchall() == [(1, "a@x", 5.0)]
        assert c.execute("SELECT id, user_id FROM posts").fetchall() == [(1, 1)]
    cfg = fresh_config(tmp_path)
    code, _ = load_code_schema(cfg)
    assert not diff(code, introspect_url(url, scope_for(cfg)), Renames(none=True))
    r = run_mizzle(["push"], cwd=tmp_path, url=url)
    assert (r.code, r.stdout.strip()) == (0, "No schema changes"), r.stderr
    # protected through another spelling of the path
    assert run_mizzle(["protect"], cwd=tmp_path, url=url).code == 0
    schema.write_text(users('sa.Column("email", sa.Text, nullable=False)'))
    r = run_mizzle(["protect"], cwd=tmp_path, url="sqlite:///missing.db")
    assert r.code == 5 and not (tmp_path / "missing.db").exists(), r.stderr
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url="sqlite:///./dev.db")
    assert r.code == 6, r.stderr
    r = run_mizzle(["push", "--force", "--i-know-this-is-production"], cwd=tmp_path, url="sqlite:///dev.db")
    assert r.code == 0, r.stderr
    with sqlite3.connect(db) as c:
        names = {row[0] for row in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names == {"users", "__mizzle_settings"}


# mlflow's evaluation_dataset_tags, reduced: a foreign key declared on the column and again named, a named composite
# primary key; create_all writes VARCHAR where mizzle writes text
MLFLOW_TAGS = mlflow_reduced.TAGS.replace(
    '                            name="fk_evaluation_dataset_tags_dataset_id", ondelete="CASCADE"),\n)',
    '                            name="fk_evaluation_dataset_tags_dataset_id", ondelete="CASCADE"),\n'
    '    sa.CheckConstraint("length(key) > 0", name="ck_key_set"),\n)')


@pytest.mark.parametrize("built_by", ["migrate", "create_all"])
def test_push_on_sqlite_sees_what_drift_sees(built_by: str, tmp_path: Path, run_mizzle: Run) -> None:
    """push diffed the raw introspection against the code: the names SQLite's CREATE TABLE (as mizzle writes it)
    never keeps — a foreign key's, a composite primary key's — and create_all's VARCHAR(36) for text(36) were
    changes, and every push rebuilt mlflow's evaluation_dataset_tags while drift found nothing. Real changes (a
    check renamed, which the table's text keeps; a type widened) are still pushed."""
    import sqlalchemy as sa

    (tmp_path / "schema.py").write_text(MLFLOW_TAGS)
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "migrations"\n')
    db = tmp_path / "dev.db"
    url = f"sqlite:///{db}"
    if built_by == "migrate":
        assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
        r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
        assert r.code == 0, r.stdout + r.stderr
        assert run_mizzle(["drift"], cwd=tmp_path, url=url).code == 0
    else:
        ns: dict[str, object] = {}
        exec(compile(MLFLOW_TAGS, "schema.py", "exec"), ns)  # noqa: S102 - the test's own module
        engine = sa.create_engine(url)
        try:
            ns["md"].create_all(engine)  # type: ignore[attr-defined]
        finally:
            engine.dispose()
    r = run_mizzle(["push", "--dry-run"], cwd=tmp_path, url=url)
    assert (r.code, r.stdout.strip()) == (0, "No schema changes"), r.stdout + r.stderr
    # String(255) → Text: text(255) → text where mizzle wrote the table; create_all's VARCHAR(255) is also how it
    # writes a type mizzle spells text (a non-native Enum), as drift compares it
    (tmp_path / "schema.py").write_text(MLFLOW_TAGS.replace("ck_key_set", "ck_key_given")
                                        .replace("sa.String(5000)", "sa.String(8000)")
                                        .replace('"name", sa.String(255)', '"name", sa.Text'))
    r = run_mizzle(["push", "--dry-run"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert "ck_key_given" in r.stdout and "text(8000)" in r.stdout, r.stdout
    assert ("evaluation_datasets.name: type text(255) → text" in r.stdout) == (built_by == "migrate"), r.stdout
    for unchanged in ("primary key", "foreign key", "dataset_id: type", "workspace: type"):
        assert unchanged not in r.stdout, r.stdout
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    with sqlite3.connect(db) as c:
        sql = c.execute("SELECT sql FROM sqlite_master WHERE name = 'evaluation_dataset_tags'").fetchone()[0]
    assert "ck_key_given" in sql and "(8000)" in sql, sql
    r = run_mizzle(["push", "--dry-run"], cwd=tmp_path, url=url)
    assert (r.code, r.stdout.strip()) == (0, "No schema changes"), r.stdout + r.stderr


def _on_terminal(args: list[str], cwd: Path, url: str, answers: list[str], timeout: float = 60) -> tuple[int, str]:
    """Run the real command on a pseudo-terminal, typing each answer at the next `…]: ` prompt."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATABASE_URL=url, COLUMNS="200")
    p = subprocess.Popen([sys.executable, "-m", "mizzle", *args], cwd=cwd, env=env, stdin=slave, stdout=slave,
                         stderr=slave, close_fds=True)
    os.close(slave)
    out, answered, deadline = b"", 0, time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not select.select([master], [], [], 0.2)[0]:
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
            if out.count(b"]: ") > answered and answered < len(answers):
                os.write(master, answers[answered].encode() + b"\n")
                answered += 1
        else:
            p.kill()
            raise AssertionError(f"mizzle {' '.join(args)} hung on the terminal:\n{out.decode(errors='replace')}")
    finally:
        os.close(master)
    return p.wait(timeout=10), out.decode(errors="replace").replace("\r\n", "\n")


def test_on_a_terminal_push_asks_first(tmp_path: Path, pg_url: Callable[..., str]) -> None:
    url = pg_url()
    _project(tmp_path, users('sa.Column("name", sa.Text)'))
    code, out = _on_terminal(["push"], tmp_path, url, ["n"])
    assert code == 0 and "Apply 1 statement(s) to" in out and "cancelled: nothing applied" in out, out
    assert _tables(url) == []
    code, out = _on_terminal(["push"], tmp_path, url, ["y"])
    assert code == 0 and "done: 1 change(s) applied" in out, out
    _q(url, "INSERT INTO users (name) VALUES ('ada')")
    # an ambiguous rename is asked on the terminal too (1 = rename from name), then the plan is confirmed
    _project(tmp_path, users('sa.Column("full_name", sa.Text)'))
    code, out = _on_terminal(["push"], tmp_path, url, ["1", "y"])
    assert code == 0 and "is new. Is it created, or renamed?" in out, out
    assert _q(url, "SELECT full_name FROM users") == [("ada",)]


TRGM = '''
import sqlalchemy as sa
from mizzle.pg import Extension

metadata = sa.MetaData()
trgm = Extension("pg_trgm")
certificates = sa.Table(
    "certificates", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("cn", sa.String(128)),
    sa.Index("ix_certificates_cn", "cn", postgresql_using="gin", postgresql_ops={{"cn": "{opclass}"}}),
)
'''


@pytest.mark.parametrize("opclass", ["gin_trgm_ops", "public.gin_trgm_ops"])
def test_an_extensions_operator_class_is_no_change(opclass: str, tmp_path: Path, pg_url: Callable[..., str],
                                                    run_mizzle: Run) -> None:
    """Netflix Lemur's trigram indexes (`postgresql_ops={"cn": "gin_trgm_ops"}`): the server prints an operator
    class outside pg_catalog with its schema (`public.gin_trgm_ops`), and every push dropped the index and made it
    again, while drift found the database in line. The operator class is compared as drift compares it."""
    url = pg_url()
    _project(tmp_path, TRGM.format(opclass=opclass))
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    r = run_mizzle(["push"], cwd=tmp_path, url=url)
    assert (r.code, r.stdout.strip()) == (0, "No schema changes"), r.stdout


UNDECLARED = """
import sqlalchemy as sa

metadata = sa.MetaData()
doc = sa.Table("doc", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("title", sa.Text),
               sa.Index("doc_title_trgm", "title", postgresql_using="gin", postgresql_ops={"title": "gin_trgm_ops"}))
"""


def test_extensions_and_grants_the_code_declares_none_of_are_left_alone(tmp_path: Path,
                                                                        pg_url: Callable[..., str]) -> None:
    """Skyvern's models (a gin_trgm_ops index, no mizzle.pg.Extension) pushed onto the database its Alembic history
    built (pg_trgm created there): push planned `DROP EXTENSION "pg_trgm"` after making the index that needs it, and
    PostgreSQL refused the whole push. Schema code that declares no extension, or no grant, tracks none, as its
    snapshot would (drift and generate leave the database's alone): push drops or revokes none of them."""
    url = pg_url()
    _q(url, "CREATE EXTENSION pg_trgm; CREATE EXTENSION citext; "
            "CREATE TABLE doc (id serial PRIMARY KEY, title text); GRANT SELECT ON doc TO PUBLIC")
    _project(tmp_path, UNDECLARED)
    plan = mizzle.push(config=fresh_config(tmp_path), url=url, dry_run=True)
    assert plan.changes == ["+ index doc_title_trgm on doc"], plan.changes
    assert mizzle.push(config=fresh_config(tmp_path), url=url).applied
    assert mizzle.push(config=fresh_config(tmp_path), url=url, dry_run=True).changes == []
    assert _q(url, "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1") == [("citext",),
                                                                                                 ("pg_trgm",)]
    assert _q(url, "SELECT has_table_privilege('public', 'doc', 'SELECT')") == [(True,)]


def test_data_loss_names_only_the_changes_that_can_lose_values(tmp_path: Path, pg_url: Callable[..., str]) -> None:
    """A type change that keeps every value (varchar(40) → text, timestamp → timestamptz, integer → bigint, a longer
    varchar, boolean → smallint: PowerDNS-Admin's user.confirmed, Boolean in its migrations, SmallInteger in its
    model) is no data loss; a narrowed varchar, text → integer and a dropped column are."""
    url = pg_url()
    cols = ('sa.Column("a", sa.String(40))', 'sa.Column("b", sa.DateTime)', 'sa.Column("c", sa.Integer)',
            'sa.Column("d", sa.String(40))', 'sa.Column("e", sa.String(40))', 'sa.Column("f", sa.Text)',
            'sa.Column("g", sa.Integer)', 'sa.Column("h", sa.Boolean)')
    _project(tmp_path, users(*cols))
    assert mizzle.push(config=fresh_config(tmp_path), url=url).applied
    _project(tmp_path, users('sa.Column("a", sa.Text)', 'sa.Column("b", sa.DateTime(timezone=True))',
                             'sa.Column("c", sa.BigInteger)', 'sa.Column("d", sa.String(80))',
                             'sa.Column("e", sa.String(10))',
                             'sa.Column("f", sa.Integer, info={"mizzle": {"using": "f::integer"}})',
                             'sa.Column("h", sa.SmallInteger)'))
    result = mizzle.push(config=fresh_config(tmp_path), url=url, dry_run=True)
    assert len(result.changes) == 8, result.changes
    assert sorted(result.data_loss) == ["- column users.g", "~ column users.e: type varchar(40) → varchar(10)",
                                        "~ column users.f: type text → integer"]
    # SQLite's rebuild copies each value: converted only where the column's affinity changes
    db = f"sqlite:///{tmp_path / 'dev.db'}"
    sqlite = 'dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "migrations"\n'
    _project(tmp_path, users('sa.Column("a", sa.String(40))', 'sa.Column("c", sa.Integer)', 'sa.Column("f", sa.Text)'))
    (tmp_path / "mizzle.toml").write_text(sqlite)
    assert mizzle.push(config=fresh_config(tmp_path), url=db).applied
    _project(tmp_path, users('sa.Column("a", sa.Text)', 'sa.Column("c", sa.BigInteger)', 'sa.Column("f", sa.Integer)'))
    (tmp_path / "mizzle.toml").write_text(sqlite)
    result = mizzle.push(config=fresh_config(tmp_path), url=db, dry_run=True)
    assert [x.split(": ", 1)[0] for x in result.data_loss] == ["~ table users rebuilt (SQLite cannot ALTER this)"]
    assert "~ column users.f: type text → integer" in result.data_loss[0]
    _project(tmp_path, users('sa.Column("a", sa.Text)', 'sa.Column("c", sa.BigInteger)', 'sa.Column("f", sa.Text)'))
    (tmp_path / "mizzle.toml").write_text(sqlite)
    result = mizzle.push(config=fresh_config(tmp_path), url=db, dry_run=True)
    assert result.changes and result.data_loss == [], result.changes


FLAT_EXTRAS = '''
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData()
groups = sa.Table(
    "groups", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("extras", JSONB),
    sa.CheckConstraint("""jsonb_typeof(extras) = 'object' and
        not jsonb_path_exists(extras, '$.* ? (@.type() <> "string")')""", name="groups_flat_extras"),
)
'''


def test_a_check_the_server_spells_otherwise_is_no_change(tmp_path: Path, pg_url: Callable[..., str],
                                                          run_mizzle: Run) -> None:
    """CKAN 2.12's `flat_extras` checks: the server stores the jsonpath `'$.* ? (@.type() <> "string")'` as
    `'$.*?(@.type() != "string")'::jsonpath`, which no rewriting of the text finds equal, and every push dropped
    the check and added it again, while drift (which asks the server) found the database in line. push asks the
    server for its form of the code's checks, defaults and index expressions too."""
    url = pg_url()
    _project(tmp_path, FLAT_EXTRAS)
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    assert _q(url, "SELECT count(*) FROM pg_constraint WHERE conname = 'groups_flat_extras'") == [(1,)]
    r = run_mizzle(["push"], cwd=tmp_path, url=url)
    assert (r.code, r.stdout.strip()) == (0, "No schema changes"), r.stdout + r.stderr
    # a real change of the check is still pushed
    _project(tmp_path, FLAT_EXTRAS.replace('<> "string"', '<> "number"'))
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url)
    assert r.code == 0 and "check groups_flat_extras" in r.stdout, r.stdout + r.stderr
    assert "number" in _q(url, "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                               "WHERE conname = 'groups_flat_extras'")[0][0]
    r = run_mizzle(["push"], cwd=tmp_path, url=url)
    assert (r.code, r.stdout.strip()) == (0, "No schema changes"), r.stdout + r.stderr


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_alembics_table_is_left_alone(dialect: str, tmp_path: Path, pg_url: Callable[..., str], run_mizzle: Run) -> None:
    # keystone's, buildbot's and ckan's databases (built by `alembic upgrade`), pushed with their models as the schema:
    # push planned `DROP TABLE alembic_version` (a data-loss warning only), where baseline and drift leave it alone
    (tmp_path / "app").mkdir()
    (tmp_path / "mizzle.toml").write_text(f'dialect = "{dialect}"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    (tmp_path / "app" / "schema.py").write_text(users('sa.Column("email", sa.Text)'))
    url = f"sqlite:///{tmp_path / 'dev.db'}" if dialect == "sqlite" else pg_url()
    ddl = ["CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
           "INSERT INTO alembic_version VALUES ('ae1027a6acf')"]
    if dialect == "sqlite":
        with sqlite3.connect(tmp_path / "dev.db") as c:
            for sql in ddl:
                c.execute(sql)
    else:
        for sql in ddl:
            _q(url, sql)
    r = run_mizzle(["push", "--force", "--json"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["changes"] == ["+ table users (2 columns)"] and not out["data_loss"], out
    where = "" if dialect == "sqlite" else "public."
    assert out["warnings"] == [f"{where}alembic_version (Alembic's bookkeeping) is left as it is"], out
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url)
    assert r.code == 0 and "No schema changes" in r.stdout and "alembic_version" in r.stderr, r.stdout + r.stderr
    if dialect == "sqlite":
        with sqlite3.connect(tmp_path / "dev.db") as c:
            assert c.execute("SELECT version_num FROM alembic_version").fetchall() == [("ae1027a6acf",)]
    else:
        assert _q(url, "SELECT version_num FROM alembic_version") == [("ae1027a6acf",)]


def test_an_integer_made_a_float_that_holds_it_exactly_is_no_data_loss(tmp_path: Path,
                                                                        pg_url: Callable[..., str]) -> None:
    """smallint → double precision (mediagoblin's transcoding_progress: SmallInteger in its Alembic history, Float in
    its model), integer → double precision, smallint → real and an integer → unbounded numeric keep every value; a
    bigint or integer → a float too narrow for it, and an integer → numeric(5, 2), do not."""
    url = pg_url()
    cols = [f'sa.Column("{n}", sa.{t})' for n, t in [("a", "SmallInteger"), ("b", "Integer"), ("c", "SmallInteger"),
                                                     ("d", "BigInteger"), ("e", "Integer"), ("f", "BigInteger"),
                                                     ("g", "Integer"), ("h", "Integer")]]
    _project(tmp_path, users(*cols))
    assert mizzle.push(config=fresh_config(tmp_path), url=url).applied
    new = [("a", "Double"), ("b", "Double"), ("c", "REAL"), ("d", "Numeric()"), ("e", "REAL"), ("f", "Double"),
           ("g", "Numeric(5, 2)"), ("h", "Numeric()")]
    _project(tmp_path, users(*[f'sa.Column("{n}", sa.{t})' for n, t in new]))
    result = mizzle.push(config=fresh_config(tmp_path), url=url, dry_run=True)
    assert len(result.changes) == 8, result.changes
    assert sorted(result.data_loss) == ["~ column users.e: type integer → real",
                                        "~ column users.f: type bigint → double precision",
                                        "~ column users.g: type integer → numeric(5, 2)"]


def test_push_names_the_ddl_listeners_it_does_not_run(tmp_path: Path, run_mizzle: Run) -> None:
    # Faraday's models make uix_vulnerability by an after_create DDL on the vulnerability table: generate named the
    # listener, push made the tables without the index and said nothing
    (tmp_path / "app").mkdir()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    (tmp_path / "app" / "schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "t = sa.Table('vulnerability', metadata, sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.Text))\n"
        "sa.event.listen(t, 'after_create', sa.DDL('CREATE UNIQUE INDEX uix_vulnerability ON %(fullname)s (name)'))\n")
    url = f"sqlite:///{tmp_path / 'dev.db'}"
    r = run_mizzle(["push", "--force", "--json"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stderr
    [line] = json.loads(r.stdout)["warnings"]
    assert line.startswith("not applied by push: DDL CREATE UNIQUE INDEX uix_vulnerability"), line
    r = run_mizzle(["push", "--force"], cwd=tmp_path, url=url)
    assert r.code == 0 and "No schema changes" in r.stdout and "uix_vulnerability" in r.stderr, r.stdout + r.stderr
