"""SIGTERM (a cancelled deploy, an evicted pod, `docker stop`) stops `mizzle migrate` as Ctrl-C does: the statement
in progress is cancelled on the server, the migration rolled back whole, exit 130. Killed at once instead (fx98 saw
it beside the fleets' fix), the process left the server running the statement, its locks held, for as long as it
took, and the migration it had sent whole (pipeline mode) was still committed after the process was gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from conftest import statements

pytestmark = pytest.mark.pg


def _rows(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as c:
        exists = c.execute("SELECT to_regclass('drizzle.__drizzle_migrations')").fetchone()
        if exists is None or exists[0] is None:
            return 0
        return int(c.execute("SELECT count(*) FROM drizzle.__drizzle_migrations").fetchone()[0])  # type: ignore[index]


def test_sigterm_cancels_the_statement_and_rolls_the_migration_back(pg_url, migrations_dir) -> None:  # type: ignore[no-untyped-def]
    url = pg_url()
    migrations_dir.add(statements('CREATE TABLE "public"."t" ("id" int)'), "t")
    migrations_dir.add(statements('ALTER TABLE "public"."t" ADD COLUMN "v" text', "SELECT pg_sleep(30)"), "slow")
    env = {**os.environ, "DATABASE_URL": url}
    p = subprocess.Popen([sys.executable, "-m", "mizzle", "migrate"], cwd=migrations_dir.path.parent, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(url, autocommit=True) as c:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not c.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE '%%pg_sleep(30)%%' "
                "AND state = 'active' AND pid <> pg_backend_pid()", (name,)).fetchone()[0]:  # type: ignore[index]
            time.sleep(0.05)
        started = time.monotonic()
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=20)
        assert time.monotonic() - started < 10, "it waited for the statement"
        assert p.returncode == 130, (p.returncode, out, err)
        assert "interrupted" in err
        still = c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE '%%pg_sleep(30)%%' "
                          "AND pid <> pg_backend_pid()", (name,)).fetchone()[0]  # type: ignore[index]
        assert still == 0, "the statement still runs on the server"
        assert c.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 't'").fetchone() == (1,)
    assert _rows(url) == 1  # the slow migration rolled back, whole
