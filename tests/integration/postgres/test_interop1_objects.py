"""Roles, row-level security, policies and views in drizzle-kit 1.x's layout, against drizzle-kit 1.0.0-rc.5
(tests/interop1/objects/stepN: schema.ts and its SQLAlchemy + mizzle.pg twin schema.py, three steps that create,
change and drop each kind). As in test_interop1_pg.py, folder D is drizzle-kit's and M mizzle's:

(a) at every step each tool, continuing the other's folder, finds no changes (drizzle-kit validates mizzle's
    version 9 snapshots: a view's `with` holds every option, a table with policies has `isRlsEnabled`);
(b) D applied by drizzle-orm 1.x's migrator and M by mizzle build the same database;
(c) `verify` replays M: each migration gives the schema its snapshot holds;
(d) the footprints of the role, view, policy and RLS statements are drizzle-kit's own.

Also: a project `mizzle init --layout folders` made passes drizzle-kit 1.x's check, and a 0.31 folder with these
objects converted by `mizzle up` continues under drizzle-kit 1.x with no changes.
"""

from __future__ import annotations

import difflib
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import mizzle_fork
import pytest
from pgtools import admin, drain_drops, schema_dump, temp_database
from test_interop1_pg import INTEROP1, kit_generate, migration_dirs, node, orm_migrate_stepwise

from mizzle.commands.generate import generate
from mizzle.commands.verify import verify
from mizzle.config import load_config
from mizzle.errors import IntegrityError
from mizzle.runner.migrate import migrate

pytestmark = [pytest.mark.interop, pytest.mark.pg]

STEPS = sorted((INTEROP1 / "objects").glob("step*"))
__all__ = ["node"]  # the fixture, imported


@pytest.fixture
def roles() -> Iterator[dict[str, str]]:
    names = {f"__R{i}__": f"mz_dz9_{i}_{uuid.uuid4().hex[:8]}" for i in (1, 2)}
    yield names
    with admin() as c:
        for n in names.values():
            drain_drops()  # the databases queued for dropping hold grants to it
            c.execute(f'DROP ROLE IF EXISTS "{n}"')


def _fill(text: str, names: dict[str, str]) -> str:
    for k, v in names.items():
        text = text.replace(k, v)
    return text


def _config(project: Path, source: str, out: Path):  # type: ignore[no-untyped-def]
    import sys

    (project / "app").mkdir(parents=True, exist_ok=True)
    (project / "app" / "schema.py").write_text(source)
    (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{out}"\n'
                                         '[migrations]\nlayout = "folders"\n')
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    return load_config(project / "mizzle.toml")


_OBJECT_STATEMENTS = ("_role", "_view", "_policy", "alter_rls")


def _object_footprints(d: Path) -> list[str]:
    """The footprints of a migration's role, view, policy and RLS statements (what drizzle-kit's `check` compares
    across branches), as sorted JSON lines."""
    import json

    snap = json.loads((d / "snapshot.json").read_text())
    return sorted(json.dumps({k: sorted(v) if k in ("writes", "reads") else v for k, v in f.items() if k != "sqlHash"})
                  for f in snap.get("footprints") or [] if f["statementType"].endswith(_OBJECT_STATEMENTS))


