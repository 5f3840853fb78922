"""Benchmark `mizzle migrate` against psql, drizzle-orm's migrator and Alembic, side by side in one run.

    python benchmarks/bench_migrate.py [--n 1000] [--idle-runs 9] [--pending-runs 1]

Needs PostgreSQL (MIZZLE_BENCH_PG, default postgresql://postgres@127.0.0.1:5432/postgres), `psql`, and
optionally node + tests/interop/node_modules (drizzle-orm) and the `alembic` package; whatever is missing
is reported as such. Issue 3's targets are printed next to the measurements.

Scenarios:
  pending   N small migrations (CREATE TABLE + CREATE INDEX) on a fresh database
            psql baseline: the same SQL plus one tracking-row INSERT per migration, one session,
            one transaction per migration (and, for `--transaction all`, one transaction in all)
  nothing   N applied, nothing pending (hashes still verified), median of several runs
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
INTEROP = ROOT / "tests" / "interop"
ADMIN = os.environ.get("MIZZLE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BASE_WHEN = 1_700_000_000_000
BREAK = "\n--> statement-breakpoint\n"


def migration_sql(i: int) -> list[str]:
    return [f'CREATE TABLE "t{i}" ("id" serial PRIMARY KEY, "name" text NOT NULL)',
            f'CREATE INDEX "t{i}_name_idx" ON "t{i}" ("name")']


def write_folder(root: Path, n: int) -> Path:
    folder = root / "drizzle"
    (folder / "meta").mkdir(parents=True)
    entries = []
    for i in range(n):
        tag = f"{i:04d}_m{i}"
        (folder / f"{tag}.sql").write_text(BREAK.join(s + ";" for s in migration_sql(i)), encoding="utf-8")
        entries.append({"idx": i, "version": "7", "when": BASE_WHEN + i, "tag": tag, "breakpoints": True})
    (folder / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                               "entries": entries}, indent=2))
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    return folder


def psql_script(root: Path, folder: Path, n: int, one_transaction: bool) -> Path:
    from mizzle.migrations.folder import migration_hash, read_sql_text

    lines = ['CREATE SCHEMA IF NOT EXISTS "drizzle";',
             'CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, '
             "created_at bigint);"]
    if one_transaction:
        lines.append("BEGIN;")
    for i in range(n):
        h = migration_hash(read_sql_text(folder / f"{i:04d}_m{i}.sql"))
        if not one_transaction:
            lines.append("BEGIN;")
        lines += [s + ";" for s in migration_sql(i)]
        lines.append(f"INSERT INTO \"drizzle\".\"__drizzle_migrations\" (hash, created_at) VALUES ('{h}', {BASE_WHEN + i});")
        if not one_transaction:
            lines.append("COMMIT;")
    if one_transaction:
        lines.append("COMMIT;")
    p = root / ("all.sql" if one_transaction else "each.sql")
    p.write_text("\n".join(lines) + "\n")
    return p


def alembic_project(root: Path, n: int) -> Path | None:
    try:
        import alembic  # noqa: F401
    except ImportError:
        return None
    proj = root / "alembic_proj"
    versions = proj / "versions"
    versions.mkdir(parents=True)
    (proj / "env.py").write_text(
        "import os\nfrom alembic import context\nfrom sqlalchemy import create_engine\n"
        "engine = create_engine(os.environ['BENCH_URL'].replace('postgresql://', 'postgresql+psycopg://', 1))\n"
        "with engine.connect() as conn:\n"
        "    context.configure(connection=conn, target_metadata=None)\n"
        "    with context.begin_transaction():\n"
        "        context.run_migrations()\n")
    (proj / "script.py.mako").write_text("")
    for i in range(n):
        down = f'"r{i - 1:04d}"' if i else "None"
        stmts = "\n".join(f"    op.execute({s!r})" for s in migration_sql(i))
        (versions / f"r{i:04d}.py").write_text(
            f'from alembic import op\nrevision = "r{i:04d}"\ndown_revision = {down}\nbranch_labels = None\n'
            f"depends_on = None\n\ndef upgrade():\n{stmts}\n\ndef downgrade():\n    pass\n")
    ini = root / "alembic.ini"
    ini.write_text(f"[alembic]\nscript_location = {proj}\n")
    return ini


def create_database(created: list[str], prefix: str) -> str:
    """A new, uniquely named database on the benchmark server (its name appended to `created`); its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    created.append(name)
    return ADMIN.rsplit("/", 1)[0] + "/" + name


