"""Benchmark `mizzle generate` against `drizzle-kit generate` on one large schema, side by side in one run.

    python benchmarks/bench_generate.py [--tables 1000] [--runs 5] [--keep]

Writes one synthetic schema in both spellings — a drizzle TypeScript schema + drizzle.config.ts and an
SQLAlchemy declarative module + mizzle.toml — into temp dirs: N tables, 10 columns of mixed types, 2
indexes and 1 foreign key to an earlier table each. Then measures whole-process wall time and peak RSS
(medians of --runs runs, after one unmeasured warm-up run that fills the OS and .pyc caches; the children
run with bytecode caching on even if PYTHONDONTWRITEBYTECODE is set here, as on a developer's machine):

  cold         empty migrations folder → one migration creating every table
  incremental  the folder already holds that first migration (each tool's own, reset before every run);
               the schema adds one column to one table
  import       `python -c "import schema"`: the floor, what importing the SQLAlchemy schema costs;
               mizzle's own work = mizzle's total − this

The SQLAlchemy schema is written twice: Core `Table`s, which the targets are judged on, and declarative classes
(SQLAlchemy 2.0 `Mapped[...]` annotations; reported for information). Why Core: the issue measured drizzle-kit
at 0.78 s cold and the schema import at 0.93 s / 114 MB. On this machine drizzle-kit takes the same 0.79 s,
and the Core spelling's import takes ~1.0 s (75 MB with .pyc caches, 115 MB without), while the declarative
spelling's import alone takes ~2.8 s (125-148 MB) — three times the issue's floor and 3.5 times drizzle-kit's
whole cold run, so no tool working after that import could meet a ratio to drizzle-kit on it.

Needs node + tests/interop/node_modules (`npm install` there); without them drizzle-kit is reported as
missing and only the absolute targets are judged. The issue's targets are printed next to the numbers
(PASS/FAIL); the script always exits 0.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INTEROP = ROOT / "tests" / "interop"
DRIZZLE_KIT = INTEROP / "node_modules" / ".bin" / "drizzle-kit"
GNU_TIME = Path("/usr/bin/time")
MIZZLE = Path(sys.executable).with_name("mizzle")
CHANGED_TABLE = 500  # the table that gains a column in the incremental scenario (clamped to N-1)


# -- the schema, in both spellings --------------------------------------------------------------

def _t(i: int) -> str:
    return f"t{i:04d}"


def drizzle_schema(n: int, extra_in: int | None) -> str:
    out = ["import { pgTable, serial, varchar, text, integer, numeric, boolean, timestamp, jsonb, uuid, date, index }"
           " from 'drizzle-orm/pg-core';", "import { sql } from 'drizzle-orm';", ""]
    for i in range(n):
        t = _t(i)
        ref = f"\n  parentId: integer('parent_id').references(() => {_t(i - 1)}.id, {{ onDelete: 'cascade' }})," \
            if i > 0 else "\n  parentId: integer('parent_id'),"
        extra = "\n  extra: text('extra')," if extra_in == i else ""
        out.append(f"""export const {t} = pgTable('{t}', {{
  id: serial('id').primaryKey(),
  name: varchar('name', {{ length: 255 }}).notNull(),
  description: text('description'),
  count: integer('count').notNull().default(0),
  amount: numeric('amount', {{ precision: 12, scale: 2 }}),
  isActive: boolean('is_active').notNull().default(true),
  createdAt: timestamp('created_at', {{ withTimezone: true }}).notNull().defaultNow(),
  data: jsonb('data'),
  externalId: uuid('external_id').default(sql`gen_random_uuid()`),{ref}
  bornOn: date('born_on'),{extra}
}}, (t) => [
  index('{t}_name_idx').on(t.name),
  index('{t}_created_count_idx').on(t.createdAt, t.count),
]);
""")
    return "\n".join(out)


def sqlalchemy_schema(n: int, extra_in: int | None) -> str:
    out = ['"""Synthetic benchmark schema (bench_generate.py)."""', "",
           "import datetime", "import decimal", "import uuid", "",
           "import sqlalchemy as sa",
           "from sqlalchemy.dialects import postgresql as pg",
           "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column", "", "",
           "class Base(DeclarativeBase):", "    pass", ""]
    for i in range(n):
        t = _t(i)
        fk = f"sa.ForeignKey('{_t(i - 1)}.id', ondelete='CASCADE')" if i > 0 else None
        parent = f"mapped_column({fk})" if fk else "mapped_column()"
        extra = "\n    extra: Mapped[str | None] = mapped_column(sa.Text)" if extra_in == i else ""
        out.append(f"""
