"""Fleet runs on the real server, through the real command: `migrate/status --targets FILE | --fleet NAME` with
--parallel, --canary, --continue-on-error and --shard; a database with a conflicting table, a run killed mid-way,
overlapping shards."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from conftest import MigrationsDir, statements

PASSWORD = "fleet-s3cret"  # trust auth ignores it; it must never be printed


def _with_password(url: str) -> str:
    return url.replace("postgres@", f"postgres:{PASSWORD}@", 1)


def _fleet(pg_url: Callable[..., str], n: int) -> list[str]:
    return [_with_password(pg_url("mzfleet")) for _ in range(n)]


def _targets_file(root: Path, urls: list[str]) -> Path:
    p = root / "targets.txt"
    p.write_text("# the fleet\n\n" + "\n".join(f"{u}   # tenant {i}" if i % 2 else u for i, u in enumerate(urls))
                 + "\n", encoding="utf-8")
    return p


def _rows(url: str) -> list[tuple[int, str, int]]:
    with psycopg.connect(url, autocommit=True) as c:
        exists = c.execute("SELECT to_regclass('drizzle.__drizzle_migrations')").fetchone()
        if exists is None or exists[0] is None:
            return []
        return [tuple(r) for r in c.execute(  # type: ignore[misc]
            "SELECT id, hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id").fetchall()]


def _settled(urls: list[str]) -> None:
    """Wait until the killed run's sessions are gone: a migration it sent whole (pipeline mode: BEGIN, the
    statements, the tracking row and COMMIT in one flush) is still finished by the server after the client dies,
    so what was done is read once nothing runs any more."""
    names = [u.rsplit("/", 1)[-1].split("?")[0] for u in urls]
    deadline = time.monotonic() + 20
    with psycopg.connect(urls[0], autocommit=True) as c:
        while time.monotonic() < deadline:
            row = c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = ANY(%s) AND pid <> pg_backend_pid()",
                            (names,)).fetchone()
            if row is not None and row[0] == 0:
                return
            time.sleep(0.05)


def _two_migrations(d: MigrationsDir) -> None:
    d.add(statements('CREATE TABLE "public"."accounts" ("id" serial PRIMARY KEY, "name" text)'), "accounts")
    d.add(statements('ALTER TABLE "public"."accounts" ADD COLUMN "email" text',
                     'CREATE INDEX "accounts_email_idx" ON "public"."accounts" ("email")'), "email")


def _conflict(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        c.execute('CREATE TABLE "public"."accounts" ("other" int)')


def _report(stdout: str) -> dict:  # type: ignore[type-arg]
    data = json.loads(stdout)
    assert isinstance(data, dict)
    return data


def test_conflicting_table_stops_the_fleet_by_default(pg_url, migrations_dir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    _two_migrations(migrations_dir)
    urls = _fleet(pg_url, 4)
    _conflict(urls[1])
    root = migrations_dir.path.parent
    r = run_mizzle(["migrate", "--targets", str(_targets_file(root, urls)), "--json"], cwd=root)
    assert r.code == 1, r.stderr
    rep = _report(r.stdout)
    assert rep["ok"] is False
    assert [t["status"] for t in rep["targets"]] == ["ok", "failed", "not run", "not run"]
    assert [t["applied"] for t in rep["targets"]] == [2, 0, 0, 0]
    assert 'relation "accounts" already exists' in rep["targets"][1]["error"]
    assert "not run" in r.stderr and "--continue-on-error" in r.stderr
    assert PASSWORD not in r.stdout + r.stderr
    assert all(":***@" in t["url"] for t in rep["targets"])
    assert [len(_rows(u)) for u in urls] == [2, 0, 0, 0]


def test_continue_on_error_then_the_rerun_touches_only_the_failed_one(pg_url, migrations_dir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    _two_migrations(migrations_dir)
    urls = _fleet(pg_url, 5)
    _conflict(urls[2])
    root = migrations_dir.path.parent
    targets = _targets_file(root, urls)
    r = run_mizzle(["migrate", "--targets", str(targets), "--parallel", "3", "--continue-on-error", "--json"],
                   cwd=root)
    assert r.code == 1, r.stderr
    rep = _report(r.stdout)
    assert [t["ok"] for t in rep["targets"]] == [True, True, False, True, True]
    assert [t["applied"] for t in rep["targets"]] == [2, 2, 0, 2, 2]
    assert all(t["duration_ms"] > 0 for t in rep["targets"])
    assert "failed" in r.stderr and "running" in r.stderr  # the progress lines
    before = {u: _rows(u) for u in urls}
    with psycopg.connect(urls[2], autocommit=True) as c:  # the operator resolves the conflict
        c.execute('DROP TABLE "public"."accounts"')
    r = run_mizzle(["migrate", "--targets", str(targets), "--parallel", "3", "--json"], cwd=root)
    assert r.code == 0, r.stderr
    rep = _report(r.stdout)
    assert rep["ok"] is True
    assert [t["applied"] for t in rep["targets"]] == [0, 0, 2, 0, 0]
    for i, u in enumerate(urls):
        if i != 2:
            assert _rows(u) == before[u]  # untouched: same rows, same ids
    assert len(_rows(urls[2])) == 2


def test_summary_table_and_exit_code_is_the_worst(pg_url, migrations_dir, run_mizzle, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _two_migrations(migrations_dir)
    urls = _fleet(pg_url, 2)
    _conflict(urls[0])
    # a database that does not exist: cannot connect, exit 5, worse than the statement failure's 1
    missing = urls[1].rsplit("/", 1)[0] + "/mzfleet_does_not_exist"
    root = migrations_dir.path.parent
    r = run_mizzle(["migrate", "--targets", str(_targets_file(root, [*urls, missing])), "--continue-on-error"],
                   cwd=root)
    assert r.code == 5, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[:3] == ["target", "status", "applied"]
    assert "3 target(s): 1 ok, 2 failed, 0 not run" in r.stdout
    assert PASSWORD not in r.stdout + r.stderr


def test_canary_failure_stops_everything_even_with_continue_on_error(pg_url, migrations_dir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    _two_migrations(migrations_dir)
    urls = _fleet(pg_url, 4)
    _conflict(urls[1])
    root = migrations_dir.path.parent
    r = run_mizzle(["migrate", "--targets", str(_targets_file(root, urls)), "--canary", "2", "--parallel", "4",
                    "--continue-on-error", "--json"], cwd=root)
    assert r.code == 1
    rep = _report(r.stdout)
    assert [t["status"] for t in rep["targets"]] == ["ok", "failed", "not run", "not run"]
    assert "canary" in rep["stopped"]
    r = run_mizzle(["migrate", "--targets", str(_targets_file(root, [urls[0], urls[2], urls[3], urls[1]])),
                    "--canary", "2", "--continue-on-error", "--json"], cwd=root)
    assert [t["status"] for t in _report(r.stdout)["targets"]] == ["ok", "ok", "ok", "failed"]


def test_killed_mid_way_then_rerun_finishes_the_rest(pg_url, migrations_dir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    migrations_dir.add(statements('CREATE TABLE "public"."slow" ("id" int)', "SELECT pg_sleep(0.4)"), "slow")
    migrations_dir.add(statements('ALTER TABLE "public"."slow" ADD COLUMN "v" text', "SELECT pg_sleep(0.4)"), "more")
    urls = _fleet(pg_url, 6)
    root = migrations_dir.path.parent
    targets = _targets_file(root, urls)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    p = subprocess.Popen([sys.executable, "-m", "mizzle", "migrate", "--targets", str(targets)], cwd=root, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_rows(urls[1])) < 1:
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=10)
    _settled(urls)
    done_before = [len(_rows(u)) for u in urls]
    assert done_before[0] == 2 and done_before[-1] == 0, done_before  # really stopped mid-way
    r = run_mizzle(["migrate", "--targets", str(targets), "--parallel", "2", "--json"], cwd=root)
    assert r.code == 0, r.stderr
    rep = _report(r.stdout)
    assert [t["applied"] for t in rep["targets"]] == [2 - n for n in done_before]
    assert [len(_rows(u)) for u in urls] == [2] * 6


def test_overlapping_shards_and_runs_are_harmless(pg_url, migrations_dir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    _two_migrations(migrations_dir)
    urls = _fleet(pg_url, 8)
    root = migrations_dir.path.parent
    targets = _targets_file(root, urls)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # four machines: shards 0/2 and 1/2 plus two runs over everything, all at once
    runs = [["--shard", "0/2"], ["--shard", "1/2"], [], ["--parallel", "4"]]
    procs = [subprocess.Popen([sys.executable, "-m", "mizzle", "migrate", "--targets", str(targets), "--json", *a],
                              cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for a in runs]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [e for _, e in outs]
    reports = [_report(o) for o, _ in outs]
    shard0 = {t["url"] for t in reports[0]["targets"]}
    shard1 = {t["url"] for t in reports[1]["targets"]}
    assert not shard0 & shard1 and len(shard0 | shard1) == 8
    applied: dict[str, int] = {}
    for rep in reports:
        for t in rep["targets"]:
            applied[t["url"]] = applied.get(t["url"], 0) + t["applied"]
    assert applied == {t["url"]: 2 for t in reports[2]["targets"]}  # each migration applied exactly once overall
    assert [len(_rows(u)) for u in urls] == [2] * 8
    # the shard a target lands in does not depend on the list's order or on its password
    (root / "reordered.txt").write_text("\n".join(u.replace(PASSWORD, "rotated") for u in reversed(urls)))
    r = run_mizzle(["status", "--targets", str(root / "reordered.txt"), "--shard", "0/2", "--json"], cwd=root)
    assert r.code == 0, r.stderr
    assert {t["url"].replace("rotated", PASSWORD) for t in _report(r.stdout)["targets"]} == shard0


def test_named_fleets_from_config(pg_url, migrations_dir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    _two_migrations(migrations_dir)
    urls = _fleet(pg_url, 3)
    control = pg_url("mzfleetctl")
    with psycopg.connect(control, autocommit=True) as c:
        c.execute("CREATE TABLE tenants (url text, active bool)")
        for i, u in enumerate(urls):
            c.execute("INSERT INTO tenants VALUES (%s, %s)", (u, i != 1))
    root = migrations_dir.path.parent
    (root / "mizzle.toml").write_text(
        'dialect = "postgresql"\nout = "drizzle"\n'
        f'[fleets.static]\nurls = ["{urls[0]}"]\n'
        '[fleets.fromenv]\nurls_env = "TENANT_URLS"\n'
        '[fleets.active]\nquery = "SELECT url FROM tenants WHERE active ORDER BY url"\ncontrol_env = "CONTROL_URL"\n',
        encoding="utf-8")
    r = run_mizzle(["migrate", "--fleet", "active", "--json"], cwd=root, env={"CONTROL_URL": control})
    assert r.code == 0, r.stderr
    assert sorted(t["url"] for t in _report(r.stdout)["targets"]) == sorted(
        u.replace(PASSWORD, "***") for i, u in enumerate(urls) if i != 1)
    r = run_mizzle(["status", "--fleet", "fromenv", "--json"], cwd=root, env={"TENANT_URLS": ",".join(urls)})
    assert r.code == 0, r.stderr
    assert [(t["applied"], t["pending"]) for t in _report(r.stdout)["targets"]] == [(2, 0), (0, 2), (2, 0)]
    r = run_mizzle(["migrate", "--fleet", "static", "--json"], cwd=root)
    assert [t["applied"] for t in _report(r.stdout)["targets"]] == [0]
    r = run_mizzle(["migrate", "--fleet", "fromenv"], cwd=root)
    assert r.code == 2 and "TENANT_URLS" in r.first_error_line
    r = run_mizzle(["migrate", "--fleet", "nope"], cwd=root)
    assert r.code == 2 and "unknown fleet 'nope'" in r.first_error_line


@pytest.mark.parametrize("args, content, message", [
    (["--parallel", "2"], None, "--parallel needs --targets FILE or --fleet NAME"),
    (["--shard", "2/2"], "postgresql://a@h/db\n", "need 0 ≤ I < N"),
    ([], "postgresql://a@h/db\nnot a url\n", "target 2: malformed database URL"),
    ([], f"postgresql://a:{PASSWORD}@h/db\npostgresql://a:other@h/db\n", "target 2 (postgresql://a:***@h/db) "
     "repeats target 1"),
    ([], "# nothing\n", "lists no targets"),
    (["--url", "postgresql://a@h/db"], "postgresql://a@h/db\n", "a fleet run takes its databases"),
])
def test_bad_fleet_input_is_a_usage_error(migrations_dir, run_mizzle, args, content, message) -> None:  # type: ignore[no-untyped-def]
    root = migrations_dir.path.parent
    if content is not None:
        (root / "t.txt").write_text(content, encoding="utf-8")
        args = [*args, "--targets", str(root / "t.txt")]
    r = run_mizzle(["migrate", *args], cwd=root)
    assert r.code == 2, r.stderr
    assert message in r.first_error_line
    assert PASSWORD not in r.stderr


def test_the_control_query_is_read_only(pg_url, migrations_dir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """The guide says the control query runs read-only: a query that writes (here a DELETE … RETURNING, written
    by mistake into [fleets.NAME]) is refused and changes nothing. It ran in autocommit and deleted the tenants
    table's rows (found on a schema-per-tenant fleet of optuna's models)."""
    _two_migrations(migrations_dir)
    control = _with_password(pg_url("mzfleetctl"))
    with psycopg.connect(control, autocommit=True) as c:
        c.execute("CREATE TABLE tenants (schema_name text)")
        c.execute("INSERT INTO tenants VALUES ('tenant_a'), ('tenant_b')")
    root = migrations_dir.path.parent
    (root / "mizzle.toml").write_text(
        'dialect = "postgresql"\nout = "drizzle"\n'
        '[fleets.oops]\nquery = "DELETE FROM tenants RETURNING schema_name"\ncontrol_env = "CONTROL_URL"\n',
        encoding="utf-8")
    r = run_mizzle(["status", "--fleet", "oops"], cwd=root, env={"CONTROL_URL": control})
    assert r.code == 2, r.stderr
    assert "the control query failed" in r.first_error_line and "read-only" in r.first_error_line
    assert PASSWORD not in r.stderr
    with psycopg.connect(control, autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM tenants").fetchone() == (2,)


def test_status_table_shows_what_is_pending(pg_url, migrations_dir, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """`status` over a fleet is how an operator sees which databases are behind: its table showed `applied`
    only, so a tenant with a migration still pending (optuna 5.0's models, a tenant whose second migration
    failed on a conflicting table) read `ok  1` like the others' `ok  2`, and the count line said all ok."""
    _two_migrations(migrations_dir)
    urls = _fleet(pg_url, 2)
    root = migrations_dir.path.parent
    r = run_mizzle(["migrate", "--targets", str(_targets_file(root, urls[:1]))], cwd=root)
    assert r.code == 0, r.stderr
    r = run_mizzle(["status", "--targets", str(_targets_file(root, urls))], cwd=root)
    assert r.code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split()[:4] == ["target", "status", "applied", "pending"]
    assert lines[1].split()[1:4] == ["ok", "2", "0"] and lines[2].split()[1:4] == ["ok", "0", "2"]
    assert "2 target(s): 2 ok, 0 failed, 0 not run; 1 with pending migrations" in r.stdout
    assert PASSWORD not in r.stdout + r.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_cancels_the_running_targets_and_reports(pg_url, migrations_dir, run_mizzle, sig) -> None:  # type: ignore[no-untyped-def]
    """Ctrl-C reaches the main thread only: the targets running on other threads must be cancelled too (as Ctrl-C
    cancels a single `mizzle migrate`), not left to finish a long statement, and the report still printed
    (found on dokploy's 186-migration folder over a 14-database fleet: Ctrl-C waited for every running database to
    apply all its pending migrations, then printed 'interrupted' and no report). SIGTERM (a cancelled deploy, an
    evicted pod) is the same: it killed the process at once while the server went on running the statements,
    their locks held, for as long as they took."""
    migrations_dir.add(statements('CREATE TABLE "public"."t" ("id" int)'), "t")
    migrations_dir.add(statements('ALTER TABLE "public"."t" ADD COLUMN "v" text', "SELECT pg_sleep(30)"), "slow")
    urls = _fleet(pg_url, 4)
    root = migrations_dir.path.parent
    targets = _targets_file(root, urls)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    p = subprocess.Popen([sys.executable, "-m", "mizzle", "migrate", "--targets", str(targets), "--parallel", "2",
                          "--json"], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (len(_rows(urls[0])) == 1 and len(_rows(urls[1])) == 1):
        time.sleep(0.05)
    time.sleep(0.5)  # both in pg_sleep
    p.send_signal(sig)
    out, err = p.communicate(timeout=15)  # not the 30 s of the sleep
    assert p.returncode == 130, err
    rep = _report(out)
    assert [t["status"] for t in rep["targets"]] == ["failed", "failed", "not run", "not run"], rep
    assert [t["applied"] for t in rep["targets"][:2]] == [1, 1]
    assert all("interrupted" in t["error"] for t in rep["targets"][:2]), rep
    assert "interrupted" in rep["stopped"]
    assert PASSWORD not in out + err
    _settled(urls)
    assert [len(_rows(u)) for u in urls] == [1, 1, 0, 0]  # the slow migration rolled back, whole
    with psycopg.connect(urls[0], autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 't'").fetchone() == (1,)
