"""Issue 18's performance table, every row measured in one run as a ratio to its reference.

    python benchmarks/bench_issue18.py [--rounds 3] [--tables 1000] [--rows verify,pull,pending,idle,check]

Each round runs every row's mizzle command and its reference one after the other (interleaved, so a busy
machine slows both alike); medians of the rounds are printed (wall time, and the CPU time of mizzle's process
tree, which a loaded machine inflates less), with the load average before and after — on a
shared machine the absolute numbers move a lot, the ratios much less. A CHECKPOINT before each timed command (not
timed) keeps one row's writes from landing on the next row's measurement. Reuses the inputs of the other scripts:
bench_migrate (1,000 one-table migrations, the psql script), bench_introspect (the 1,000-table database),
bench_generate (the 1,000-table Core schema).

Rows (target in brackets):
  verify    `mizzle verify` and `mizzle check --rebuild-snapshots` of ../shared/realworld/drizzle/dokploy (its
            stray files left out: a .sql not in the journal, `_journal.json.backup`) vs `mizzle migrate` of it into an empty database  [≤ 2×]
  pull      `mizzle pull --no-mark`, 1,000 tables (analyzed), vs `pg_dump -s` of the same database  [≤ 1.5×]
  pending   `mizzle migrate`, 1,000 pending one-table migrations vs psql running the same with a transaction and
            tracking row per migration  [≤ 0.9×]
  idle      `mizzle migrate`, nothing pending with 1,000 applied  [≤ 0.1 s; drizzle-orm's migrator for reference];
            also with MIZZLE_NO_FAST_PATH=1 (the click path, as before the fast path), as a ratio to the fast path
  check     `mizzle generate --check`, 1,000-table schema unchanged since the last generate  [≤ 0.2 s; importing
            the schema alone for reference]

Needs PostgreSQL (MIZZLE_BENCH_PG, default postgresql://postgres@127.0.0.1:5432/postgres), psql and pg_dump;
node + tests/interop/node_modules for the drizzle-orm reference (else reported missing). Always exits 0.
"""

from __future__ import annotations

import argparse
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_generate  # noqa: E402
import bench_introspect  # noqa: E402
import bench_migrate  # noqa: E402

ROOT = HERE.parent
ADMIN = bench_migrate.ADMIN  # the benchmark server (MIZZLE_BENCH_PG), defined once
DOKPLOY = ROOT.parent / "shared" / "realworld" / "drizzle" / "dokploy"
if not DOKPLOY.is_dir():
    DOKPLOY = Path("/work/shared/realworld/drizzle/dokploy")
MIZZLE = [str(Path(sys.executable).with_name("mizzle"))]
INTEROP = ROOT / "tests" / "interop"


def settle() -> None:
    """Before each timed command (not timed): a CHECKPOINT, so that the dirty pages and WAL the previous command
    left (a 1,000-table database made, one dropped) are written now rather than during the next command, whichever
    row it is. Without it, verify measured after the pending and pull rows took 3.0–3.2 s against 2.2 s alone."""
    with psycopg.connect(ADMIN, autocommit=True) as c:
        c.execute("CHECKPOINT")


