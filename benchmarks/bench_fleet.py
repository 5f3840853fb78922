"""Benchmark a fleet run: D local databases × M migrations, `mizzle migrate --targets` sequential vs --parallel N.

    python benchmarks/bench_fleet.py [--dbs 200] [--migrations 50] [--parallel 1,2,4,8,16]
    python benchmarks/bench_fleet.py --tenants 1000 [--migrations 5] [--parallel 1,8]

With --tenants N: one database, N tenant schemas (`URL#schema=tenant_<i>`, issue 19 point 3), the migrations'
tables written unqualified so that each lands in its tenant's schema.

Needs PostgreSQL (MIZZLE_BENCH_PG, default postgresql://postgres@127.0.0.1:5432/postgres). Creates D databases
named mzbenchfleet_*, runs the real command once per parallelism (resetting every database in between), then a
rerun with nothing pending, and drops them. Prints wall times, the ratio to sequential (issue 19's target:
--parallel 8 ≤ 0.35×), the server's busy backends sampled during each run, and the host's CPU count and load,
so where the server saturates can be read off the table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psycopg

ADMIN = os.environ.get("MIZZLE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BASE_WHEN = 1_700_000_000_000
BREAK = "\n--> statement-breakpoint\n"


def write_project(root: Path, migrations: int, qualify: bool = True) -> None:
    folder = root / "drizzle"
    (folder / "meta").mkdir(parents=True)
    entries = []
    for i in range(migrations):
        tag = f"{i:04d}_m{i}"
        q = '"public".' if qualify else ""  # unqualified: into the tenant's schema (its search_path)
        sql = [f'CREATE TABLE {q}"t{i}" ("id" serial PRIMARY KEY, "name" text NOT NULL)',
               f'CREATE INDEX "t{i}_name_idx" ON {q}"t{i}" ("name")']
        (folder / f"{tag}.sql").write_text(BREAK.join(s + ";" for s in sql), encoding="utf-8")
        entries.append({"idx": i, "version": "7", "when": BASE_WHEN + i, "tag": tag, "breakpoints": True})
    (folder / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                               "entries": entries}))
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')


def db_url(name: str) -> str:
    return ADMIN.rsplit("/", 1)[0] + "/" + name


def reset(urls: list[str]) -> None:
    if urls and "#schema=" in urls[0]:  # tenant schemas of one database
        with psycopg.connect(urls[0].split("#", 1)[0], autocommit=True) as c:
            for u in urls:
                c.execute(f'DROP SCHEMA IF EXISTS "{u.split("#schema=", 1)[1]}" CASCADE')
        return
    for u in urls:
        with psycopg.connect(u, autocommit=True) as c:
            c.execute("DROP SCHEMA IF EXISTS drizzle CASCADE")
            c.execute("DROP SCHEMA public CASCADE")
            c.execute("CREATE SCHEMA public")


class Sampler:
    """Counts the server's active mizzle backends every 100 ms while a run goes on."""

    def __init__(self) -> None:
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with psycopg.connect(ADMIN, autocommit=True) as c:
            while not self._stop.wait(0.1):
                row = c.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                                "AND application_name LIKE 'mizzle%%'").fetchone()
                self.samples.append(int(row[0]) if row else 0)

    def __enter__(self) -> Sampler:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def run(root: Path, targets: Path, parallel: int) -> tuple[float, dict, Sampler, float]:  # type: ignore[type-arg]
    """Wall time, the JSON report, the backend samples, and the mizzle process's CPU seconds (user + system)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with Sampler() as s:
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "mizzle", "migrate", "--targets", str(targets), "--parallel",
                            str(parallel), "--json", "--quiet"], cwd=root, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    if p.returncode != 0:
        raise SystemExit(f"--parallel {parallel}: exit {p.returncode}: {p.stderr.strip()[:500]}")
    return wall, json.loads(p.stdout), s, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dbs", type=int, default=200)
    ap.add_argument("--migrations", type=int, default=50)
    ap.add_argument("--parallel", default="1,2,4,8,16", help="comma-separated; 1 (sequential) is always run")
    ap.add_argument("--tenants", type=int, default=0, help="N tenant schemas of one database instead of --dbs")
    a = ap.parse_args()
    levels = sorted({1, *(int(x) for x in a.parallel.split(","))})
    if a.tenants:
        names = [f"mzbenchfleet_{uuid.uuid4().hex[:10]}"]
        urls = [f"{db_url(names[0])}#schema=tenant_{i}" for i in range(a.tenants)]
        a.dbs = a.tenants
    else:
        names = [f"mzbenchfleet_{uuid.uuid4().hex[:10]}" for _ in range(a.dbs)]
        urls = [db_url(n) for n in names]
    what = f"{a.tenants} tenant schemas of one database" if a.tenants else f"{a.dbs} databases"
    print(f"host: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; "
          f"{what} × {a.migrations} migrations (2 statements each)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_project(root, a.migrations, qualify=not a.tenants)
        targets = root / "targets.txt"
        targets.write_text("\n".join(urls) + "\n")
        t0 = time.perf_counter()
        with psycopg.connect(ADMIN, autocommit=True) as c:
            for n in names:
                c.execute(f'CREATE DATABASE "{n}"')
        print(f"created {len(names)} database(s) in {time.perf_counter() - t0:.1f} s")
        try:
            base = None
            print(f"{'parallel':>8}  {'wall s':>8}  {'× seq':>6}  {'tgt/s':>6}  {'client CPU s':>12}  "
                  f"{'mizzle backends active (median/max)':>35}  load")
            for level in levels:
                reset(urls)
                wall, rep, s, cpu = run(root, targets, level)
                assert rep["ok"] and sum(t["applied"] for t in rep["targets"]) == a.dbs * a.migrations
                base = base or wall
                med = statistics.median(s.samples) if s.samples else 0
                print(f"{level:>8}  {wall:>8.1f}  {wall / base:>6.2f}  {a.dbs / wall:>6.1f}  {cpu:>12.1f}  "
                      f"{med:>27.0f}/{max(s.samples, default=0):<7}  {os.getloadavg()[0]:.1f}", flush=True)
            wall, rep, _, _ = run(root, targets, max(levels))
            assert sum(t["applied"] for t in rep["targets"]) == 0
            print(f"rerun, nothing pending, --parallel {max(levels)}: {wall:.1f} s")
        finally:
            with psycopg.connect(ADMIN, autocommit=True) as c:
                for n in names:
                    c.execute(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')


if __name__ == "__main__":
    main()
