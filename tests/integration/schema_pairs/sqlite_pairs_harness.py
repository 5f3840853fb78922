"""The SQLite form of pairs_harness.py, run by hand (not collected by pytest; no other tool's cases are committed).

For each CASE directory holding a.sql and b.sql (either may be empty): build A and B as SQLite files, `mizzle pull`
A (its baseline, marked applied), pull B as schema code into A's project, `generate --no-renames`, `migrate` A,
then compare A with B twice — by mizzle's own introspection (`schema.compare.lines`) and by SQLite's catalogue
alone (sqlite_master's names and kinds, PRAGMA table_xinfo, index_list / index_xinfo, foreign_key_list, and the
normalised SQL of views and triggers) — and run `generate --check` and `drift`. One line per case and its findings.

    python tests/integration/schema_pairs/sqlite_pairs_harness.py DIR [CASE ...]

sqldef's SQLite cases (cmd/sqlite3def/tests*.yml: `current` → a.sql, `desired` → b.sql) were run this way; what
they found is rebuilt in our own SQL in tests/integration/sqlite/test_sqlite_pairs_found.py."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "support"))  # run as a script too
import mizzle_fork  # noqa: E402

EMPTY_SCHEMA = "import sqlalchemy as sa\n\nmetadata = sa.MetaData()\n"
TRACKING = ("__drizzle_migrations", "__mizzle_")
WARNINGS = ("cannot express", "does not load", "not managed", "does not manage")


def mizzle(cwd: Path, *args: str) -> Any:
    """`python -m mizzle *args` in `cwd`, forked from a process that has imported its dependencies (a speed trick:
    tests/support/mizzle_fork.py); .returncode, .stdout, .stderr as subprocess.run gives them."""
    return mizzle_fork.run(list(args), cwd=cwd, timeout=600)


def first_error(r: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (r.stderr or r.stdout).splitlines() if line.strip()]
    return next((line for line in lines if line.startswith("error")), lines[-1] if lines else "")


def _norm_sql(sql: str) -> str:
    """Quotes, comments, layout and FOR EACH ROW (every SQLite trigger is one) left out."""
    text = re.sub(r"/\*.*?\*/|--[^\n]*", " ", sql or "", flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"[\"`\[\]]", "", text)).strip().lower()
    return re.sub(r"\s*([(),])\s*", r"\1", text.replace(" for each row", ""))


def catalogue(path: Path) -> dict[str, Any]:
    """What SQLite itself says about the database, without mizzle: one entry per object."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, Any] = {}
        rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        for kind, name, table, sql in rows:
            if name.startswith(("sqlite_", *TRACKING)) or table.startswith(TRACKING):
                continue
            if kind == "table":
                cols = conn.execute(f'PRAGMA table_xinfo("{name}")').fetchall()
                if [c[5] for c in cols if c[5]] == [1] and any(c[5] and c[2].lower() == "integer" for c in cols):
                    cols = [(*c[:3], 1, *c[4:]) if c[5] else c for c in cols]  # a rowid alias is never NULL
                fks = conn.execute(f'PRAGMA foreign_key_list("{name}")').fetchall()
                tail = (sql or "")[(sql or "").rfind(")") + 1:]
                out[f"table {name}"] = {
                    "columns": [(c[1], c[2].lower(), c[3], c[4], c[5], c[6]) for c in cols],
                    "foreign keys": sorted((f[2].lower(), *f[3:]) for f in fks),
                    "autoincrement": "autoincrement" in (sql or "").lower(),
                    "without rowid": bool(re.search(r"without\s+rowid", tail, re.I)),
                    "strict": bool(re.search(r"\bstrict\b", tail, re.I)),
                    "checks": sorted(_norm_sql(m) for m in re.findall(r"check\s*\((.*?)\)\s*[,)]", sql or "", re.I)),
                }
                for idx in conn.execute(f'PRAGMA index_list("{name}")').fetchall():
                    info = conn.execute(f'PRAGMA index_xinfo("{idx[1]}")').fetchall()
                    # keyed by what it indexes: a UNIQUE constraint is a named unique index in mizzle (documented)
                    key = f"index on {name} {[i[2] for i in info if i[5]]} unique={idx[2]} partial={idx[4]}"
                    out[key] = {
                        "origin": "pk" if idx[3] == "pk" else "",
                        "columns": [(i[2], i[3], (i[4] or "").lower()) for i in info if i[5]],
                    }
            elif kind in ("view", "trigger"):
                out[f"{kind} {name}"] = _norm_sql(sql)
            elif kind == "index" and sql:
                out.setdefault(f"index sql {name}", _norm_sql(sql))
        return out
    finally:
        conn.close()


