"""Interop with drizzle-kit 0.31 on PostgreSQL (acceptance point 3 of `generate`).

The pair fixtures in tests/interop/pair/stepN/ hold one schema twice: `schema.ts` for drizzle-kit and
`schema.py` (SQLAlchemy) for mizzle. At every step, drizzle-kit generates into folder D and mizzle into
folder M, and:

(a) D applied with drizzle-orm's own migrator and M applied statement by statement build identical
    databases (`pg_dump -s`, the tracking schema "drizzle" left out);
(b) each tool, continuing the other's folder with the same step's schema, finds no changes.

Needs node + npm (the pinned drizzle-kit/drizzle-orm are installed with `npm ci` when node_modules is
missing) and the PostgreSQL test server. A missing node or npm FAILS the test unless
MIZZLE_ALLOW_SKIP_INTEROP=1.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pgtools import apply_sql, schema_dump, temp_database

from mizzle.commands.generate import generate
from mizzle.config import load_config

pytestmark = [pytest.mark.interop, pytest.mark.pg]

INTEROP = Path(__file__).resolve().parents[2] / "interop"
PAIR = INTEROP / "pair"
STEPS = sorted((p for p in PAIR.glob("step*") if p.is_dir()), key=lambda p: int(p.name[4:]))
DRIZZLE_KIT = INTEROP / "node_modules" / "drizzle-kit" / "bin.cjs"
NEEDED_MODULES = ("drizzle-kit", "drizzle-orm", "pg")
NO_CHANGES = "No schema changes"


def _unavailable(msg: str) -> None:
    if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
        pytest.skip(msg)
    pytest.fail(msg + " (set MIZZLE_ALLOW_SKIP_INTEROP=1 to skip the drizzle-kit interop tests)", pytrace=False)


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, with the pinned drizzle-kit/drizzle-orm installed in tests/interop."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable(f"interop needs node and npm on PATH (node: {node}, npm: {npm})")
    assert node is not None and npm is not None
    missing = [m for m in NEEDED_MODULES if not (INTEROP / "node_modules" / m / "package.json").exists()]
    if missing:
        try:
            p = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=INTEROP, capture_output=True,
                               text=True, timeout=900)
        except subprocess.TimeoutExpired:
            pytest.fail("`npm ci` in tests/interop did not finish within 900 s", pytrace=False)
        if p.returncode != 0:
            pytest.fail(f"`npm ci` in tests/interop failed (exit {p.returncode}):\n{p.stdout[-3000:]}\n"
                        f"{p.stderr[-3000:]}", pytrace=False)
    assert DRIZZLE_KIT.exists(), f"{DRIZZLE_KIT} missing after npm ci"
    return node


def drizzle_generate(node: str, schema_ts: Path, out: Path, name: str) -> subprocess.CompletedProcess[str]:
    # `out` relative to the cwd: drizzle-kit reads existing snapshots from "./" + out
    env = {**os.environ, "FORCE_COLOR": "0", "NO_COLOR": "1"}
    return subprocess.run(
        [node, str(DRIZZLE_KIT), "generate", "--dialect", "postgresql", "--schema", str(schema_ts.resolve()),
         "--out", os.path.relpath(out, INTEROP), "--name", name],
        cwd=INTEROP, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def drizzle_migrate(node: str, url: str, folder: Path) -> None:
    p = subprocess.run([node, str(INTEROP / "migrate.mjs"), url, str(folder)], cwd=INTEROP,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"drizzle-orm's migrator failed on {folder}:\n{p.stdout}\n{p.stderr}"


def mizzle_generate(project: Path, step: Path, out: Path, name: str):  # type: ignore[no-untyped-def]
    """Run mizzle generate with `step`'s SQLAlchemy module as the schema code, into `out`. One project
    directory for every call: it goes on sys.path, and a second one there would shadow `app.schema`."""
    (project / "app").mkdir(parents=True, exist_ok=True)
    (project / "app" / "schema.py").write_text((step / "schema.py").read_text())
    (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{out}"\n')
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    return generate(load_config(project / "mizzle.toml"), name=name)


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def dump_diff(a: str, b: str) -> str:
    return "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), "drizzle-kit (D)", "mizzle (M)",
                                          lineterm="", n=2))


def snapshot_facts(path: Path) -> dict:  # type: ignore[type-arg]
    """A snapshot without its ids, timestamp types spelled one way: drizzle-orm writes `timestamp(3)` in
    mode "string" and `timestamp (3)` in mode "date", a fact of the TypeScript code only (drizzle-kit itself
    treats the two as the same type)."""
    data = json.loads(path.read_text())
    data.pop("id"), data.pop("prevId")
    for table in data["tables"].values():
        for col in table["columns"].values():
            col["type"] = re.sub(r"^timestamp\((\d+)\)", r"timestamp (\1)", col["type"])
    return data


def test_pair_fixtures_are_complete() -> None:
    assert len(STEPS) >= 3
    for step in STEPS:
        assert (step / "schema.ts").is_file() and (step / "schema.py").is_file(), step


def test_drizzle_kit_and_mizzle_interoperate(node: str, pg_available: bool, tmp_path: Path) -> None:
    folder_d, folder_m = tmp_path / "D", tmp_path / "M"
    problems: list[str] = []
    with temp_database("mzpair_d") as db_d, temp_database("mzpair_m") as db_m:
        for step in STEPS:
            n = step.name
            # drizzle-kit → D
            before = files(folder_d) if folder_d.exists() else set()
            p = drizzle_generate(node, step / "schema.ts", folder_d, n)
            new = files(folder_d) - before
            assert any(f.endswith(".sql") for f in new), \
                f"{n}: drizzle-kit wrote no migration into D\n{p.stdout}\n{p.stderr}"
            # mizzle → M
            result = mizzle_generate(tmp_path / "proj", step, folder_m, n)
            assert result.written, f"{n}: mizzle generated nothing into M"

            # (a) the same database from both folders. Applied step by step: drizzle-orm runs all pending
            # migrations in ONE transaction, where an enum value added in step 2 and used as a default in
            # step 4 is an "unsafe use of new value" (for D and M alike).
            drizzle_migrate(node, db_d, folder_d)
            apply_sql(db_m, result.sql_path.read_text())
            dump_d, dump_m = schema_dump(db_d), schema_dump(db_m)
            if dump_d != dump_m:
                problems.append(f"{n} (a): databases differ\n{dump_diff(dump_d, dump_m)}")
            # and the same snapshot facts (key order aside), beyond what drizzle-kit's diff tolerates
            snap_d = snapshot_facts(sorted((folder_d / "meta").glob("*_snapshot.json"))[-1])
            snap_m = snapshot_facts(sorted((folder_m / "meta").glob("*_snapshot.json"))[-1])
            if snap_d != snap_m:
                problems.append(f"{n}: snapshots differ\n" + dump_diff(json.dumps(snap_d, indent=1, sort_keys=True),
                                                                        json.dumps(snap_m, indent=1, sort_keys=True)))

            # (b1) mizzle continuing drizzle-kit's folder finds nothing to do
            cont_d = tmp_path / f"D_{n}"
            shutil.copytree(folder_d, cont_d)
            again = mizzle_generate(tmp_path / "proj", step, cont_d, f"{n}_again")
            if again.written or again.changes:
                problems.append(f"{n} (b): mizzle continuing D found changes: {again.changes}\n{again.sql}")

            # (b2) drizzle-kit continuing mizzle's folder finds nothing to do (it exits 0 even on errors)
            cont_m = tmp_path / f"M_{n}"
            shutil.copytree(folder_m, cont_m)
            before = files(cont_m)
            p = drizzle_generate(node, step / "schema.ts", cont_m, f"{n}_again")
            after = files(cont_m)
            if NO_CHANGES not in p.stdout or after != before:
                extra = "".join(f"\n--- {f}\n{(cont_m / f).read_text()}" for f in sorted(after - before)
                                if f.endswith(".sql"))
                problems.append(f"{n} (b): drizzle-kit continuing M did not say '{NO_CHANGES}' or wrote files "
                                f"{sorted(after - before)}\nstdout: {p.stdout}\nstderr: {p.stderr[-2000:]}{extra}")
    assert not problems, "\n\n".join(problems)
