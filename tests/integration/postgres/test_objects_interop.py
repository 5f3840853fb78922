"""Views both ways with drizzle-kit 0.31 (tests/interop/objects_pair: schema.ts and schema.py declare the same
table, view and materialized view with options): mizzle continuing drizzle-kit's folder and drizzle-kit
continuing mizzle's find no changes, and the database drizzle-orm's migrator builds shows no drift."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pgtools import temp_database

from mizzle.commands.drift import drift_for_config
from mizzle.commands.generate import generate
from mizzle.config import load_config

pytestmark = [pytest.mark.interop, pytest.mark.pg]

INTEROP = Path(__file__).resolve().parents[2] / "interop"
PAIR = INTEROP / "objects_pair"
DRIZZLE_KIT = INTEROP / "node_modules" / "drizzle-kit" / "bin.cjs"


def _node() -> str:
    node = shutil.which("node")
    if node is None or not DRIZZLE_KIT.exists():
        if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
            pytest.skip("needs node and drizzle-kit in tests/interop/node_modules")
        pytest.fail("needs node and drizzle-kit in tests/interop/node_modules (set MIZZLE_ALLOW_SKIP_INTEROP=1 "
                    "to skip)", pytrace=False)
    return node


def _drizzle_generate(node: str, out: Path, name: str) -> str:
    p = subprocess.run([node, str(DRIZZLE_KIT), "generate", "--dialect", "postgresql", "--schema",
                        str(PAIR / "schema.ts"), "--out", os.path.relpath(out, INTEROP), "--name", name],
                       cwd=INTEROP, env={**os.environ, "FORCE_COLOR": "0", "NO_COLOR": "1"},
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    return p.stdout + p.stderr


def _project(root: Path, out: Path):  # type: ignore[no-untyped-def]
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "app" / "schema.py").write_text((PAIR / "schema.py").read_text())
    (root / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{out}"\n')
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    return load_config(root / "mizzle.toml")


def test_views_round_trip_with_drizzle_kit(tmp_path: Path) -> None:
    node = _node()
    folder_d, folder_m = tmp_path / "D", tmp_path / "M"
    assert "Your SQL migration file" in _drizzle_generate(node, folder_d, "views")
    # mizzle continuing drizzle-kit's folder: nothing to do
    again = generate(_project(tmp_path / "proj", folder_d), check=True)
    assert not again.changes, again.changes
    # drizzle-kit continuing mizzle's folder: nothing to do, nothing written
    generate(_project(tmp_path / "proj", folder_m), name="views")
    before = sorted(p.name for p in folder_m.rglob("*"))
    assert "No schema changes" in _drizzle_generate(node, folder_m, "again")
    assert sorted(p.name for p in folder_m.rglob("*")) == before
    # the database drizzle-orm's migrator builds from D: mizzle sees no drift against D
    with temp_database("mzobjint") as url:
        p = subprocess.run([node, str(INTEROP / "migrate.mjs"), url, str(folder_d)], cwd=INTEROP,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        d = drift_for_config(_project(tmp_path / "proj", folder_d), url)
        assert not d.drifted, d.changes


SQLITE_PY = '''
import sqlalchemy as sa
from mizzle.pg import View

metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
                 sa.Column("active", sa.Integer, nullable=False))
active_users = View("active_users", 'select "id", "name" from "users" where "active" = 1')
'''


def test_sqlite_views_round_trip_with_drizzle_kit(tmp_path: Path) -> None:
    node = _node()
    folder_d, folder_m = tmp_path / "D", tmp_path / "M"

    def kit(out: Path, name: str) -> str:
        p = subprocess.run([node, str(DRIZZLE_KIT), "generate", "--dialect", "sqlite", "--schema",
                            str(PAIR / "sqlite_schema.ts"), "--out", os.path.relpath(out, INTEROP), "--name", name],
                           cwd=INTEROP, env={**os.environ, "FORCE_COLOR": "0", "NO_COLOR": "1"},
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        return p.stdout + p.stderr

    def project(out: Path):  # type: ignore[no-untyped-def]
        root = tmp_path / "sq"
        (root / "app").mkdir(parents=True, exist_ok=True)
        (root / "app" / "schema.py").write_text(SQLITE_PY)
        (root / "mizzle.toml").write_text(f'dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "{out}"\n')
        for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
            del sys.modules[mod]
        return load_config(root / "mizzle.toml")

    assert "Your SQL migration file" in kit(folder_d, "views")
    assert generate(project(folder_d), check=True).changes == []
    generate(project(folder_m), name="views")
    before = sorted(p.name for p in folder_m.rglob("*"))
    assert "No schema changes" in kit(folder_m, "again")
    assert sorted(p.name for p in folder_m.rglob("*")) == before
