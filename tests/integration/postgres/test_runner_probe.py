"""The probe: `mizzle migrate` with nothing to do finds that out on libpq directly, without importing psycopg,
and steps aside for the psycopg backend whenever there is anything else to do or to report."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import psycopg
import pytest
from conftest import CliResult, MigrationsDir

import mizzle
from mizzle.dburl import parse_url
from mizzle.dialects.postgres import probe as probe_module
from mizzle.dialects.postgres.connection import connect
from mizzle.dialects.postgres.probe import open_probe
from mizzle.dialects.postgres.runner import lock_key, open_backend
from mizzle.errors import ConnectError
from mizzle.runner.tracking import TrackingTable

pytestmark = pytest.mark.pg

if probe_module.libpq() is None:  # pragma: no cover - the dev and CI machines have psycopg_binary
    pytest.fail("no libpq could be loaded for the probe (psycopg_binary's or the system's)", pytrace=False)

RUN = ("import sys\nfrom mizzle.cli import main\nsys.argv = ['mizzle', 'migrate']\ntry:\n    main()\n"
       "except SystemExit as e:\n    code = e.code\nprint('exit', code, 'psycopg' in sys.modules, file=sys.stderr)\n")


def migrate_cli(d: MigrationsDir, url: str) -> tuple[int, bool, str]:
    """Exit code, whether psycopg was imported, and the output of `mizzle migrate` in a fresh process."""
    p = subprocess.run([sys.executable, "-c", RUN], cwd=d.path.parent, env={**os.environ, "DATABASE_URL": url},
                       capture_output=True, text=True, timeout=60)
    last = p.stderr.strip().splitlines()[-1].split()
    assert last[0] == "exit", p.stderr
    return int(last[1]), last[2] == "True", p.stdout + p.stderr


def test_nothing_to_do_is_found_without_psycopg_and_anything_else_runs_on_it(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    for i in range(3):
        migrations_dir.add(f'CREATE TABLE "t{i}" ("id" integer);')
    code, used_psycopg, out = migrate_cli(migrations_dir, url)  # creates the tracking tables, applies 3
    assert code == 0 and used_psycopg and "done: 3 migration(s) applied" in out
    code, used_psycopg, out = migrate_cli(migrations_dir, url)
    assert code == 0 and not used_psycopg and "nothing to do: 3 migration(s) applied" in out
    migrations_dir.add('CREATE TABLE "t3" ("id" integer);')  # pending: the probe steps aside
    code, used_psycopg, out = migrate_cli(migrations_dir, url)
    assert code == 0 and used_psycopg and "done: 1 migration(s) applied" in out
    code, used_psycopg, out = migrate_cli(migrations_dir, url)
    assert code == 0 and not used_psycopg
    # hashes are still verified: a modified applied file is exit 3, reported as always
    migrations_dir.sql_path(migrations_dir.tags[1]).write_text('CREATE TABLE "t1" ("id" bigint);')
    code, _, out = migrate_cli(migrations_dir, url)
    assert code == 3 and "0001_m1.sql was modified after it was applied" in out


def test_probe_reads_what_the_backend_reads_and_holds_the_same_lock(pg_url: Callable[..., str],
                                                                     migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    for i in range(4):
        migrations_dir.add(f'CREATE TABLE "t{i}" ("id" integer);')
    mizzle.migrate(url=url, folder=migrations_dir.path)
    tracking = TrackingTable()
    with psycopg.connect(url, autocommit=True) as c:  # a partly applied migration's progress, and a NULL
        c.execute('INSERT INTO drizzle.__mizzle_progress (created_at, hash, tag, statement, prefix_hash, running) '
                  "VALUES (42, 'h', 'tag é', 3, NULL, 4), (43, 'i', NULL, 0, 'p', NULL)")
        c.execute("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('x', NULL)")
    db = parse_url(url)
    backend = open_backend(db, tracking)
    try:
        expected = backend.read_state(create=False, with_audit=False)
        probe = open_probe(db, tracking)
        assert probe is not None
        try:
            state = probe.ready_state()
            assert state is not None
            assert state.rows == expected.rows and len(state.rows) == 5
            assert state.progress == expected.progress and len(state.progress) == 2
            assert (state.tracking_exists, state.audit_exists, state.audit) == (True, True, None)
            assert not backend.try_lock()  # the probe holds the runner's lock
        finally:
            probe.close()
        assert backend.try_lock()  # … and gave it back
        backend.release_lock()
    finally:
        backend.close()
    assert probe_module.lock_key(tracking) == lock_key(tracking)


def test_probe_holds_nothing_when_the_lock_is_busy_or_a_tracking_table_is_missing(pg_url: Callable[..., str]) -> None:
    url = pg_url()
    db, tracking = parse_url(url), TrackingTable()
    probe = open_probe(db, tracking)
    assert probe is not None
    assert probe.ready_state() is None  # no tracking tables yet: the psycopg backend creates them
    with psycopg.connect(url, autocommit=True) as c:
        assert c.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(tracking),)).fetchone() == (True,)
    probe.close()
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (lock_key(tracking),))
        probe = open_probe(db, tracking)
        assert probe is not None and probe.ready_state() is None
        probe.close()


@pytest.mark.parametrize("where", ["missing database", "refused port"])
def test_probe_connect_errors_are_the_backends(pg_url: Callable[..., str], where: str) -> None:
    base = pg_url()
    url = base.rsplit("/", 1)[0] + "/mzt_no_such_db" if where == "missing database" else \
        "postgresql://postgres:Pw-s3cret@127.0.0.1:1/x"
    db = parse_url(url)
    with pytest.raises(ConnectError) as via_probe:
        open_probe(db, TrackingTable(), connect_timeout=2)
    with pytest.raises(ConnectError) as via_psycopg:
        connect(db, connect_timeout=2)
    assert via_probe.value.message == via_psycopg.value.message
    assert via_probe.value.details == via_psycopg.value.details
    assert "Pw-s3cret" not in via_probe.value.message


def test_without_a_loadable_libpq_the_runner_runs_on_psycopg_alone(pg_url: Callable[..., str],
                                                                    migrations_dir: MigrationsDir,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    url = pg_url()
    migrations_dir.add('CREATE TABLE "a" ("id" integer);')
    monkeypatch.setattr(probe_module, "_candidates", lambda: ["/nonexistent/libpq.so.5"])
    monkeypatch.setattr(probe_module, "_loaded", False)
    monkeypatch.setattr(probe_module, "_lib", None)
    assert open_probe(parse_url(url), TrackingTable()) is None
    assert len(mizzle.migrate(url=url, folder=migrations_dir.path).applied) == 1
    again = mizzle.migrate(url=url, folder=migrations_dir.path)
    assert again.nothing_to_do and again.already_applied == 1


@pytest.mark.parametrize("command", ["migrate", "status"])  # the probe's libpq path, and psycopg's
@pytest.mark.parametrize("query, needle", [("foo=bar", 'invalid connection option "foo"'),
                                           ("sslmode=bogus", 'invalid sslmode value: "bogus"')])
def test_a_url_parameter_libpq_rejects_is_a_usage_error(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                                        run_mizzle: Callable[..., CliResult], command: str,
                                                        query: str, needle: str) -> None:
    url = pg_url().replace("postgres@", "postgres:Pw-s3cret@", 1) + "?" + query
    migrations_dir.add('CREATE TABLE "a" ("id" integer);')
    r = run_mizzle([command], cwd=migrations_dir.path.parent, url=url)
    assert r.code == 2, r.stderr
    first = r.stderr.splitlines()[0]
    assert first.startswith("error: database URL postgresql://postgres:***@") and first.endswith(needle), first
    assert "Pw-s3cret" not in r.stdout + r.stderr and "Traceback" not in r.stderr