class Run:
    def __init__(self, tables: int) -> None:
        self.n = tables
        self.tmp = Path(tempfile.mkdtemp(prefix="mizzle-bench18-"))
        self.dbs: list[str] = []
        self.times: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}  # CPU seconds (user + sys) of the command's process tree
        self.exits: dict[str, set[int]] = {}  # accepted non-zero exits (verify finding differences), reported

    def db(self) -> str:
        return bench_migrate.create_database(self.dbs, "mzb18")

    def cleanup(self) -> None:
        bench_migrate.drop_databases(self.dbs)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def time(self, key: str, cmd: list[str], cwd: Path, env: dict[str, str] | None = None,
             ok: tuple[int, ...] = (0,)) -> None:
        e = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        e.update(env or {})
        settle()
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu.setdefault(key, []).append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        if p.returncode not in ok:
            raise RuntimeError(f"{key}: {' '.join(cmd)} exited {p.returncode}: {(p.stderr or p.stdout).strip()[:400]}")
        self.times.setdefault(key, []).append(dt)
        if p.returncode:
            self.exits.setdefault(key, set()).add(p.returncode)

    # -- setups (not timed) -----------------------------------------------------------------------------

    def setup_verify(self) -> Callable[[], None]:
        proj = self.tmp / "verify"
        import json

        tags = {e["tag"] for e in json.loads((DOKPLOY / "meta" / "_journal.json").read_text())["entries"]}
        shutil.copytree(DOKPLOY, proj / "drizzle", ignore=lambda d, names: [  # the stray files moved out
            n for n in names if n.endswith(".backup") or (n.endswith(".sql") and n[:-4] not in tags)])
        (proj / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')

        def one() -> None:
            self.time("verify: mizzle migrate (reference)", [*MIZZLE, "migrate", "-q"], proj, {"DATABASE_URL": self.db()})
            self.time("verify: mizzle verify", [*MIZZLE, "verify", "-q", "--url", ADMIN], proj, ok=(0, 3))
            rebuild = self.tmp / f"rebuild_{uuid.uuid4().hex[:6]}"
            shutil.copytree(proj, rebuild)
            for snap in (rebuild / "drizzle" / "meta").glob("*_snapshot.json"):
                snap.unlink()
            self.time("verify: mizzle check --rebuild-snapshots", [*MIZZLE, "check", "-q", "--rebuild-snapshots",
                                                                   "--scratch-url", ADMIN], rebuild, ok=(0, 3))
            shutil.rmtree(rebuild)
        return one

    def setup_pull(self) -> Callable[[], None]:
        url = self.db()
        with psycopg.connect(url, autocommit=True) as c:  # a statement at a time: 1,000 tables in one
            for stmt in bench_introspect.build_sql(self.n).split("\n"):  # transaction can exhaust the lock table
                c.execute(stmt)
            # the catalogue's statistics brought up to date, as autovacuum does on any real database: a database
            # just made plans with an empty one's (session 22: that hid JIT compiling pull's not-managed listing)
            c.execute("ANALYZE")
        proj = self.tmp / "pull"
        proj.mkdir()
        (proj / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "drizzle"\n'
                                          'schema_filter = ["public", "sales", "ops"]\n')

        def one() -> None:
            self.time("pull: pg_dump -s (reference)", ["pg_dump", "-s", "-f", str(self.tmp / "dump.sql"), url], proj)
            shutil.rmtree(proj / "drizzle", ignore_errors=True)
            shutil.rmtree(proj / "app", ignore_errors=True)
            self.time("pull: mizzle pull", [*MIZZLE, "pull", "-q", "--no-mark", "--url", url], proj)
        return one

    def setup_migrate(self) -> tuple[Callable[[], None], Callable[[], None]]:
        proj = self.tmp / "migrate"
        proj.mkdir()
        folder = bench_migrate.write_folder(proj, self.n)
        each = bench_migrate.psql_script(proj, folder, self.n, one_transaction=False)
        applied: dict[str, str] = {}
        node = shutil.which("node") if (INTEROP / "node_modules" / "drizzle-orm").is_dir() else None

        def pending() -> None:
            url = self.db()
            self.time("pending: psql, tx per migration (reference)",
                      ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(each)], proj)
            url = self.db()
            self.time("pending: mizzle migrate", [*MIZZLE, "migrate", "-q"], proj, {"DATABASE_URL": url})
            applied["url"] = url

        def idle() -> None:
            if "url" not in applied:
                pending()
            url = applied["url"]
            if node:
                self.time("idle: drizzle-orm migrator (reference)", [node, "migrate.mjs", url, str(folder)], INTEROP)
            self.time("idle: mizzle migrate", [*MIZZLE, "migrate", "-q"], proj, {"DATABASE_URL": url})
            self.time("idle: mizzle migrate, click path", [*MIZZLE, "migrate", "-q"], proj,
                      {"DATABASE_URL": url, "MIZZLE_NO_FAST_PATH": "1"})
        return pending, idle

    def setup_check(self) -> Callable[[], None]:
        proj = self.tmp / "check"
        proj.mkdir()
        (proj / "bench_schema.py").write_text(bench_generate.sqlalchemy_core_schema(self.n, None))
        (proj / "mizzle.toml").write_text(bench_generate.MIZZLE_TOML)
        subprocess.run([*MIZZLE, "generate", "-q"], cwd=proj, check=True, capture_output=True)
        subprocess.run([*MIZZLE, "generate", "--check"], cwd=proj, check=True, capture_output=True)  # warm

        def one() -> None:
            self.time("check: import the schema alone (reference)",
                      [sys.executable, "-c", bench_generate.FROZEN_IMPORT], proj)
            self.time("check: mizzle generate --check", [*MIZZLE, "generate", "--check"], proj)
        return one