def drop_databases(created: list[str]) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as c:
        for name in created:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Bench:
    def __init__(self, n: int, idle_runs: int, pending_runs: int) -> None:
        self.n = n
        self.idle_runs = idle_runs
        self.pending_runs = pending_runs
        self.tmp = Path(tempfile.mkdtemp(prefix="mizzle-bench-"))
        self.folder = write_folder(self.tmp, n)
        self.dbs: list[str] = []
        self.results: dict[str, dict[str, float | str]] = {}
        self.cpu: list[float] = []  # CPU seconds (user + sys) of each run's process tree, in order of self.run calls
        self.node = shutil.which("node") if (INTEROP / "node_modules" / "drizzle-orm").is_dir() else None
        self.psql = shutil.which("psql")
        self.mizzle = [sys.executable, "-m", "mizzle"]
        exe = Path(sys.executable).parent / "mizzle"
        if exe.exists():
            self.mizzle = [str(exe)]
        self.alembic_ini = alembic_project(self.tmp, n)

    def fresh_db(self) -> str:
        return create_database(self.dbs, "mzbench")

    def cleanup(self) -> None:
        drop_databases(self.dbs)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self, cmd: list[str], url: str, cwd: Path | None = None) -> float:
        env = {**os.environ, "DATABASE_URL": url, "BENCH_URL": url}
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd or self.tmp, env=env, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()[:500]}")
        return dt

    # -- commands --------------------------------------------------------------------------------------

    def tools(self) -> dict[str, Callable[[str], list[str]] | None]:
        return {
            "mizzle (each)": lambda url: [*self.mizzle, "migrate", "-q"],
            "mizzle --transaction all": lambda url: [*self.mizzle, "migrate", "-q", "--transaction", "all"],
            "psql, tx per migration": (lambda url: [self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f",
                                                    str(self.each_sql)]) if self.psql else None,
            "psql, one tx": (lambda url: [self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f",
                                          str(self.all_sql)]) if self.psql else None,
            "drizzle-orm migrator (node)": (lambda url: [self.node, "migrate.mjs", url, str(self.folder)])
            if self.node else None,
            "alembic upgrade head": (lambda url: [sys.executable, "-m", "alembic", "-c", str(self.alembic_ini),
                                                  "upgrade", "head"]) if self.alembic_ini else None,
        }

    def measure(self) -> None:
        """Tools take turns (round-robin), so a busy machine slows them alike; medians are reported."""
        self.each_sql = psql_script(self.tmp, self.folder, self.n, one_transaction=False)
        self.all_sql = psql_script(self.tmp, self.folder, self.n, one_transaction=True)
        tools = {k: v for k, v in self.tools().items() if v is not None}
        for name, cmd in self.tools().items():
            self.results[name] = {"pending": "missing", "nothing": "missing"} if cmd is None else {}
        pending: dict[str, list[float]] = {k: [] for k in tools}
        pending_cpu: dict[str, list[float]] = {k: [] for k in tools}
        applied: dict[str, str] = {}
        order = list(tools.items())
        for rnd in range(self.pending_runs):
            # each round starts with the next tool, so whatever slows a round's first run (a checkpoint, say)
            # does not always fall on the same one
            k = rnd % len(order)
            for name, cmd in order[k:] + order[:k]:
                url = self.fresh_db()
                cwd = INTEROP if "node" in name else self.tmp
                pending[name].append(self.run(cmd(url), url, cwd))
                pending_cpu[name].append(self.cpu[-1])
                applied[name] = url
                print(f"  round {rnd + 1}: {name}: {self.n} pending in {pending[name][-1]:.2f} s", file=sys.stderr)
        for name, times in pending.items():
            self.results[name]["pending"] = statistics.median(times)
            self.results[name]["pending best"] = min(times)
            self.results[name]["pending cpu"] = statistics.median(pending_cpu[name])
        query = "SELECT id, hash, created_at FROM drizzle.__drizzle_migrations ORDER BY created_at DESC LIMIT 1"
        py = [sys.executable, "-c", f"import psycopg,os; c=psycopg.connect(os.environ['BENCH_URL'], autocommit=True); "
                                    f"c.execute({query!r}).fetchall()"]
        ref = applied["mizzle (each)"]
        idle: dict[str, tuple[list[str], str, Path]] = {
            name: (cmd(applied[name]), applied[name], INTEROP if "node" in name else self.tmp)
            for name, cmd in tools.items() if not name.startswith("psql")}
        idle["python + psycopg + one query"] = (py, ref, self.tmp)
        if self.psql:
            idle["psql + one query"] = ([self.psql, "-X", "-q", "-d", ref, "-c", query], ref, self.tmp)
        idle_times: dict[str, list[float]] = {k: [] for k in idle}
        idle_cpu: dict[str, list[float]] = {k: [] for k in idle}
        for cmd_, url, cwd in idle.values():
            self.run(cmd_, url, cwd)  # warm the page cache
        for _ in range(self.idle_runs):
            for name, (cmd_, url, cwd) in idle.items():
                idle_times[name].append(self.run(cmd_, url, cwd))
                idle_cpu[name].append(self.cpu[-1])
        for name, times in idle_times.items():
            self.results.setdefault(name, {"pending": "", "pending best": ""})["nothing"] = statistics.median(times)
            self.results[name]["nothing best"] = min(times)
            self.results[name]["nothing cpu"] = statistics.median(idle_cpu[name])

    def report(self) -> None:
        def fmt(v: float | str | None) -> str:
            return f"{v:8.3f} s" if isinstance(v, float) else f"{v or '':>10}"

        print(f"\nmizzle migrate benchmark: {self.n} migrations (CREATE TABLE + CREATE INDEX each), "
              f"PostgreSQL at {ADMIN.rsplit('@', 1)[-1].rsplit('/', 1)[0]}; medians of {self.pending_runs} "
              f"round(s) pending and {self.idle_runs} nothing-pending, tools taking turns")
        print(f"{'':34} {'pending':>10} {'(best)':>10} {'(cpu)':>10} {'nothing':>10} {'(best)':>10} {'(cpu)':>10}")
        for name, row in self.results.items():
            print(f"{name:34} {fmt(row.get('pending'))} {fmt(row.get('pending best'))} {fmt(row.get('pending cpu'))} "
                  f"{fmt(row.get('nothing'))} {fmt(row.get('nothing best'))} {fmt(row.get('nothing cpu'))}")
        print("(cpu: median CPU time of the tool's own processes, user + sys; the server's work is not in it)")
        r = self.results

        def ratio(a: str, b: str, key: str) -> str:
            x, y = r.get(a, {}).get(key), r.get(b, {}).get(key)
            xb, yb = r.get(a, {}).get(key + " best"), r.get(b, {}).get(key + " best")
            if not (isinstance(x, float) and isinstance(y, float)):
                return "n/a"
            best = f", best {xb / yb:.2f}×" if isinstance(xb, float) and isinstance(yb, float) else ""
            return f"{x / y:.2f}×{best}"

        print("\ntargets (issue 3):")
        print(f"  pending, each: mizzle / psql tx-per-migration = {ratio('mizzle (each)', 'psql, tx per migration', 'pending')}"
              " (≤ 1.15×)")
        print(f"  pending, all:  mizzle / psql one tx           = "
              f"{ratio('mizzle --transaction all', 'psql, one tx', 'pending')} (≤ 1.15×)")
        print(f"  pending:       mizzle / drizzle-orm            = "
              f"{ratio('mizzle (each)', 'drizzle-orm migrator (node)', 'pending')} (≤ 1×)")
        nothing = r["mizzle (each)"].get("nothing")
        print(f"  nothing:       mizzle = {fmt(nothing).strip()} (≤ 0.2 s); mizzle / drizzle-orm = "
              f"{ratio('mizzle (each)', 'drizzle-orm migrator (node)', 'nothing')} (≤ 1.1×)")
        load = os.getloadavg()[0]
        print(f"  (load average {load:.1f} on {os.cpu_count()} CPUs: on a busy machine the ratios of the 'best' "
              "columns are the steadier ones)")
        missing = [k for k, v in r.items() if v.get("pending") == "missing"]
        if missing:
            print("missing (not measured): " + ", ".join(missing))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--idle-runs", type=int, default=15)
    ap.add_argument("--pending-runs", type=int, default=3)
    args = ap.parse_args()
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        # A pip-installed mizzle has compiled bytecode; without it every run would recompile mizzle's
        # sources, which psycopg and click (compiled at install) do not pay. Compile to a private cache.
        cache = Path(tempfile.gettempdir()) / "mizzle-bench-pycache"
        os.environ.pop("PYTHONDONTWRITEBYTECODE")
        os.environ["PYTHONPYCACHEPREFIX"] = str(cache)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "mizzle")], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"(PYTHONDONTWRITEBYTECODE was set: using compiled bytecode in {cache}, as an installed package "
              "would)", file=sys.stderr)
    b = Bench(args.n, args.idle_runs, args.pending_runs)
    try:
        b.measure()
        b.report()
    finally:
        b.cleanup()


if __name__ == "__main__":
    main()
