"""A renamed table's unnamed unique constraints, foreign keys and indexes in drizzle-kit 1.x's layout (issue 15,
item 6): drizzle-kit 1.0.0-rc.5 renames the table and nothing else, so `user_temp_email_key`,
`user_temp_nick_index`, `user_temp_owner_id_owner_id_fkey` and the referencing `child_uid_user_temp_id_fkey` keep
their names (`nameExplicit: false`). mizzle must do the same and record the same rows, both tools must continue each
other's folder with no changes, and mizzle's later changes must drop those objects by the names they have.

The schema is tests/interop1/renamed_names/stepN/ (`schema.ts` and its SQLAlchemy twin `schema.py`); drizzle-kit's
rename prompt is answered under a pseudo-terminal (tests/interop/drive_generate.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pgtools import schema_dump, temp_database

from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.commands.verify import verify
from mizzle.config import load_config
from mizzle.runner.migrate import migrate

pytestmark = [pytest.mark.interop, pytest.mark.pg]

TESTS = Path(__file__).resolve().parents[2]
INTEROP1 = TESTS / "interop1"
STEPS = INTEROP1 / "renamed_names"
NO_CHANGES = "No schema changes"
KINDS = ("uniques", "fks", "indexes", "pks")


def kit1_generate(work: Path, step: str, out: Path, name: str, *answers: str) -> str:
    """drizzle-kit 1.x generate of renamed_names/<step>/schema.ts into `out` (the schema copied under
    tests/interop1, so that its drizzle-orm import is the 1.x package), its prompts answered; the transcript."""
    (work / step).mkdir(parents=True, exist_ok=True)
    (work / step / "schema.ts").write_text((STEPS / step / "schema.ts").read_text())
    config = work / f"{step}.config.ts"
    config.write_text(f"export default {{ dialect: 'postgresql', schema: '{work / step / 'schema.ts'}', "
                      f"out: '{os.path.relpath(out, INTEROP1)}' }};\n")
    args = [sys.executable, str(TESTS / "interop" / "drive_generate.py"), "--config", str(config), "--name", name]
    for a in answers:
        args += ["--answer", a]
    p = subprocess.run(args, cwd=INTEROP1, capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, f"drizzle-kit 1.x generate ({step}) failed:\n{p.stdout}\n{p.stderr}"
    return p.stdout


def mizzle_generate(project: Path, out: Path, step: str, name: str, renames: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    (project / "app").mkdir(parents=True, exist_ok=True)
    (project / "app" / "schema.py").write_text((STEPS / step / "schema.py").read_text())
    (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{out}"\n'
                                         '[migrations]\nlayout = "folders"\n')
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    return generate(load_config(project / "mizzle.toml"), name=name, renames=renames)


def named_rows(folder: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    """The folder's latest state: its keys, uniques, foreign keys and indexes, by drizzle-kit's row key."""
    from mizzle.dialects.postgres.snapshot_v9 import FOLDER_CODEC
    from mizzle.migrations import folders1

    snaps = folders1.load_snapshots(folder)
    state = FOLDER_CODEC.state_after(snaps, folders1.leaves(snaps), str(folder))
    return {k: r for k, r in state.items() if r["entityType"] in KINDS}


def test_a_renamed_tables_unnamed_constraints_keep_their_names_as_drizzle_kit_1x_does(pg_available: bool,
                                                                                      tmp_path: Path) -> None:
    if not (INTEROP1 / "node_modules" / "drizzle-kit" / "package.json").exists() or shutil.which("node") is None:
        pytest.fail("needs node and tests/interop1's drizzle-kit 1.x (npm ci in tests/interop1)", pytrace=False)
    work = INTEROP1 / ".scratch" / f"names_{os.getpid()}_{tmp_path.name}"
    project = tmp_path / "proj"
    try:
        d, m = work / "D", work / "M"
        kit1_generate(work, "step1", d, "one")
        shutil.copytree(d, m)  # M: drizzle-kit's first migration, the rename by mizzle
        kit1_generate(work, "step2", d, "two", "user=rename:user_temp")
        kept = {r["name"] for r in named_rows(d).values()}
        assert {"user_temp_email_key", "user_temp_nick_index", "user_temp_a_index", "user_temp_a_b_unique",
                "user_temp_owner_id_owner_id_fkey", "child_uid_user_temp_id_fkey"} <= kept  # drizzle-kit 1.x's way

        renamed = mizzle_generate(project, m, "step2", "two", renames={"user_temp": "user"})
        assert "RENAME CONSTRAINT" not in renamed.sql and "ALTER INDEX" not in renamed.sql, renamed.sql
        assert named_rows(m) == named_rows(d)
        assert NO_CHANGES in kit1_generate(work, "step2", m, "again")  # drizzle-kit 1.x continues mizzle's folder
        assert not mizzle_generate(project, d, "step2", "nothing").changes  # and mizzle drizzle-kit's
        with temp_database("mznames_d") as url_d, temp_database("mznames_m") as url_m:
            migrate(url=url_d, folder=d)
            migrate(url=url_m, folder=m)
            assert schema_dump(url_d) == schema_dump(url_m)
            assert not drift(url=url_m, folder=m).changes  # the kept names are what the snapshot says
            assert verify(load_config(project / "mizzle.toml"), scratch_url=url_d).ok

        # mizzle's next migration on drizzle-kit's folder drops and changes them by the names they have
        later = mizzle_generate(project, d, "step3", "three")
        for name in ("user_temp_email_key", "user_temp_owner_id_owner_id_fkey"):
            assert f'DROP CONSTRAINT "{name}"' in later.sql, later.sql
        assert '"user_temp_nick_index"' in later.sql, later.sql
        assert NO_CHANGES in kit1_generate(work, "step3", d, "again3")  # the rows agree with drizzle-kit 1.x's
        assert not mizzle_generate(project, d, "step3", "nothing").changes
        with temp_database("mznames_3") as url:
            migrate(url=url, folder=d)
            dump = schema_dump(url)
            assert "user_temp_email_key" not in dump and "user_temp_nick_index" not in dump
            assert "user_temp_a_b_unique" in dump and "child_uid_user_temp_id_fkey" in dump
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_version_8_snapshots_renames_convert_as_drizzle_kit_1x_up_does(pg_available: bool, tmp_path: Path) -> None:
    """drizzle-kit 1.0.0-beta's version 8 snapshot lists its renames (`renames`: `public.user_temp->public.user`);
    `mizzle up` writes them as rename deltas with drizzle-kit's footprints (it wrote a drop and a create: the same
    state, other footprints), as drizzle-kit 1.0.0-rc.5's own `up` does."""
    import json

    from mizzle.commands.up import up
    from mizzle.dialects.postgres import snapshot_v9 as v9
    from mizzle.migrations import folders1

    if not (INTEROP1 / "node_modules" / "drizzle-kit" / "package.json").exists() or shutil.which("node") is None:
        pytest.fail("needs node and tests/interop1's drizzle-kit 1.x (npm ci in tests/interop1)", pytrace=False)
    work = INTEROP1 / ".scratch" / f"v8_{os.getpid()}_{tmp_path.name}"
    try:
        d = work / "D"
        kit1_generate(work, "step1", d, "one")
        kit1_generate(work, "step2", d, "two", "user=rename:user_temp")
        snaps = folders1.load_snapshots(d)
        kit, mine = work / "kit", tmp_path / "mine" / "drizzle"
        for out in (kit, mine):
            shutil.copytree(d, out)
            for i, s in snaps.items():  # the folder as drizzle-kit 1.0.0-beta wrote it
                renames = ["public.user_temp->public.user"] if s["type"] == "diff" else []
                (out / s["_dir"] / "snapshot.json").write_text(json.dumps(
                    {"id": i, "prevIds": s["prevIds"], "version": "8", "dialect": "postgres",
                     "ddl": list(v9.state_of(snaps, i).values()), "renames": renames}, indent=2))
        p = subprocess.run(["node", str(INTEROP1 / "node_modules" / "drizzle-kit" / "bin.cjs"), "up", "--dialect",
                            "postgresql", "--out", os.path.relpath(kit, INTEROP1)], cwd=INTEROP1, capture_output=True,
                           text=True, timeout=120, stdin=subprocess.DEVNULL)
        assert p.returncode == 0, p.stdout + p.stderr
        (mine.parent / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
        up(load_config(mine.parent / "mizzle.toml"))
        for s in snaps.values():
            theirs, ours = (json.loads((f / s["_dir"] / "snapshot.json").read_text()) for f in (kit, mine))
            if s["type"] == "diff":
                assert ours["deltas"] == theirs["deltas"] == [
                    {"op": "rename", "key": 'tables\0["public","user_temp"]', "set": {"name": "user"}}]
                assert ours["footprints"] == theirs["footprints"]
            assert {k: v for k, v in ours.items() if k != "footprints"} == \
                {k: v for k, v in theirs.items() if k != "footprints"}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_rebuilt_snapshots_keep_the_names_as_drizzle_kit_1x_states_them(pg_available: bool, tmp_path: Path) -> None:
    """check --rebuild-snapshots in the 1.x layout: the replayed database has `user_temp_email_key` on table
    `user`; the rebuilt rows say what drizzle-kit 1.x's say (that name, `nameExplicit: false`), so drizzle-kit finds
    no changes afterwards (it asked to rename them when they were written as explicit names)."""
    from pgtools import url_for

    from mizzle.commands.verify import rebuild_snapshots

    if not (INTEROP1 / "node_modules" / "drizzle-kit" / "package.json").exists() or shutil.which("node") is None:
        pytest.fail("needs node and tests/interop1's drizzle-kit 1.x (npm ci in tests/interop1)", pytrace=False)
    work = INTEROP1 / ".scratch" / f"rb_{os.getpid()}_{tmp_path.name}"
    try:
        d = work / "D"
        kit1_generate(work, "step1", d, "one")
        kit1_generate(work, "step2", d, "two", "user=rename:user_temp")
        theirs = named_rows(d)
        for s in d.glob("*/snapshot.json"):
            s.unlink()
        project = tmp_path / "proj"
        (project / "app").mkdir(parents=True)
        (project / "app" / "schema.py").write_text((STEPS / "step2" / "schema.py").read_text())
        (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{d}"\n'
                                             '[migrations]\nlayout = "folders"\n')
        assert len(rebuild_snapshots(load_config(project / "mizzle.toml"), scratch_url=url_for("postgres")).rebuilt) == 2
        assert named_rows(d) == theirs
        assert NO_CHANGES in kit1_generate(work, "step2", d, "again")
    finally:
        shutil.rmtree(work, ignore_errors=True)
