"""Bad input to `mizzle migrate` / `status`, through the real command: each case gives its documented exit
code and a one-line message first, applies nothing partially, shows no traceback, never prints the password."""

from __future__ import annotations

import json
import socket
import struct
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from conftest import CliResult, MigrationsDir, statements
from pgtools import drain_drops

from mizzle.dialects.postgres.runner import lock_key
from mizzle.runner.tracking import TrackingTable

pytestmark = pytest.mark.pg

PASSWORD = "Sup3r-s3cret-PW"


def with_password(url: str, password: str = PASSWORD) -> str:
    return url.replace("postgres@", f"postgres:{password}@", 1)


def assert_error(r: CliResult, code: int, *needles: str) -> str:
    assert r.code == code, f"exit {r.code}, expected {code}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    # progress lines (lock waiting) may precede the error; nothing else may
    lines = [ln for ln in r.stderr.splitlines() if not ln.startswith("waiting for the migration lock")]
    assert lines, "no message"
    first = lines[0]
    assert first.startswith("error: ") or first.startswith("Error: "), r.stderr
    for n in needles:
        assert n in first, f"{n!r} not in first line: {first}"
    assert PASSWORD not in r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    return first


def public_tables(url: str) -> set[str]:
    with psycopg.connect(url, autocommit=True) as c:
        return {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def applied_count(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as c:
        if c.execute("SELECT to_regclass('drizzle.__drizzle_migrations')").fetchone()[0] is None:  # type: ignore[index]
            return 0
        return int(c.execute("SELECT count(*) FROM drizzle.__drizzle_migrations").fetchone()[0])  # type: ignore[index]


@pytest.fixture
def project(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
            run_mizzle: Callable[..., CliResult]) -> Iterator[tuple[MigrationsDir, str, Callable[..., CliResult]]]:
    """A folder with two good migrations, a fresh database, and a runner bound to both (password in URL)."""
    url = pg_url()
    migrations_dir.add('CREATE TABLE "a" ("id" integer);', name="a")
    migrations_dir.add('CREATE TABLE "b" ("id" integer);', name="b")
    cwd = migrations_dir.path.parent

    def run(*args: str, url_: str | None = None, **kw: object) -> CliResult:
        return run_mizzle(list(args), cwd=cwd, url=url_ or with_password(url), **kw)

    yield migrations_dir, url, run


# -- the folder --------------------------------------------------------------------------------------


def test_corrupt_journal_json(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    (d.path / "meta" / "_journal.json").write_text('{"entries": [', encoding="utf-8")
    assert_error(run("migrate"), 3, "_journal.json", "malformed JSON")
    assert public_tables(url) == set()


def test_journal_is_not_a_journal(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    (d.path / "meta" / "_journal.json").write_text("[]", encoding="utf-8")
    assert_error(run("migrate"), 3, "not a drizzle-kit journal")


def test_journal_entry_without_file(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    d.sql_path(d.tags[1]).unlink()
    assert_error(run("migrate"), 3, f"{d.tags[1]}.sql is listed in meta/_journal.json", "does not exist")
    assert public_tables(url) == set()


def test_file_without_journal_entry_is_named_and_skipped(project) -> None:  # type: ignore[no-untyped-def]
    # issue 15 item 1 (supersedes the old refusal): drizzle-orm ignores a .sql file the journal does not list (a
    # branch leftover), so migrate and status warn, naming it and why it never runs, and go on; `check` errs
    d, url, run = project
    (d.path / "0002_forgotten.sql").write_text('CREATE TABLE "z" ("id" int);')
    for cmd in (["migrate"], ["status"], ["migrate"]):  # the second migrate finds nothing to do: still warns
        r = run(*cmd)
        assert r.code == 0, r.stderr
        warned = [ln for ln in r.stderr.splitlines() if "0002_forgotten.sql" in ln]
        assert len(warned) == 1 and warned[0].startswith("warning: ") and "will never run" in warned[0], r.stderr
    assert public_tables(url) == {"a", "b"}
    js = json.loads(run("migrate", "--json").stdout)
    assert any("0002_forgotten.sql" in w for w in js["warnings"])
    r = run("check")  # (this folder has no snapshots: check reports that too)
    assert r.code == 3 and any(ln.startswith("  error: 0002_forgotten.sql: journal out of sync with files")
                               for ln in r.stderr.splitlines()), r.stderr


def test_modified_applied_file(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert run("migrate").code == 0
    d.sql_path(d.tags[0]).write_text('CREATE TABLE "a" ("id" bigint);')
    d.add('CREATE TABLE "c" ("id" integer);')
    first = assert_error(run("migrate"), 3, f"{d.tags[0]}.sql was modified after it was applied", "applied hash",
                         "file hash")
    assert "mizzle mark" in first
    assert public_tables(url) == {"a", "b"}
    assert_error(run("status"), 3, "modified")


def test_deleted_applied_file(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert run("migrate").code == 0
    d.sql_path(d.tags[0]).unlink()
    assert_error(run("migrate"), 3, f"{d.tags[0]}.sql was applied", "file is missing")


def test_applied_row_without_journal_entry(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert run("migrate").code == 0
    d.entries.pop()
    d.write_journal()
    d.sql_path("0001_b").unlink()
    assert_error(run("migrate"), 3, "applied migration with no journal entry", "tag 0001_b")


def test_duplicate_tag(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    d.entries.append({**d.entries[1], "idx": 2, "when": int(d.entries[1]["when"]) + 5})  # type: ignore[call-overload]
    d.write_journal()
    assert_error(run("migrate"), 3, "0001_b appears twice")
    assert public_tables(url) == set()


def test_duplicate_when(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    d.entries[1]["when"] = d.entries[0]["when"]
    d.write_journal()
    assert_error(run("migrate"), 3, "same journal `when`")
    assert public_tables(url) == set()


def test_journal_of_another_dialect(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    data = json.loads((d.path / "meta" / "_journal.json").read_text())
    data["dialect"] = "sqlite"
    (d.path / "meta" / "_journal.json").write_text(json.dumps(data))
    assert_error(run("migrate"), 2, "sqlite journal", "postgresql")


def test_missing_migrations_folder(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    (d.path.parent / "mizzle.toml").write_text('dialect = "postgresql"\nout = "nowhere"\n')
    assert_error(run("migrate"), 2, "migrations folder", "does not exist")


def test_drizzle_skipped_needs_flag(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    with psycopg.connect(url, autocommit=True) as c:  # drizzle-orm's migrator applied only the second one
        c.execute('CREATE TABLE "b" ("id" integer)')
        c.execute('CREATE SCHEMA drizzle')
        c.execute('CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, '
                  'created_at bigint)')
        from mizzle.migrations.folder import migration_hash
        c.execute("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (%s, %s)",
                  (migration_hash(d.sql_path(d.tags[1]).read_text()), d.entries[1]["when"]))
    assert_error(run("migrate"), 3, "skipped by drizzle-orm", d.tags[0], "--include-skipped")
    assert public_tables(url) == {"b"}
    r = run("migrate", "--include-skipped")
    assert r.code == 0, r.stderr
    assert public_tables(url) == {"a", "b"}


# -- flags and URLs -----------------------------------------------------------------------------------


def test_unknown_dialect_in_url(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert_error(run("migrate", url_=f"oracle://scott:{PASSWORD}@db/orcl"), 2, "unknown dialect 'oracle'")


def test_dialect_without_a_runner(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert_error(run("migrate", url_=f"mysql://root:{PASSWORD}@127.0.0.1/app"), 2)


def test_malformed_url(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert_error(run("migrate", url_=f"just-a-host:{PASSWORD}"), 2, "malformed database URL")


def test_malformed_port(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert_error(run("migrate", url_=f"postgresql://postgres:{PASSWORD}@127.0.0.1:54x2/db"), 2,
                 "malformed database URL", "port")


def test_unknown_tag_for_to(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert_error(run("migrate", "--to", "9999_nope"), 2, "--to 9999_nope: no such migration")
    assert applied_count(url) == 0


def test_bad_transaction_mode(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    r = run("migrate", "--transaction", "some")
    assert r.code == 2 and "Invalid value for '--transaction'" in r.stderr and PASSWORD not in r.stderr


def test_bad_lock_timeout(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    r = run("migrate", "--lock-timeout", "soon")
    assert r.code == 2 and "--lock-timeout" in r.stderr and PASSWORD not in r.stderr


# -- connecting -----------------------------------------------------------------------------------------


def test_unreachable_host(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    first = assert_error(run("migrate", url_=f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/app"), 5,
                         "cannot connect to PostgreSQL at 127.0.0.1:1", "'app'", "connection refused")
    assert "postgres" in first


def test_unresolvable_host(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert_error(run("migrate", url_=f"postgresql://postgres:{PASSWORD}@no-such-host.invalid:5432/app"), 5,
                 "no-such-host.invalid:5432", "'app'")


def test_missing_database(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    missing = f"mzt_missing_{uuid.uuid4().hex[:8]}"
    assert_error(run("migrate", url_=f"postgresql://postgres:{PASSWORD}@127.0.0.1:5432/{missing}"), 5,
                 "127.0.0.1:5432", missing, "does not exist")


def test_unknown_role(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert_error(run("migrate", url_=url.replace("postgres@", f"nobody_{uuid.uuid4().hex[:6]}:{PASSWORD}@")), 5,
                 "role", "does not exist")


def _server_checks_passwords(url: str) -> bool:
    role = f"mzt_pw_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'right'")
    try:
        psycopg.connect(url.replace("postgres@", f"{role}:wrong@"), connect_timeout=5).close()
        return False
    except psycopg.OperationalError:
        return True
    finally:
        with psycopg.connect(url, autocommit=True) as c:
            drain_drops()  # the databases queued for dropping hold grants to it
            c.execute(f"DROP ROLE {role}")


def _fake_server_refusing_passwords() -> tuple[int, list[bytes]]:
    """A listener that speaks just enough of the protocol to ask for a password and refuse it, as PostgreSQL
    does (used only when the test server trusts every local connection, so a real refusal is impossible)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    received: list[bytes] = []

    def serve() -> None:
        srv.settimeout(30)
        try:
            while True:
                conn, _ = srv.accept()
                with conn:
                    while True:
                        n = struct.unpack("!I", conn.recv(4))[0]
                        body = conn.recv(n - 4)
                        code = struct.unpack("!I", body[:4])[0]
                        if code in (80877103, 80877104):  # SSLRequest / GSSENCRequest: not supported
                            conn.sendall(b"N")
                            continue
                        break
                    conn.sendall(b"R" + struct.pack("!II", 8, 3))  # AuthenticationCleartextPassword
                    tag = conn.recv(1)
                    n = struct.unpack("!I", conn.recv(4))[0]
                    received.append(tag + conn.recv(n - 4))
                    fields = (b"SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"postgres\"\0\0")
                    conn.sendall(b"E" + struct.pack("!I", len(fields) + 4) + fields)
        except OSError:
            pass
        finally:
            srv.close()

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1], received


def test_wrong_password(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    if _server_checks_passwords(url):
        bad = with_password(url)
        host = "127.0.0.1:5432"
    else:
        port, received = _fake_server_refusing_passwords()
        bad = f"postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/app?sslmode=disable"
        host = f"127.0.0.1:{port}"
    first = assert_error(run("migrate", url_=bad), 5, f"cannot connect to PostgreSQL at {host}",
                         "password authentication failed")
    assert "'" in first


def test_status_connection_failure(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert_error(run("status", url_=f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/app"), 5, "127.0.0.1:1")


def test_verbose_shows_details_but_not_the_password(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    r = run("migrate", "--verbose", url_=f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/app")
    assert r.code == 5 and "Traceback" in r.stderr and PASSWORD not in r.stdout + r.stderr


# -- the server refuses ------------------------------------------------------------------------------------


def test_no_permission_on_the_tracking_schema(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    role = f"mzt_deploy_{uuid.uuid4().hex[:8]}"
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE SCHEMA drizzle")  # owned by postgres, no grants
        c.execute(f"CREATE ROLE {role} LOGIN")
        c.execute(f'GRANT CREATE, USAGE ON SCHEMA public TO {role}')
    try:
        r = run("migrate", url_=url.replace("postgres@", f"{role}:{PASSWORD}@"))
        assert_error(r, 1, "tracking table drizzle.__drizzle_migrations", "permission denied for schema drizzle")
        assert "Grant the migrating role USAGE and CREATE on schema drizzle" in r.stderr
        assert public_tables(url) == set()
    finally:
        with psycopg.connect(url, autocommit=True) as c:
            c.execute(f"DROP OWNED BY {role}")
            c.execute(f"REVOKE ALL ON DATABASE \"{dbname}\" FROM {role}")
            drain_drops()  # the databases queued for dropping hold grants to it
            c.execute(f"DROP ROLE {role}")


def test_lock_timeout(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    with psycopg.connect(url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key(TrackingTable()),))
        assert_error(run("migrate", "--lock-timeout", "0.3"), 4, "migration lock", "not obtained within 0.3 s",
                     f"pid {holder.info.backend_pid}")
    assert public_tables(url) == set() and applied_count(url) == 0


def test_sql_syntax_error(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    tag = d.add(statements('CREATE TABLE "c" ("id" integer)', "CREATE TABLE oops ("), name="typo")
    r = run("migrate")
    assert_error(r, 1, f"{tag}.sql failed at statement 2 of 2", "syntax error")
    assert "0002_typo was rolled back and left no trace; 2 migration(s) applied before it stay applied" in r.stderr
    assert public_tables(url) == {"a", "b"}


def test_already_exists_hint(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    with psycopg.connect(url, autocommit=True) as c:
        c.execute('CREATE TABLE "b" ("id" integer)')
    r = run("migrate")
    assert_error(r, 1, "0001_b.sql failed at statement 1 of 1", 'relation "b" already exists')
    assert "mizzle drift" in r.stderr and "mizzle baseline" in r.stderr and "generate --idempotent" in r.stderr
    assert public_tables(url) == {"a", "b"} and applied_count(url) == 1


def test_column_already_exists_hint(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    d.add('ALTER TABLE "a" ADD COLUMN "id" integer;', name="dup_column")
    r = run("migrate")
    assert_error(r, 1, 'column "id" of relation "a" already exists')
    assert "mizzle baseline" in r.stderr


def test_concurrently_without_directive(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    d.add('CREATE INDEX CONCURRENTLY "a_idx" ON "a" ("id");', name="idx")
    assert_error(run("migrate"), 1, "cannot run inside a transaction block",
                 "add `-- mizzle:no-transaction` as the first line of 0002_idx.sql")


def test_statement_timeout_flag(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    d.add("SELECT pg_sleep(10);", name="slow")
    assert_error(run("migrate", "--statement-timeout", "0.2"), 1, "0002_slow.sql failed at statement 1",
                 "statement timeout")
    assert applied_count(url) == 2


def test_json_output_on_failure(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    d.add("SELECT * FROM nope;", name="bad")
    r = run("migrate", "--json")
    assert r.code == 1 and PASSWORD not in r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert [(m["tag"], m["status"]) for m in data["migrations"]] == [("0000_a", "applied"), ("0001_b", "applied"),
                                                                      ("0002_bad", "failed")]
    assert data["error"].startswith("0002_bad.sql failed at statement 1 of 1")


def test_happy_path_output_never_shows_the_password(project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    r = run("migrate")
    assert r.code == 0 and "done: 2 migration(s) applied" in r.stdout and "postgres:***@" in r.stdout
    assert PASSWORD not in r.stdout + r.stderr
    r = run("migrate", "--json")
    assert json.loads(r.stdout)["nothing_to_do"] and PASSWORD not in r.stdout
    r = run("status")
    assert r.code == 0 and "0001_b" in r.stdout and PASSWORD not in r.stdout


def test_json_output_on_integrity_error(project) -> None:  # type: ignore[no-untyped-def]
    d, url, run = project
    assert run("migrate").code == 0
    d.sql_path(d.tags[1]).write_text("-- changed\n")
    r = run("migrate", "--json")
    assert r.code == 3 and PASSWORD not in r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert data["ok"] is False and "was modified after it was applied" in data["error"]
    assert r.stderr.startswith("error: 0001_b.sql was modified")
