"""SQLAlchemy MetaData pairs (m1 → m2, as Alembic's autogenerate tests build them) run through mizzle as schema-code
changes, by hand (not collected by pytest; no other tool's code or cases are committed).

Each CASE directory holds pair.pickle: a pickled (m1, m2, options) tuple, captured from the other suite's own test
run. For the dialect given: schema code = m1, `generate` + `migrate` into X; schema code = m2, `generate
--no-renames` + `migrate` X; `generate --check` and `drift` must be clean; then X is compared with Y, a database
that `m2.create_all()` built — by `pg_dump -s` on PostgreSQL, by mizzle's introspection and SQLite's catalogue on
SQLite (sqlite_pairs_harness.catalogue). One line per case and its findings.

    python tests/integration/schema_pairs/metadata_pairs_harness.py postgresql|sqlite DIR [CASE ...]
"""

from __future__ import annotations

import difflib
import pickle
import re
import shutil
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from pairs_harness import SERVER, dump, first_error, mizzle, psql  # noqa: E402
from sqlite_pairs_harness import catalogue  # noqa: E402

SCHEMA = "import pickle\n\nwith open({path!r}, 'rb') as f:\n    metadata = pickle.load(f)[{i}]\n"
PG_SCHEMAS = ("test_schema", "test_schema_2")


def _create_all(url: str, case: Path) -> None:
    import sqlalchemy as sa

    with open(case / "pair.pickle", "rb") as f:
        m2 = pickle.load(f)[1]
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        m2.create_all(conn)
    engine.dispose()


def _steps(project: Path, case: Path, x_url: str) -> list[str]:
    found: list[str] = []
    for i, what in ((0, "m1"), (1, "m2")):
        (project / "schema.py").write_text(SCHEMA.format(path=str(case / "pair.pickle"), i=i))
        args = ("generate", "--name", what) + (("--no-renames",) if i else ())
        r = mizzle(project, *args)
        if r.returncode not in (0, 1):
            return found + [f"generate {what} rc {r.returncode}: {first_error(r)}"]
        found += [f"generate {what} says: {x.strip()}" for x in (r.stdout + r.stderr).splitlines()
                  if "not managed" in x or ("warning" in x.lower() and " MZ" not in x)]  # lint's advice aside
        if (project / "migrations").exists():
            r = mizzle(project, "migrate", "--url", x_url)
            if r.returncode:
                return found + [f"migrate {what} rc {r.returncode}: {first_error(r)}"]
    if not (project / "migrations").exists():
        return found
    for args in (("generate", "--check"), ("drift", "--url", x_url)):
        r = mizzle(project, *args)
        if r.returncode:
            found.append(f"{args[0]} rc {r.returncode}: {(r.stdout + r.stderr).strip().splitlines()[-3:]}")
    return found


def _pg_case(case: Path, project: Path) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    x, y = f"mdpair_x_{tag}", f"mdpair_y_{tag}"
    try:
        for db in (x, y):
            psql("postgres", "-c", f'CREATE DATABASE "{db}"')
        psql(y, "-c", "; ".join(f"CREATE SCHEMA {s}" for s in PG_SCHEMAS))
        try:
            _create_all(f"{SERVER}/{y}", case)
        except Exception as e:  # the pair's own m2 does not build on this server
            return [f"setup create_all(m2) (the case's own): {str(e).splitlines()[0]}"]
        found = _steps(project, case, f"{SERVER}/{x}")
        if any(" rc " in f and f.startswith(("generate m", "migrate")) for f in found):
            return found
        dx, dy = dump(x), dump(y)
        # constraints m2 leaves unnamed are named by the server in create_all and by drizzle-kit's convention in
        # mizzle (user_tid_some_table_id_fk for user_tid_fkey): documented, so names after ADD CONSTRAINT are set aside
        dx, dy = ([re.sub(r"ADD CONSTRAINT \S+ ", "ADD CONSTRAINT _ ", s) for s in d
                   if s not in [f"CREATE SCHEMA {n};" for n in PG_SCHEMAS]] for d in (dx, dy))
        if sorted(s.rstrip(",") for s in dx) != sorted(s.rstrip(",") for s in dy):
            found += [f"dump: {s}" for s in difflib.unified_diff(dy, dx, "create_all", "mizzle", lineterm="", n=0)
                      if not s.startswith(("---", "+++", "@@"))][:30]
        return found
    finally:
        for db in (x, y):
            psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)', check=False)


def _sqlite_case(case: Path, project: Path) -> list[str]:
    x, y = project / "x.db", project / "y.db"
    try:
        _create_all(f"sqlite:///{y}", case)
    except Exception as e:
        return [f"setup create_all(m2) (the case's own): {str(e).splitlines()[0]}"]
    found = _steps(project, case, f"sqlite:///{x}")
    if any(" rc " in f and f.startswith(("generate m", "migrate")) for f in found) or not x.exists():
        return found
    cx, cy = _by_affinity(catalogue(x)), _by_affinity(catalogue(y))
    for key in sorted(set(cx) | set(cy)):
        if key.startswith("index sql") and (key not in cx or key not in cy):
            continue
        if cx.get(key) != cy.get(key):
            found.append(f"catalogue {key}: create_all {cy.get(key)} / mizzle {cx.get(key)}")
    return found


def _affinity(declared: str) -> str:
    """SQLite's own rule (datatype3.html 3.1): mizzle writes drizzle-kit's type names (text(50) for VARCHAR(50)),
    create_all SQLAlchemy's; the column stores the same either way."""
    t = declared.upper()
    if "INT" in t:
        return "INTEGER"
    if any(k in t for k in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in t or not t:
        return "BLOB"
    if any(k in t for k in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def _by_affinity(cat: dict[str, Any]) -> dict[str, Any]:
    for v in cat.values():
        if isinstance(v, dict) and "columns" in v and "autoincrement" in v:
            v["columns"] = [(c[0], _affinity(c[1]), *c[2:]) for c in v["columns"]]
    return cat


def run_case(dialect: str, case: Path) -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix="mdpair_"))
    try:
        project = tmp / "p"
        project.mkdir()
        (project / "mizzle.toml").write_text(f'dialect = "{dialect}"\nschema = "schema.py"\nout = "migrations"\n')
        return (_pg_case if dialect == "postgresql" else _sqlite_case)(case, project)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str]) -> int:
    dialect, root = argv[0], Path(argv[1])
    names = argv[2:] or sorted(p.name for p in root.iterdir() if (p / "pair.pickle").exists())
    for name in names:
        found = run_case(dialect, root / name)
        print(f"== {name}: {'clean' if not found else f'{len(found)} findings'}", flush=True)
        for line in found:
            print("   " + line, flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__.splitlines()[-2].strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