def _project(path: Path, db: Path) -> Path:
    path.mkdir()
    (path / "mizzle.toml").write_text(f'dialect = "sqlite"\nschema = "schema.py"\nout = "migrations"\nurl = "sqlite:///{db}"\n')
    return path


def _pull(p1: Path, p2: Path) -> list[str]:
    found: list[str] = []
    for cwd, args, what in ((p1, ("pull",), "pull A"), (p2, ("pull", "--no-mark"), "pull B")):
        r = mizzle(cwd, *args)
        found += [f"{what} says: {line.strip()}" for line in (r.stdout + r.stderr).splitlines()
                  if any(w in line for w in WARNINGS)]
        if r.returncode and "nothing to pull" in r.stderr:
            (cwd / "schema.py").write_text(EMPTY_SCHEMA)
            continue
        if r.returncode:
            return found + [f"{what} rc {r.returncode}: {first_error(r)}"]
    return found


def _compare(a: Path, b: Path) -> list[str]:
    from mizzle.dialects.sqlite.introspect import introspect_path
    from mizzle.schema.compare import lines

    found = [f"mizzle's introspection: {x}" for x in lines(introspect_path(str(b)), introspect_path(str(a)))]
    ca, cb = catalogue(a), catalogue(b)
    for key in sorted(set(ca) | set(cb)):
        if key.startswith("index sql") and (key not in ca or key not in cb):
            continue  # which indexes exist is compared by what they index, above
        if ca.get(key) != cb.get(key):
            found.append(f"catalogue {key}: B {cb.get(key)} / A {ca.get(key)}")
    return found


def _steps(tmp: Path, a: Path, b: Path) -> list[str]:
    p1, p2 = _project(tmp / "a", a), _project(tmp / "b", b)
    found = _pull(p1, p2)
    if any(" rc " in x for x in found):
        return found
    shutil.copy(p2 / "schema.py", p1 / "schema.py")
    for args in (("generate", "--name", "to_b", "--no-renames"), ("migrate",)):
        if args[0] == "migrate" and not (p1 / "migrations").exists():
            break
        r = mizzle(p1, *args)
        if r.returncode not in (0, 1) or (args[0] == "migrate" and r.returncode):
            return found + [f"{args[0]} rc {r.returncode}: {first_error(r)}"]
    found += _compare(a, b)
    for args in (("generate", "--check"), ("drift",)):
        if not (p1 / "migrations").exists():
            break
        r = mizzle(p1, *args)
        if r.returncode:
            found.append(f"{args[0]} rc {r.returncode}: {first_error(r)}")
    return found


def run_case(case: Path) -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix=f"sqlpair_{case.name}_"))
    try:
        a, b = tmp / "a.db", tmp / "b.db"
        for db, sql in ((a, "a.sql"), (b, "b.sql")):
            conn = sqlite3.connect(db)
            try:
                conn.executescript((case / sql).read_text() if (case / sql).exists() else "")
            except sqlite3.Error as e:
                return [f"setup {sql} (the case's own SQL): {e}"]
            finally:
                conn.close()
        return _steps(tmp, a, b)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str]) -> int:
    root = Path(argv[0])
    names = argv[1:] or sorted(p.name for p in root.iterdir() if (p / "a.sql").exists() or (p / "b.sql").exists())
    for name in names:
        found = run_case(root / name)
        print(f"== {name}: {'clean' if not found else f'{len(found)} findings'}", flush=True)
        for line in found:
            print("   " + line, flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.splitlines()[7].strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
