"""Issue 19's fleet measurement, in one run: 200 local databases × 50 migrations, `mizzle migrate --targets`
sequential vs `--parallel 8` (target: ≤ 0.35× the sequential wall time), then a failure under
`--continue-on-error` and the rerun that touches only what failed.

    python benchmarks/bench_issue19.py [--dbs 200] [--migrations 50] [--parallel 8]

Needs PostgreSQL (MIZZLE_BENCH_PG, default postgresql://postgres@127.0.0.1:5432/postgres). Creates the databases
(mzbenchfleet_*), runs the real command (a subprocess, as in a deploy), and drops them. Each run starts from
empty databases. Printed: the host's CPUs and load, each run's wall time, the ratio to sequential, the mizzle
process's CPU seconds and the server's busy mizzle backends (median/max, sampled every 100 ms), so where the
server saturates can be read off the lines. The wider sweep (--parallel 1,2,4,8,16; tenant schemas) is
bench_fleet.py, whose helpers this uses.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_fleet  # noqa: E402

ADMIN = bench_fleet.ADMIN


def measured(root: Path, targets: Path, parallel: int, total: int) -> float:
    bench_fleet.reset(bench_fleet_urls(targets))
    wall, rep, s, cpu = bench_fleet.run(root, targets, parallel)
    applied = sum(t["applied"] for t in rep["targets"])
    assert rep["ok"] and applied == total, (rep["ok"], applied, total)
    med = statistics.median(s.samples) if s.samples else 0
    print(f"--parallel {parallel:<2}  {wall:8.1f} s  {len(rep['targets']) / wall:6.1f} databases/s  client CPU "
          f"{cpu:6.1f} s  busy mizzle backends {med:.0f}/{max(s.samples, default=0)}  "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    return wall


def bench_fleet_urls(targets: Path) -> list[str]:
    return [line for line in targets.read_text().splitlines() if line]


def failure_and_rerun(root: Path, targets: Path, urls: list[str], migrations: int, parallel: int) -> None:
    """One database has a conflicting table: under --continue-on-error the others finish; after the conflict
    is removed, the rerun applies only that database's migrations."""
    bench_fleet.reset(urls)
    bad = urls[len(urls) // 2]
    with psycopg.connect(bad, autocommit=True) as c:
        c.execute('CREATE TABLE public."t0" (x int)')  # what the first migration creates
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    cmd = [sys.executable, "-m", "mizzle", "migrate", "--targets", str(targets), "--parallel", str(parallel),
           "--continue-on-error", "--json", "--quiet"]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    first = time.perf_counter() - t0
    rep = json.loads(p.stdout)
    c = rep["counts"]
    print(f"one conflicting database, --continue-on-error: exit {p.returncode}, {c['ok']} ok, {c['failed']} "
          f"failed, {c['not run']} not run in {first:.1f} s", flush=True)
    assert p.returncode == 1 and c == {"ok": len(urls) - 1, "failed": 1, "not run": 0}, c
    with psycopg.connect(bad, autocommit=True) as conn:
        conn.execute('DROP TABLE public."t0"')
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    rerun = time.perf_counter() - t0
    rep = json.loads(p.stdout)
    touched = [t for t in rep["targets"] if t["applied"]]
    print(f"rerun after the fix: exit {p.returncode}, {len(touched)} database(s) migrated "
          f"({sum(t['applied'] for t in touched)} migrations), the other {len(urls) - len(touched)} applied 0, "
          f"in {rerun:.1f} s", flush=True)
    assert p.returncode == 0 and len(touched) == 1 and touched[0]["applied"] == migrations


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dbs", type=int, default=200)
    ap.add_argument("--migrations", type=int, default=50)
    ap.add_argument("--parallel", type=int, default=8)
    a = ap.parse_args()
    names = [f"mzbenchfleet_{uuid.uuid4().hex[:10]}" for _ in range(a.dbs)]
    urls = [bench_fleet.db_url(n) for n in names]
    print(f"host: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; {a.dbs} databases × "
          f"{a.migrations} migrations (2 statements each)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench_fleet.write_project(root, a.migrations)
        targets = root / "targets.txt"
        targets.write_text("\n".join(urls) + "\n")
        t0 = time.perf_counter()
        with psycopg.connect(ADMIN, autocommit=True) as c:
            for n in names:
                c.execute(f'CREATE DATABASE "{n}"')
        print(f"created {len(names)} databases in {time.perf_counter() - t0:.1f} s", flush=True)
        try:
            seq = measured(root, targets, 1, a.dbs * a.migrations)
            par = measured(root, targets, a.parallel, a.dbs * a.migrations)
            print(f"ratio --parallel {a.parallel} / sequential: {par / seq:.2f}× (issue 19's target: ≤ 0.35×)",
                  flush=True)
            failure_and_rerun(root, targets, urls, a.migrations, a.parallel)
        finally:
            with psycopg.connect(ADMIN, autocommit=True) as c:
                for n in names:
                    c.execute(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')


if __name__ == "__main__":
    main()
