"""Acceptance 2: `kill -9` the runner at random moments of a 200-migration run (≥ 20 trials). After each kill
the database is at a recorded boundary — its tables are exactly those its tracking rows and recorded progress
say — and a rerun completes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import psycopg
import pytest
from conftest import MigrationsDir, statements

pytestmark = pytest.mark.pg

N = 200
KILLS = 22  # trials in which the runner is killed mid-run (a run may also finish first)


def build(d: MigrationsDir) -> dict[int, list[list[str]]]:
    """Write the folder; return, per journal `when`, the tables each statement creates (in order)."""
    expected: dict[int, list[list[str]]] = {}
    for i in range(N):
        sleep = f"SELECT pg_sleep({(i % 4) / 1000:.3f})"
        if i % 10 == 5:  # a no-transaction file: committed statement by statement, with progress
            sql = "-- mizzle:no-transaction\n" + statements(
                f'CREATE TABLE "n{i}_1" ("id" integer)', sleep, f'CREATE TABLE "n{i}_3" ("id" integer)',
                f'CREATE INDEX CONCURRENTLY "n{i}_3_idx" ON "n{i}_3" ("id")')
            per = [[f"n{i}_1"], [], [f"n{i}_3"], []]
        elif i % 15 == 7:  # a `-- mizzle:commit` boundary in the middle
            sql = statements(f'CREATE TABLE "c{i}_a" ("id" integer)', sleep,
                             f'-- mizzle:commit\nCREATE TABLE "c{i}_b" ("id" integer)')
            per = [[f"c{i}_a"], [], [f"c{i}_b"]]
        else:
            sql = statements(f'CREATE TABLE "t{i}" ("id" serial PRIMARY KEY, "v" text)',
                             f'INSERT INTO "t{i}" ("v") SELECT g::text FROM generate_series(1, 20) g', sleep,
                             f'CREATE INDEX "t{i}_v_idx" ON "t{i}" ("v")')
            per = [[f"t{i}"], [], [], []]
        d.add(sql)
        expected[int(d.entries[-1]["when"])] = per  # type: ignore[call-overload]
    return expected


def wait_for_backends_to_go(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        for _ in range(200):
            n = c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND application_name LIKE 'mizzle%%'").fetchone()[0]  # type: ignore[index]
            if n == 0:
                return
            time.sleep(0.02)
    raise AssertionError("the killed runner's session did not end")


def check_boundary(url: str, expected: dict[int, list[list[str]]]) -> int:
    """The tables present are exactly those recorded; returns how many migrations are applied."""
    with psycopg.connect(url, autocommit=True) as c, c.transaction():
        c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        present = {r[0] for r in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        if c.execute("SELECT to_regclass('drizzle.__drizzle_migrations')").fetchone()[0] is None:  # type: ignore[index]
            assert present == set(), present
            return 0
        applied = [r[0] for r in c.execute("SELECT created_at FROM drizzle.__drizzle_migrations")]
        progress = dict(c.execute("SELECT created_at, statement FROM drizzle.__mizzle_progress").fetchall())
        invalid = c.execute("SELECT count(*) FROM pg_index WHERE NOT indisvalid").fetchone()[0]  # type: ignore[index]
    assert len(applied) == len(set(applied)), "a migration recorded twice"
    want: set[str] = set()
    for when in applied:
        assert when not in progress, "applied migration still has progress"
        for tabs in expected[when]:
            want.update(tabs)
    for when, done in progress.items():
        for tabs in expected[when][:done]:
            want.update(tabs)
    # an interrupted CREATE INDEX CONCURRENTLY may leave an INVALID index (no table); the rerun drops it
    assert present == want, (sorted(present - want)[:5], sorted(want - present)[:5])
    assert invalid <= 1
    return len(applied)


def reset(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DROP SCHEMA public CASCADE")
        c.execute("CREATE SCHEMA public")
        c.execute("DROP SCHEMA IF EXISTS drizzle CASCADE")


def test_kill_9_at_random_moments_leaves_a_recorded_boundary(pg_url: Callable[..., str],
                                                             migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    expected = build(migrations_dir)
    rnd = random.Random(int(os.environ.get("MIZZLE_CRASH_SEED", "20261124")))
    env = {**os.environ, "DATABASE_URL": url}
    cmd = [sys.executable, "-m", "mizzle", "migrate", "-q"]
    kills = trial = 0
    while kills < KILLS:
        trial += 1
        assert trial < 3 * KILLS, f"only {kills} of {trial} runs were killed mid-run"
        mode = "all" if trial % 3 == 2 else "each"
        p = subprocess.Popen([*cmd, "--transaction", mode], cwd=migrations_dir.path.parent, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rnd.uniform(0.15, 1.3))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait()
        if p.returncode not in (0, -signal.SIGKILL):
            raise AssertionError(p.stderr.read().decode() if p.stderr else p.returncode)
        wait_for_backends_to_go(url)
        if check_boundary(url, expected) == N:
            reset(url)  # finished before the kill: start over, so every trial interrupts something
    final = subprocess.run(cmd, cwd=migrations_dir.path.parent, env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert check_boundary(url, expected) == N
    with psycopg.connect(url, autocommit=True) as c:
        assert c.execute("SELECT count(*) FROM pg_index WHERE NOT indisvalid").fetchone() == (0,)