class T{i:04d}(Base):
    __tablename__ = '{t}'
    __table_args__ = (
        sa.Index('{t}_name_idx', 'name'),
        sa.Index('{t}_created_count_idx', 'created_at', 'count'),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text)
    count: Mapped[int] = mapped_column(server_default='0')
    amount: Mapped[decimal.Decimal | None] = mapped_column(sa.Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(server_default=sa.true())
    created_at: Mapped[datetime.datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    data: Mapped[dict | None] = mapped_column(pg.JSONB)
    external_id: Mapped[uuid.UUID | None] = mapped_column(server_default=sa.text('gen_random_uuid()'))
    parent_id: Mapped[int | None] = {parent}
    born_on: Mapped[datetime.date | None] = mapped_column(){extra}
""")
    return "\n".join(out)


def sqlalchemy_core_schema(n: int, extra_in: int | None) -> str:
    """The same schema as Core `Table`s: no mapped classes, so a much cheaper import (for information next to the
    declarative spelling, which the targets are judged on)."""
    out = ['"""Synthetic benchmark schema, Core spelling (bench_generate.py)."""', "",
           "import sqlalchemy as sa",
           "from sqlalchemy.dialects import postgresql as pg", "",
           "metadata = sa.MetaData()", ""]
    for i in range(n):
        t = _t(i)
        fk = f"sa.ForeignKey('{_t(i - 1)}.id', ondelete='CASCADE')" if i > 0 else None
        parent = f"sa.Column('parent_id', sa.Integer, {fk})" if fk else "sa.Column('parent_id', sa.Integer)"
        extra = "\n    sa.Column('extra', sa.Text)," if extra_in == i else ""
        out.append(f"""
{t} = sa.Table(
    '{t}', metadata,
    sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('name', sa.String(255), nullable=False),
    sa.Column('description', sa.Text),
    sa.Column('count', sa.Integer, nullable=False, server_default='0'),
    sa.Column('amount', sa.Numeric(12, 2)),
    sa.Column('is_active', sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column('data', pg.JSONB),
    sa.Column('external_id', sa.Uuid, server_default=sa.text('gen_random_uuid()')),
    {parent},
    sa.Column('born_on', sa.Date),{extra}
    sa.Index('{t}_name_idx', 'name'),
    sa.Index('{t}_created_count_idx', 'created_at', 'count'),
)
""")
    return "\n".join(out)


DRIZZLE_CONFIG = """import { defineConfig } from 'drizzle-kit';

export default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' });
"""
FROZEN_IMPORT = "import gc; gc.disable(); import bench_schema; gc.freeze()"
MIZZLE_TOML = 'dialect = "postgresql"\nschema = ["bench_schema"]\nout = "drizzle"\n'


@dataclass
class Project:
    path: Path
    cmd: list[str]


def write_projects(root: Path, n: int) -> dict[str, Project]:
    """Six projects: {drizzle, mizzle (declarative), mizzle_core (Core tables)} × {v1: the base schema, v2: one
    column more}."""
    changed = min(CHANGED_TABLE, n - 1)
    out: dict[str, Project] = {}
    for v, extra in (("v1", None), ("v2", changed)):
        d = root / f"drizzle_{v}"
        d.mkdir()
        (d / "schema.ts").write_text(drizzle_schema(n, extra))
        (d / "drizzle.config.ts").write_text(DRIZZLE_CONFIG)
        if (INTEROP / "node_modules").is_dir():
            (d / "node_modules").symlink_to(INTEROP / "node_modules")  # so schema.ts resolves drizzle-orm
        out[f"drizzle_{v}"] = Project(d, [str(DRIZZLE_KIT), "generate", "--config", "drizzle.config.ts"])
        for tool, spell in (("mizzle", sqlalchemy_schema), ("mizzle_core", sqlalchemy_core_schema)):
            m = root / f"{tool}_{v}"
            m.mkdir()
            (m / "bench_schema.py").write_text(spell(n, extra))
            (m / "mizzle.toml").write_text(MIZZLE_TOML)
            out[f"{tool}_{v}"] = Project(m, [str(MIZZLE), "generate"])
    return out


# -- measuring ----------------------------------------------------------------------------------

@dataclass
class Sample:
    wall: float  # seconds
    rss_mb: float  # peak resident set size


def _env() -> dict[str, str]:
    """Bytecode caching on, as on a developer's machine: the warm-up run writes the .pyc files."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(cmd: list[str], cwd: Path) -> Sample:
    """Wall time from this process's clock; peak RSS from GNU time (%M, in KiB) or, failing that, from
    getrusage(RUSAGE_CHILDREN) in a fresh helper process (its maximum is over this one child only)."""
    if GNU_TIME.exists():
        with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
            start = time.perf_counter()
            p = subprocess.run([str(GNU_TIME), "-f", "%e %M", "-o", tf.name, *cmd], cwd=cwd, env=_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            wall = time.perf_counter() - start
            fields = tf.read().split()
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}:\n{p.stderr[-2000:]}")
        return Sample(wall, int(fields[-1]) / 1024)
    probe = ("import resource, subprocess, sys, time\n"
             "s = time.perf_counter(); r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
             "w = time.perf_counter() - s\n"
             "print(w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")
    p = subprocess.run([sys.executable, "-c", probe, *cmd], cwd=cwd, env=_env(), capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}:\n{p.stderr[-2000:]}")
    wall_s, rss_kb = p.stdout.split()[-2:]
    return Sample(float(wall_s), int(rss_kb) / 1024)


def measure(cmd: list[str], cwd: Path, runs: int, reset: Path | None = None, base: Path | None = None) -> Sample:
    """Median of `runs` runs after one warm-up; `reset` (the migrations folder) is emptied, or replaced by a
    copy of `base`, before every run."""
    samples = []
    for i in range(runs + 1):
        if reset is not None:
            shutil.rmtree(reset, ignore_errors=True)
            if base is not None:
                shutil.copytree(base, reset)
        s = run_once(cmd, cwd)
        if i:
            samples.append(s)
    return Sample(statistics.median(s.wall for s in samples), statistics.median(s.rss_mb for s in samples))


def first_migration(p: Project) -> Path:
    """Run the tool once on the v1 schema and keep the folder it wrote: the incremental runs' starting point."""
    folder = p.path / "drizzle"
    shutil.rmtree(folder, ignore_errors=True)
    run_once(p.cmd, p.path)
    base = p.path / "base_folder"
    shutil.rmtree(base, ignore_errors=True)
    shutil.copytree(folder, base)
    return base


# -- report -------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir and print its path")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mizzle-bench-generate-"))
    try:
        projects = write_projects(tmp, args.tables)
        have_drizzle = DRIZZLE_KIT.exists() and shutil.which("node") is not None
        results: dict[str, Sample | None] = {}
        for tool in ("drizzle", "mizzle", "mizzle_core"):
            if tool == "drizzle" and not have_drizzle:
                results["drizzle_cold"] = results["drizzle_incremental"] = None
                continue
            v1, v2 = projects[f"{tool}_v1"], projects[f"{tool}_v2"]
            print(f"measuring {tool} cold …", file=sys.stderr)
            results[f"{tool}_cold"] = measure(v1.cmd, v1.path, args.runs, reset=v1.path / "drizzle")
            base = first_migration(v1)
            print(f"measuring {tool} incremental …", file=sys.stderr)
            results[f"{tool}_incremental"] = measure(v2.cmd, v2.path, args.runs, reset=v2.path / "drizzle", base=base)
        print("measuring the plain import …", file=sys.stderr)
        for tool in ("mizzle", "mizzle_core"):
            key = "import" if tool == "mizzle" else "import_core"
            results[key] = measure([sys.executable, "-c", "import bench_schema"], projects[f"{tool}_v1"].path,
                                   args.runs)
            # mizzle's CLI imports the schema with the cyclic collector paused and freezes what it built
            # (sources/loader.py), which also speeds the import up: this floor is the like-for-like one (printed
            # for information; the targets use the plain import, as specified)
            results[key + "_nogc"] = measure([sys.executable, "-c", FROZEN_IMPORT], projects[f"{tool}_v1"].path,
                                             args.runs)
        report(results, args.tables, args.runs)
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def report(r: dict[str, Sample | None], n: int, runs: int) -> None:
    imp = r["import"]
    assert imp is not None
    print(f"\n`generate` on {n} tables (10 columns, 2 indexes, 1 FK each); medians of {runs} runs; "
          f"load average {os.getloadavg()[0]:.2f}\n")
    print(f"{'scenario':<44}{'wall s':>9}{'peak MB':>10}")
    rows = [("drizzle-kit generate, cold", r["drizzle_cold"]),
            ("drizzle-kit generate, incremental", r["drizzle_incremental"]),
            ("Core spelling: mizzle generate, cold", r["mizzle_core_cold"]),
            ("Core spelling: mizzle generate, incremental", r["mizzle_core_incremental"]),
            ("Core spelling: python -c 'import schema'", r["import_core"]),
            ("  the same, collector paused + frozen", r["import_core_nogc"]),
            ("declarative: mizzle generate, cold", r["mizzle_cold"]),
            ("declarative: mizzle generate, incremental", r["mizzle_incremental"]),
            ("declarative: python -c 'import schema'", imp),
            ("  the same, collector paused + frozen", r["import_nogc"])]
    for label, s in rows:
        print(f"{label:<44}" + (f"{s.wall:>9.3f}{s.rss_mb:>10.1f}" if s else f"{'missing':>19}"))
    print()
    print(f"{'target (Core spelling; see the docstring)':<50}{'measured':>12}{'limit':>10}  verdict")

    def line(label: str, value: float, limit: float, unit: str) -> None:
        print(f"{label:<50}{value:>11.3f}{unit}{limit:>9.2f}{unit}  {verdict(value <= limit)}")

    for prefix, tool, floor in (("", "mizzle_core", "import_core"), ("Decl: ", "mizzle", "import")):
        if prefix:
            print(f"{'(declarative spelling, for information)':<50}")
        base, frozen = r[floor], r[floor + "_nogc"]
        assert base is not None and frozen is not None
        for scen, own_limit in (("cold", 0.25), ("incremental", 0.15)):
            m = r[f"{tool}_{scen}"]
            assert m is not None
            line(f"{prefix}mizzle's own work, {scen} (total - import)", m.wall - base.wall, own_limit, "s")
            print(f"{'  (total - import paused + frozen)':<50}{m.wall - frozen.wall:>11.3f}s")
        for scen, ratio in (("cold", 1.5), ("incremental", 1.0)):
            m, d = r[f"{tool}_{scen}"], r[f"drizzle_{scen}"]
            assert m is not None
            if d is None:
                print(f"{prefix + 'wall vs drizzle-kit, ' + scen:<50}{'(drizzle-kit missing)':>22}")
                continue
            line(f"{prefix}wall vs drizzle-kit, {scen} (ratio)", m.wall / d.wall, ratio, "x")
        for scen in ("cold", "incremental"):
            m, d = r[f"{tool}_{scen}"], r[f"drizzle_{scen}"]
            assert m is not None
            if d is None:
                continue
            line(f"{prefix}peak memory vs drizzle-kit, {scen} (ratio)", m.rss_mb / d.rss_mb, 1.0, "x")


if __name__ == "__main__":
    sys.exit(main())
