"""Acceptance 1: eight `mizzle migrate` processes started together on a fresh database with 200 pending
migrations all exit 0, each migration is applied exactly once, and the waiters find nothing to do."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import psycopg
import pytest
from conftest import MigrationsDir, statements

pytestmark = pytest.mark.pg


def test_eight_concurrent_runners_apply_each_migration_once(pg_url: Callable[..., str],
                                                            migrations_dir: MigrationsDir) -> None:
    url = pg_url()
    for i in range(200):
        migrations_dir.add(statements(f'CREATE TABLE "t{i}" ("id" serial PRIMARY KEY, "v" text)',
                                      f'INSERT INTO "t{i}" ("v") VALUES (\'x\')'))
    env = {**os.environ, "DATABASE_URL": url}
    procs = [subprocess.Popen([sys.executable, "-m", "mizzle", "migrate"], cwd=migrations_dir.path.parent, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    outs = [p.communicate(timeout=120) for p in procs]
    codes = [p.returncode for p in procs]
    assert codes == [0] * 8, [o[1] for o in outs]
    applied_by = [o[0].count(": applied in ") for o in outs]
    assert sorted(applied_by) == [0] * 7 + [200], applied_by
    waiters = [o for o, n in zip(outs, applied_by, strict=True) if n == 0]
    print(sum("waiting for the migration lock" in o[1] for o in waiters), "runner(s) waited for the lock")
    assert all("nothing to do: 200 migration(s) applied" in o[0] for o in waiters)
    with psycopg.connect(url, autocommit=True) as c:
        rows = c.execute('SELECT created_at, count(*) FROM "drizzle"."__drizzle_migrations" GROUP BY 1').fetchall()
        assert len(rows) == 200 and all(n == 1 for _, n in rows)
        assert c.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone() == (200,)
        audits = c.execute('SELECT count(*) FROM "drizzle"."__mizzle_audit"').fetchone()
        assert audits == (200,)