ROWS = {  # row → (mizzle key, reference key, target ratio or absolute seconds)
    "verify": [("verify: mizzle verify", "verify: mizzle migrate (reference)", 2.0, None),
               ("verify: mizzle check --rebuild-snapshots", "verify: mizzle migrate (reference)", 2.0, None)],
    "pull": [("pull: mizzle pull", "pull: pg_dump -s (reference)", 1.5, None)],
    "pending": [("pending: mizzle migrate", "pending: psql, tx per migration (reference)", 0.9, None)],
    "idle": [("idle: mizzle migrate", "idle: drizzle-orm migrator (reference)", None, 0.1),
             # the same run with the fast path off (MIZZLE_NO_FAST_PATH=1): what it buys
             ("idle: mizzle migrate, click path", "idle: mizzle migrate", None, 0.1)],
    "check": [("check: mizzle generate --check", "check: import the schema alone (reference)", None, 0.2)],
}


def compile_mizzle() -> None:
    """Write mizzle's bytecode (.pyc) as `pip install` does. From a source checkout under PYTHONDONTWRITEBYTECODE=1
    (set on some machines) every command would otherwise compile each module it imports, every time: ~40 ms
    of `mizzle migrate` with nothing to do, which no installed mizzle pays; and the dataclasses' code, which the
    first run of a command caches. Said in the output."""
    import mizzle

    src = Path(mizzle.__file__).resolve().parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True, capture_output=True)
    # the code dataclasses compiles, cached by the first run of a command (cli/dataclass_code_cache.py) unless
    # Python is told not to write bytecode: written here as that first run would
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    warm = ("import importlib, pkgutil, mizzle; from mizzle.cli import dataclass_code_cache as d; d.install(); "
            "[importlib.import_module(m.name) for m in pkgutil.walk_packages(mizzle.__path__, 'mizzle.') "
            "if m.name not in ('mizzle.__main__', 'mizzle.pytest_plugin')]")
    subprocess.run([sys.executable, "-c", warm], check=True, capture_output=True, env=env)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--rows", default=",".join(ROWS))
    args = ap.parse_args()
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    if unknown := [r for r in rows if r not in ROWS]:
        ap.error(f"unknown rows {unknown}; choose from {list(ROWS)}")
    compile_mizzle()
    load_before = os.getloadavg()
    run = Run(args.tables)
    try:
        steps: list[Callable[[], None]] = []
        if "verify" in rows:
            steps.append(run.setup_verify())
        if "pull" in rows:
            steps.append(run.setup_pull())
        if "pending" in rows or "idle" in rows:
            pending, idle = run.setup_migrate()
            steps += [pending] if "pending" in rows else []
            steps += [idle] if "idle" in rows else []
        if "check" in rows:
            steps.append(run.setup_check())
        for rnd in range(args.rounds):
            for step in steps[rnd % len(steps):] + steps[:rnd % len(steps)]:
                step()
            print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr)
    finally:
        run.cleanup()
    load_after = os.getloadavg()
    med = {k: statistics.median(v) for k, v in run.times.items()}
    print(f"issue 18, {args.tables} tables, medians of {args.rounds} interleaved rounds, {os.cpu_count()} CPUs; "
          "mizzle's bytecode compiled first, as an install does, and its dataclasses' code cached, as a first run does")
    print(f"load average before {load_before[0]:.2f} / after {load_after[0]:.2f} (1 min)"
          + ("  — the machine is shared and loaded: absolute times are inflated, ratios less so"
             if max(load_before[0], load_after[0]) > (os.cpu_count() or 1) / 2 else ""))
    for row in rows:
        for mine, ref, ratio_target, abs_target in ROWS[row]:
            if mine not in med:
                continue
            r = med.get(ref)
            ref_text = f"{ref.split(': ', 1)[1]} {r:.3f} s" if r else f"{ref.split(': ', 1)[1]} missing"
            ratio = f"{med[mine] / r:.2f}×" if r else "-"
            if ratio_target is not None:
                verdict = "PASS" if r and med[mine] / r <= ratio_target else "FAIL"
                target = f"≤ {ratio_target}×"
            else:
                verdict = "PASS" if med[mine] <= (abs_target or 0) else "FAIL"
                target = f"≤ {abs_target} s"
            note = f"  (exit {sorted(run.exits[mine])}: it found differences)" if mine in run.exits else ""
            cpu = f"cpu {statistics.median(run.cpu[mine]):.3f} s"
            print(f"  {mine:45s} {med[mine]:7.3f} s ({cpu}) | {ref_text:55s} | {ratio:>7s} | target {target:8s} "
                  f"{verdict}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
