"""`mizzle up` of a SQLite journal folder (drizzle-kit 0.x) to drizzle-kit 1.x's layout (issue 15, item 6), against
drizzle-kit 1.0.0-rc.5's own `up` and drizzle-orm 1.x's SQLite migrator.

The folder is drizzle-kit 0.31's SQLite reference (tests/interop/sqlite/out: four migrations, two of them written
in the same second, a table and a column renamed). Databases that applied it under 0.x (drizzle-orm 0.x's migrator,
or `mizzle migrate`) must be recognised after the conversion: drizzle-orm 1.x upgrades its tracking table by
matching each row to the migration folder of its second (by hash among several), then runs nothing; mizzle finds
nothing to do; `generate` on the converted folder finds no changes.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mizzle.commands.generate import generate
from mizzle.commands.up import up
from mizzle.config import load_config
from mizzle.migrations import folders1
from mizzle.runner.migrate import migrate, status

pytestmark = pytest.mark.interop

TESTS = Path(__file__).resolve().parents[2]
INTEROP, INTEROP1 = TESTS / "interop", TESTS / "interop1"
REFERENCE = INTEROP / "sqlite" / "out"
TWIN = INTEROP / "sqlite_pair" / "schema.py"  # the SQLAlchemy twin of the reference's last step
DRIZZLE_KIT1 = INTEROP1 / "node_modules" / "drizzle-kit" / "bin.cjs"
BUGGY = 'CREATE UNIQUE INDEX `users_email_lower_idx` ON `users` (`lower("email")`);'  # drizzle-kit 0.31 (NOTES.md §9)
FIXED = 'CREATE UNIQUE INDEX `users_email_lower_idx` ON `users` (lower("email"));'


@pytest.fixture(scope="module")
def node() -> str:
    node = shutil.which("node")
    needed = [DRIZZLE_KIT1, INTEROP / "node_modules" / "better-sqlite3" / "package.json",
              INTEROP / "node_modules" / "drizzle-orm" / "package.json"]
    if node is None or not all(p.exists() for p in needed):
        if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
            pytest.skip("needs node, drizzle-kit 1.x (tests/interop1) and drizzle-orm 0.x + better-sqlite3 "
                        "(tests/interop)")
        pytest.fail("needs node, drizzle-kit 1.x in tests/interop1 and drizzle-orm 0.x + better-sqlite3 in "
                    "tests/interop (npm ci in both)", pytrace=False)
    assert node is not None
    return node


def run(node: str, args: list[str], cwd: Path) -> str:
    p = subprocess.run([node, *args], cwd=cwd, capture_output=True, text=True, timeout=180,
                       env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"node {' '.join(args)} failed:\n{p.stdout}\n{p.stderr}"
    return p.stdout + p.stderr


def tracking(db: Path) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(db) as conn:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(__drizzle_migrations)")]
        return conn.execute(f"SELECT {', '.join(c for c in ('hash', 'created_at', 'name') if c in cols)} "
                            "FROM __drizzle_migrations ORDER BY created_at").fetchall()


def test_up_converts_a_sqlite_folder_as_drizzle_kit_1x_does_and_applied_migrations_are_recognised(
        node: str, tmp_path: Path) -> None:
    work = INTEROP1 / ".scratch" / f"up_{os.getpid()}_{tmp_path.name}"
    try:
        zero = tmp_path / "zero"
        shutil.copytree(REFERENCE, zero)
        sql = zero / "0002_step3.sql"
        sql.write_text(sql.read_text().replace(BUGGY, FIXED))
        by_orm0, by_mizzle = tmp_path / "orm0.db", tmp_path / "mizzle.db"  # applied under 0.x, before the conversion
        run(node, [str(INTEROP / "migrate.mjs"), f"sqlite:{by_orm0}", str(zero)], INTEROP)
        migrate(url=f"sqlite:///{by_mizzle}", folder=zero)
        whens = [e["when"] for e in json.loads((zero / "meta" / "_journal.json").read_text())["entries"]]
        assert len({w // 1000 for w in whens}) < len(whens)  # two migrations share a second

        kit, mine = work / "kit", tmp_path / "mine"
        shutil.copytree(zero, kit)
        shutil.copytree(zero, mine)
        run(node, [str(DRIZZLE_KIT1), "up", "--dialect", "sqlite", "--out", os.path.relpath(kit, INTEROP1)], INTEROP1)
        (tmp_path / "proj" / "twin").mkdir(parents=True)
        shutil.copy(TWIN, tmp_path / "proj" / "twin" / "schema.py")
        (tmp_path / "proj" / "mizzle.toml").write_text(f'dialect = "sqlite"\nschema = ["twin/schema.py"]\n'
                                                       f'out = "{mine}"\n')
        config = load_config(tmp_path / "proj" / "mizzle.toml")
        result = up(config)
        assert not result.warnings, result.warnings

        # the same folders, SQL and snapshots (ids, names, rows, renames) as drizzle-kit 1.x's own `up`
        names = [d.name for d in folders1.migration_dirs(kit)]
        assert [d.name for d in folders1.migration_dirs(mine)] == names and len(names) == len(whens)
        for n in names:
            for f in (folders1.MIGRATION_SQL, folders1.SNAPSHOT):
                assert filecmp.cmp(kit / n / f, mine / n / f, shallow=False), f"{n}/{f} differs from drizzle-kit's"
        assert any(json.loads((mine / n / folders1.SNAPSHOT).read_text())["renames"] for n in names)

        for db in (by_orm0, by_mizzle):
            before = tracking(db)
            run(node, [str(INTEROP1 / "migrate_sqlite.mjs"), str(db), str(mine)], INTEROP1)  # drizzle-orm 1.x
            rows = tracking(db)
            assert len(rows) == len(before) == len(names)  # nothing ran again
            assert [r[-1] for r in rows] == names  # each row recognised as its own migration folder
            st = status(url=f"sqlite:///{db}", folder=mine)
            assert [s.state for s in st.states] == ["applied"] * len(names) and not st.problems
            assert migrate(url=f"sqlite:///{db}", folder=mine).nothing_to_do
        for mod in [m for m in sys.modules if m == "twin" or m.startswith("twin.")]:
            del sys.modules[mod]
        assert not generate(config, check=True, name="none").changes

        fresh = tmp_path / "fresh.db"  # and a new database: drizzle-orm 1.x applies the converted folder
        run(node, [str(INTEROP1 / "migrate_sqlite.mjs"), str(fresh), str(mine)], INTEROP1)
        assert migrate(url=f"sqlite:///{fresh}", folder=mine).nothing_to_do
    finally:
        shutil.rmtree(work, ignore_errors=True)