def test_objects_continue_both_ways_with_drizzle_kit_1x(node: str, roles: dict[str, str], tmp_path: Path) -> None:
    work = INTEROP1 / ".scratch" / f"objects_{uuid.uuid4().hex[:8]}"
    folder_d, folder_m = work / "D", tmp_path / "M"
    problems: list[str] = []
    try:
        for step in STEPS:
            ts, py = _fill((step / "schema.ts").read_text(), roles), _fill((step / "schema.py").read_text(), roles)
            (work / "src").mkdir(parents=True, exist_ok=True)
            (work / "src" / "schema.ts").write_text(ts)
            kit_generate(node, work, work / "src" / "schema.ts", folder_d, step.name)
            assert generate(_config(tmp_path / "proj", py, folder_m), name=step.name).written, step.name
            try:
                generate(_config(tmp_path / "proj", py, folder_d), check=True)
            except IntegrityError as e:
                problems.append(f"{step.name}: mizzle finds changes in drizzle-kit's folder: {e} {e.details}")
            theirs, ours = _object_footprints(migration_dirs(folder_d)[-1]), _object_footprints(migration_dirs(folder_m)[-1])
            if theirs != ours:
                problems.append(f"{step.name}: footprints differ:\n  drizzle-kit: {theirs}\n  mizzle:      {ours}")
            copy = work / "Mcopy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(folder_m, copy)
            out = kit_generate(node, work, work / "src" / "schema.ts", copy, step.name + "_again")
            extra = migration_dirs(copy)[len(migration_dirs(folder_m)):]
            if extra:
                problems.append(f"{step.name}: drizzle-kit 1.x finds changes in mizzle's folder:\n{out}\n"
                                + "\n".join((d / "migration.sql").read_text() for d in extra))
        assert not problems, "\n".join(problems)
        with temp_database("mz1o_d") as db_d, temp_database("mz1o_m") as db_m:
            orm_migrate_stepwise(node, db_d, folder_d, tmp_path / "stepwise")  # drizzle-orm creates the roles
            migrate(url=db_m, folder=folder_m)  # mizzle's CREATE ROLE is guarded: they exist by now
            a, b = schema_dump(db_d), schema_dump(db_m)
            assert a == b, "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), "D", "M", lineterm=""))
        with temp_database("mz1o_v") as url:
            result = verify(_config(tmp_path / "proj", py, folder_m), scratch_url=url)
            assert result.ok, result.to_json()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_drizzle_kit_1x_checks_the_folder_of_a_project_init_made(node: str, tmp_path: Path) -> None:
    """`mizzle init --layout folders` then `mizzle generate`: drizzle-kit 1.x's `check` reads the folder as its own."""
    import os
    import subprocess

    from test_interop1_pg import DRIZZLE_KIT

    def run(*args: str) -> None:
        p = mizzle_fork.run([*args], cwd=tmp_path, timeout=120)
        assert p.returncode == 0, p.stderr

    run("init", "--dialect", "postgresql", "--layout", "folders")
    run("generate", "--name", "first")
    out = tmp_path / "app" / "db" / "migrations"
    chk = subprocess.run([node, str(DRIZZLE_KIT), "check", "--dialect", "postgresql", "--out",
                          os.path.relpath(out, INTEROP1)], cwd=INTEROP1, capture_output=True, text=True, timeout=120)
    assert chk.returncode == 0 and "Everything's fine" in chk.stdout + chk.stderr, chk.stdout + chk.stderr


def test_up_of_a_0x_folder_with_objects_continues_under_drizzle_kit_1x(node: str, roles: dict[str, str],
                                                                         tmp_path: Path) -> None:
    """drizzle-kit 0.31 writes step 1 (roles managed: `entities.roles`), `mizzle up` converts the folder, and
    drizzle-kit 1.x, given the same schema, finds no changes: the converted base carries every role, policy, view
    and `isRlsEnabled` as 1.x writes them."""
    import os
    import subprocess

    interop0 = INTEROP1.parent / "interop"
    kit0 = interop0 / "node_modules" / "drizzle-kit" / "bin.cjs"
    if not kit0.exists():
        pytest.fail("needs drizzle-kit 0.31 in tests/interop/node_modules (npm ci there)", pytrace=False)
    ts = _fill((STEPS[0] / "schema.ts").read_text(), roles)
    scratch0 = interop0 / ".scratch" / f"up_{uuid.uuid4().hex[:8]}"
    work = INTEROP1 / ".scratch" / f"up_{uuid.uuid4().hex[:8]}"
    try:
        scratch0.mkdir(parents=True)
        (scratch0 / "schema.ts").write_text(ts)
        (scratch0 / "drizzle.config.ts").write_text(
            "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', "
            f"schema: '{scratch0 / 'schema.ts'}', out: '{scratch0 / 'out'}', entities: {{ roles: true }} }});\n")
        p = subprocess.run([node, str(kit0), "generate", "--config", str(scratch0 / "drizzle.config.ts"), "--name",
                            "step1"], cwd=interop0, capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
        assert p.returncode == 0 and "CREATE POLICY" in (scratch0 / "out" / "0000_step1.sql").read_text(), p.stdout
        shutil.copytree(scratch0 / "out", tmp_path / "drizzle")
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
        p = mizzle_fork.run(["up"], cwd=tmp_path, timeout=120)
        assert p.returncode == 0, p.stderr
        shutil.copytree(tmp_path / "drizzle", work / "F")
        (work / "src").mkdir()
        (work / "src" / "schema.ts").write_text(ts)
        out = kit_generate(node, work, work / "src" / "schema.ts", work / "F", "again")
        assert len(migration_dirs(work / "F")) == 1, out
    finally:
        shutil.rmtree(scratch0, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
