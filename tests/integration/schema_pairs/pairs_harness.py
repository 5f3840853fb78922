"""Schema pairs from another schema-diff tool's test suite, run by hand (not collected by pytest; no fixtures are
committed: point it at a checkout of the other tool's cases).

For each CASE directory holding a.sql and b.sql (migra's tests/FIXTURES/<case>/ has this shape; convert other
suites to it): build A and B, `mizzle pull` A (its baseline, marked applied), pull B as schema code into A's
project, `generate --no-renames`, `migrate` A, then compare `pg_dump -s` of A with B, and run `generate --check`
and `drift`. Prints one line per case and its findings. What it found in session 5 is rebuilt in our own SQL in
tests/integration/postgres/test_schema_pairs_found.py.

    python tests/integration/schema_pairs/pairs_harness.py DIR [CASE ...]

Column order differs after ADD COLUMN (PostgreSQL appends): those dump lines are expected. Roles a case's SQL
uses without creating them must exist on the server first."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

SERVER = os.environ.get("MIZZLE_TEST_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "support"))  # run as a script too
import mizzle_fork  # noqa: E402

EMPTY_SCHEMA = "import sqlalchemy as sa\n\nmetadata = sa.MetaData()\n"
DUMP_NOISE = ("\\restrict", "\\unrestrict", "SET default_tablespace", "SET default_table_access_method", "--")


def psql(db: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{SERVER}/{db}", *args],
                       capture_output=True, text=True)
    if check and r.returncode:
        lines = r.stderr.strip().splitlines()
        raise RuntimeError(next((x for x in lines if "ERROR" in x), lines[-1] if lines else f"psql rc {r.returncode}"))
    return r


def dump(db: str) -> list[str]:
    r = subprocess.run(["pg_dump", "-s", "--no-owner", "-N", "drizzle", f"{SERVER}/{db}"],
                       capture_output=True, text=True, check=True)
    return [line for line in r.stdout.splitlines() if line.strip() and not line.startswith(DUMP_NOISE)]


def mizzle(cwd: Path, *args: str) -> Any:
    """`python -m mizzle *args` in `cwd`, forked from a process that has imported its dependencies (a speed trick:
    tests/support/mizzle_fork.py); .returncode, .stdout, .stderr as subprocess.run gives them."""
    return mizzle_fork.run(list(args), cwd=cwd, timeout=600)


def first_error(r: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (r.stderr or r.stdout).splitlines() if line.strip()]
    return next((line for line in lines if line.startswith("error")), lines[-1] if lines else "")


def _project(path: Path, db: str) -> Path:
    path.mkdir()
    (path / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n'
                                      f'url = "{SERVER}/{db}"\n')
    return path


def _steps(tmp: Path, a: str, b: str) -> list[str]:
    found: list[str] = []
    p1, p2 = _project(tmp / "a", a), _project(tmp / "b", b)
    for cwd, args, what in ((p1, ("pull",), "pull A"), (p2, ("pull", "--no-mark"), "pull B")):
        r = mizzle(cwd, *args)
        found += [f"{what} says: {line.strip()}" for line in (r.stdout + r.stderr).splitlines()
                  if any(w in line for w in ("cannot express", "does not load", "not managed", "does not manage"))]
        if r.returncode and "nothing to pull" in r.stderr:  # an empty side (psqldef's cases start from nothing)
            (cwd / "schema.py").write_text(EMPTY_SCHEMA)
            continue
        if r.returncode:
            return found + [f"{what} rc {r.returncode}: {first_error(r)}"]
    shutil.copy(p2 / "schema.py", p1 / "schema.py")
    for args in (("generate", "--name", "to_b", "--no-renames"), ("migrate",)):
        if args[0] == "migrate" and not (p1 / "migrations").exists():  # both sides empty: nothing to migrate
            break
        r = mizzle(p1, *args)
        if r.returncode not in (0, 1) or (args[0] == "migrate" and r.returncode):
            return found + [f"{args[0]} rc {r.returncode}: {first_error(r)}"]
    da, db_ = dump(a), dump(b)
    if sorted(x.rstrip(",") for x in da) != sorted(x.rstrip(",") for x in db_):
        found += [f"dump: {x}" for x in difflib.unified_diff(db_, da, "B", "A", lineterm="", n=0)
                  if not x.startswith(("---", "+++", "@@"))][:30]
    for args in (("generate", "--check"), ("drift",)):
        if not (p1 / "migrations").exists():
            break
        r = mizzle(p1, *args)
        if r.returncode:
            found.append(f"{args[0]} rc {r.returncode}: {first_error(r)}")
    return found


def run_case(case: Path) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    a, b = f"pair_a_{tag}", f"pair_b_{tag}"
    tmp = Path(tempfile.mkdtemp(prefix=f"pair_{case.name}_"))
    try:
        for db, sql in ((a, "a.sql"), (b, "b.sql")):
            psql("postgres", "-c", f'CREATE DATABASE "{db}"')
            try:
                psql(db, "-f", str(case / sql))
            except RuntimeError as e:
                return [f"setup {sql} (the case's own SQL): {e}"]
        return _steps(tmp, a, b)
    finally:
        for db in (a, b):
            psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)', check=False)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str]) -> int:
    root = Path(argv[0])
    names = argv[1:] or sorted(p.name for p in root.iterdir() if (p / "a.sql").exists())
    for name in names:
        found = run_case(root / name)
        print(f"== {name}: {'clean' if not found else f'{len(found)} findings'}", flush=True)
        for line in found:
            print("   " + line, flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.splitlines()[9].strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
