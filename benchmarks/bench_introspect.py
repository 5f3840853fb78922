"""Introspecting a 1,000-table PostgreSQL database: mizzle vs `pg_dump -s` vs SQLAlchemy `MetaData.reflect`
(vs `drizzle-kit pull`, once, with --drizzle). Medians of 5 runs; the target is mizzle ≤ 1.5 × pg_dump.

    python benchmarks/bench_introspect.py [--url postgresql://postgres@127.0.0.1/postgres] [--tables 1000]
                                          [--runs 5] [--drizzle] [--keep]

mizzle and SQLAlchemy are timed in-process from connect to model (imports done beforehand); pg_dump and
drizzle-kit as the commands a user runs. The benchmark database (mizzle_bench_<n>) is built once and dropped
at the end unless --keep.
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
from collections.abc import Callable
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def build_sql(n: int) -> str:
    """n tables of 10 columns, 2 indexes and 1 foreign key each (to the previous table), in 3 schemas."""
    out = ["CREATE SCHEMA IF NOT EXISTS sales; CREATE SCHEMA IF NOT EXISTS ops;",
           "CREATE TYPE public.state AS ENUM ('new', 'open', 'closed');"]
    schemas = ("public", "sales", "ops")
    for i in range(n):
        s = schemas[i % 3]
        ref = f"{schemas[(i - 1) % 3]}.t{i - 1}" if i else None
        out.append(
            f"CREATE TABLE {s}.t{i} (id bigserial PRIMARY KEY, name varchar(120) NOT NULL, "
            f"email text, state public.state NOT NULL DEFAULT 'new', amount numeric(12, 2) DEFAULT 0, "
            f"created_at timestamptz NOT NULL DEFAULT now(), flags boolean DEFAULT false, tags text[], "
            f"payload jsonb DEFAULT '{{}}'::jsonb, parent_id bigint"
            + (f", CONSTRAINT t{i}_parent_fk FOREIGN KEY (parent_id) REFERENCES {ref}(id) ON DELETE CASCADE"
               if ref else "") + ");")
        out.append(f"CREATE INDEX t{i}_name_idx ON {s}.t{i} (name);")
        out.append(f"CREATE INDEX t{i}_lower_email_idx ON {s}.t{i} (lower(email)) WHERE state <> 'closed';")
    return "\n".join(out)


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=os.environ.get("MIZZLE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--tables", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--drizzle", action="store_true", help="also time `drizzle-kit pull` once (slow)")
    ap.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = ap.parse_args()

    from mizzle.dburl import parse_url
    from mizzle.sources.database import introspect_url, scope_for

    admin_url = args.url
    name = f"mizzle_bench_{args.tables}"
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin_url, autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            c.execute(f'CREATE DATABASE "{name}"')
    if not exists:
        t0 = time.perf_counter()
        with psycopg.connect(url, autocommit=True) as c:
            c.execute(build_sql(args.tables).encode())
        print(f"built {name}: {args.tables} tables in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    try:
        db = parse_url(url)
        scope = scope_for(None)
        model = introspect_url(db, scope)
        assert len(model.tables) == args.tables, len(model.tables)
        results: list[tuple[str, float | None, str]] = []

        mizzle_s = median_time(lambda: introspect_url(db, scope), args.runs)
        results.append(("mizzle introspect", mizzle_s, f"{len(model.tables)} tables → schema model"))

        pg_dump = shutil.which("pg_dump")
        dump_s = None
        if pg_dump:
            dump_s = median_time(lambda: subprocess.run([pg_dump, "-s", url], check=True, capture_output=True),
                                 args.runs)
            results.append(("pg_dump -s", dump_s, "DDL text"))

        import sqlalchemy as sa

        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))

        def reflect() -> None:
            md = sa.MetaData()
            with engine.connect() as conn:
                for s in ("public", "sales", "ops"):
                    md.reflect(conn, schema=s)
            engine.dispose()

        results.append(("SQLAlchemy MetaData.reflect", median_time(reflect, args.runs), "3 schemas"))

        if args.drizzle:
            results.append(("drizzle-kit pull (1 run)", _drizzle_pull(url), "0.31"))

        print(f"\nIntrospecting {args.tables} tables (~10 columns, 2 indexes, 1 FK each); median of {args.runs}\n")
        print(f"{'tool':32} {'seconds':>9} {'× pg_dump':>10}  note")
        for tool, secs, note in results:
            ratio = f"{secs / dump_s:.2f}" if secs is not None and dump_s else "—"
            print(f"{tool:32} {secs if secs is not None else float('nan'):9.3f} {ratio:>10}  {note}")
        if dump_s:
            ratio = mizzle_s / dump_s
            print(f"\ntarget: mizzle ≤ 1.5 × pg_dump -s → {ratio:.2f} × ({'met' if ratio <= 1.5 else 'NOT met'})")
    finally:
        if not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _drizzle_pull(url: str) -> float | None:
    kit = ROOT / "tests" / "interop" / "node_modules" / ".bin" / "drizzle-kit"
    if not kit.exists():
        print("drizzle-kit not installed (npm ci in tests/interop); skipped", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as d:
        cfg = Path(d) / "drizzle.config.json"
        cfg.write_text('{"dialect": "postgresql", "out": "./out", "schemaFilter": ["public", "sales", "ops"], '
                       f'"dbCredentials": {{"url": "{url}"}}}}')
        t0 = time.perf_counter()
        p = subprocess.run([str(kit), "pull", "--config", str(cfg)], cwd=d, capture_output=True, text=True,
                           timeout=900)
        took = time.perf_counter() - t0
        if p.returncode != 0:
            print(f"drizzle-kit pull failed: {(p.stderr or p.stdout).strip()[:300]}", file=sys.stderr)
            return None
        return took


if __name__ == "__main__":
    main()
