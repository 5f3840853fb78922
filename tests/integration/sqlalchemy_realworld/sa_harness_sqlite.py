"""The real-world harness (sa_harness.py) on SQLite: the same packages' MetaData, the same five checks, with
SQLite files instead of PostgreSQL databases and a comparison of what SQLite's catalog tells instead of pg_dump.

1. create_all equivalence: `create_all()` into file 1; `mizzle generate` + `mizzle migrate` into file 2; their
   structures (below) must be equal.
2. `mizzle generate --check` right after generate: no changes.
3. `mizzle drift` on file 2 right after migrate: clean.
4. `mizzle baseline` on file 1 (the create_all database): accepted.
5. pull round trip: `mizzle pull` from file 1, that baseline migrated into an empty file 3 has file 1's
   structure, and `generate --check` with the pulled module finds nothing.

The structure of a file, per table: each column (PRAGMA table_xinfo: name, affinity, NOT NULL, default, key
position, hidden), each index by its columns, uniqueness and WHERE (not by name: create_all's UNIQUE is an
automatic index, drizzle-kit's a named one), each foreign key (PRAGMA foreign_key_list, no names: SQLite keeps
none), each CHECK's expression (quotes and spaces left out), and AUTOINCREMENT. Two things differ by design and
are not findings: create_all declares SQLAlchemy's type names (BOOLEAN, DATETIME, JSON: NUMERIC affinity) where
mizzle writes drizzle-kit's (integer, text), so a column's affinity is compared unless create_all's is NUMERIC;
and `DEFAULT 1` / `DEFAULT '0'` (create_all) against `true` / `0` (drizzle-kit) are one value.

By hand:  python tests/integration/sqlalchemy_realworld/sa_harness_sqlite.py PACKAGE [--keep]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import sa_harness as h

CREATE_ALL = """
import sys, sqlalchemy as sa, sa_models
engine = sa.create_engine(sys.argv[1])
sa_models.metadata.create_all(engine)
engine.dispose()
"""

_AFFINITY = [("INT", "integer"), ("CHAR", "text"), ("CLOB", "text"), ("TEXT", "text"), ("BLOB", "blob"),
             ("REAL", "real"), ("FLOA", "real"), ("DOUB", "real")]


def affinity(declared: str) -> str:
    """SQLite's rules (datatype3.html §3.1), written out here so the oracle does not use mizzle's own."""
    t = declared.upper()
    if not t.strip():
        return "blob"
    return next((a for key, a in _AFFINITY if key in t), "numeric")


def _default(d: str | None) -> str | None:
    if d is None:
        return None
    d = {"true": "1", "false": "0"}.get(d.strip().lower(), d.strip())
    m = re.fullmatch(r"'([-+]?\d+(?:\.\d+)?)'", d)
    return m.group(1) if m else d


def _checks(sql: str) -> list[str]:
    out = []
    for m in re.finditer(r"(?i)\bCHECK\s*\(", sql):
        depth, i = 0, m.end() - 1
        for i in range(m.end() - 1, len(sql)):
            depth += {"(": 1, ")": -1}.get(sql[i], 0)
            if depth == 0:
                break
        out.append(re.sub(r"[`\"\s]", "", sql[m.end():i]))
    return sorted(out)


def structure(path: Path) -> dict[str, Any]:
    con = sqlite3.connect(path)
    try:
        out: dict[str, Any] = {}
        for name, sql in con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                     "'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_\\_%' ESCAPE '\\'"):
            cols = [(r[1], affinity(r[2]), r[3], _default(r[4]), r[5], r[6])
                    for r in con.execute(f'PRAGMA table_xinfo("{name}")')]
            idx = sorted((r[2], tuple(x[2] or "(expression)" for x in con.execute(f'PRAGMA index_info("{r[1]}")')),
                          r[4]) for r in con.execute(f'PRAGMA index_list("{name}")') if r[3] != "pk")
            fks = sorted(tuple(r[2:]) for r in con.execute(f'PRAGMA foreign_key_list("{name}")'))
            out[name] = {"columns": cols, "indexes": idx, "foreign keys": fks, "checks": _checks(sql),
                         "autoincrement": bool(re.search(r"(?i)\bAUTOINCREMENT\b", sql))}
        return out
    finally:
        con.close()


def _same_column(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return a[0] == b[0] and a[2:] == b[2:] and (a[1] == b[1] or a[1] == "numeric")


def structure_diff(expected: dict[str, Any], actual: dict[str, Any], label: str, other: str = "mizzle") -> list[str]:
    """Findings, one line each: a table on one side only, or a table's part (columns, indexes, …) that differs,
    with what only create_all has (-) and what only the other side has (+)."""
    out = []
    for t in sorted(set(expected) | set(actual)):
        if t not in actual or t not in expected:
            out.append(f"{label}: table {t} only in {'create_all' if t in expected else other}")
            continue
        for part, exp in expected[t].items():
            act = actual[t][part]
            if part == "columns" and len(exp) == len(act) and all(_same_column(a, b) for a, b in zip(exp, act, strict=True)):
                continue
            if exp != act:
                gone = [x for x in exp if x not in act] if isinstance(exp, list) else exp
                new = [x for x in act if x not in exp] if isinstance(act, list) else act
                what = "the same, in another order" if gone == [] and new == [] else f"- {gone} + {new}"
                out.append(f"{label}: {t} {part}: {what}")
    return out


def _write_project(root: Path, schema_file: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text(f'dialect = "sqlite"\nschema = ["{schema_file}"]\nout = "drizzle"\n'
                                      'naming = "postgresql"\n', encoding="utf-8")


def run_package(name: str, keep: bool = False) -> h.Result:
    res = h.Result(name)
    tmp = Path(tempfile.mkdtemp(prefix=f"sa_sqlite_{name}_"))
    try:
        _run(h.PACKAGES[name], tmp, res)
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return res


def _run(pkg: h.Package, tmp: Path, res: h.Result) -> None:
    gen = tmp / "gen"
    _write_project(gen, "sa_models.py")
    (gen / "sa_models.py").write_text(textwrap.dedent(pkg.module).lstrip(), encoding="utf-8")
    db1, db2, db3 = tmp / "create_all.db", tmp / "mizzle.db", tmp / "pulled.db"
    p = h._python(CREATE_ALL, gen, f"sqlite:///{db1}")
    if p.returncode != 0:
        raise RuntimeError(f"create_all failed for {pkg.name} on SQLite:\n{p.stderr}")
    g = h.mizzle(["generate", "--name", "init"], gen)
    if g.code != 0:
        for c in "1234":
            res.findings[c] = [f"generate: exit {g.code}: {g.first_error()}"]
    else:
        m = h.mizzle(["migrate"], gen, url=f"sqlite:///{db2}")
        ok = m.code == 0
        res.findings["1"] = (structure_diff(structure(db1), structure(db2), "structure") if ok
                             else [f"migrate: exit {m.code}: {m.first_error()}"])
        d = h.mizzle(["drift"], gen, url=f"sqlite:///{db2}") if ok else m
        res.findings["3"] = [] if d.code == 0 else [f"drift: exit {d.code}: {ln}" for ln in d.lines()]
        c = h.mizzle(["generate", "--check"], gen)
        res.findings["2"] = [] if c.code == 0 else [f"generate --check: exit {c.code}: {ln}" for ln in c.lines()]
    pull = tmp / "pull"
    _write_project(pull, "pulled.py")
    pr = h.mizzle(["pull", "--no-mark", "--name", "baseline"], pull, url=f"sqlite:///{db1}")  # before baseline
    f5 = [] if pr.code == 0 else [f"pull: exit {pr.code}: {pr.first_error()}"]
    if pr.code == 0:
        m3 = h.mizzle(["migrate"], pull, url=f"sqlite:///{db3}")
        f5 += (structure_diff(structure(db1), structure(db3), "pulled structure", "pulled") if m3.code == 0
               else [f"migrate pulled baseline: exit {m3.code}: {m3.first_error()}"])
        c5 = h.mizzle(["generate", "--check"], pull)
        f5 += [] if c5.code == 0 else [f"pulled generate --check: exit {c5.code}: {ln}" for ln in c5.lines()]
    res.findings["5"] = f5
    if g.code == 0:
        b = h.mizzle(["baseline"], gen, url=f"sqlite:///{db1}")
        res.findings["4"] = [] if b.code == 0 else [f"baseline: exit {b.code}: {ln}" for ln in b.lines()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("package", choices=sorted(h.PACKAGES) + ["all"])
    ap.add_argument("--keep", action="store_true", help="keep the temp projects and database files")
    a = ap.parse_args(argv)
    bad = 0
    for name in sorted(h.PACKAGES) if a.package == "all" else [a.package]:
        res = run_package(name, keep=a.keep)
        print(f"== {name} (SQLite)")
        for check in sorted(res.findings):
            print(f"  check {check} ({h.CHECK_NAMES[check]}): {'clean' if not res.findings[check] else ''}")
            for fl in res.findings[check]:
                print(f"    {fl}")
            bad += len(res.findings[check])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
