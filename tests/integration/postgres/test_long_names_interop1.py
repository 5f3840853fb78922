"""Names past PostgreSQL's 63 bytes in a drizzle-kit 1.x folder (found building 1.x folders from kan's and other
real schemas): drizzle-kit 1.x names an unnamed foreign key `<table>_<hash>_fkey` (`<hash>_fkey` for a table name of
45 characters or more) and keeps an unnamed index's whole `<table>_<columns>_index` in its snapshot, which the server
cuts. After `mizzle pull`, `generate` wrote `RENAME CONSTRAINT x TO x` and `ALTER INDEX <whole> RENAME TO <cut>`,
both refused by PostgreSQL ("already exists"); and mizzle named such a foreign key otherwise than drizzle-kit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pgtools import temp_database

from mizzle.commands.generate import generate
from mizzle.commands.pull import pull
from mizzle.config import load_config
from mizzle.errors import IntegrityError
from mizzle.runner.migrate import migrate
from mizzle.schema.naming import fk_name_v1

pytestmark = [pytest.mark.interop, pytest.mark.pg]

TESTS = Path(__file__).resolve().parents[2]
INTEROP1 = TESTS / "interop1"


def kit1_generate(work: Path, schema: Path, out: Path, name: str) -> str:
    """drizzle-kit 1.x generate of `schema` (copied under tests/interop1, for its drizzle-orm 1.x) into `out`."""
    if not (INTEROP1 / "node_modules" / "drizzle-kit" / "package.json").exists() or shutil.which("node") is None:
        pytest.fail("needs node and tests/interop1's drizzle-kit 1.x (npm ci in tests/interop1)", pytrace=False)
    (work / name).mkdir(parents=True)
    (work / name / "schema.ts").write_text(schema.read_text())
    (work / f"{name}.config.ts").write_text(
        f"export default {{ dialect: 'postgresql', schema: '{work / name / 'schema.ts'}', "
        f"out: '{os.path.relpath(out, INTEROP1)}' }};\n")
    p = subprocess.run([sys.executable, str(TESTS / "interop" / "drive_generate.py"), "--config",
                        str(work / f"{name}.config.ts"), "--name", name], cwd=INTEROP1, capture_output=True,
                       text=True, timeout=180)
    assert p.returncode == 0, f"drizzle-kit 1.x generate failed:\n{p.stdout}\n{p.stderr}"
    return p.stdout


def test_long_names_of_a_1x_folder_are_no_change_after_pull(pg_available: bool, tmp_path: Path) -> None:
    work = INTEROP1 / ".scratch" / f"long_{os.getpid()}_{tmp_path.name}"
    try:
        kit1_generate(work, INTEROP1 / "long_names" / "schema.ts", work / "D", "init")
        (sql,) = (work / "D").glob("*/migration.sql")
        # mizzle names an unnamed foreign key as drizzle-kit 1.x does, hash and all
        fks = dict(re.findall(r'ALTER TABLE "(\w+)" ADD CONSTRAINT "(\w+)" FOREIGN KEY', sql.read_text()))
        assert fks["_card_workspace_members"] == fk_name_v1("_card_workspace_members", ("workspaceMemberId",),
                                                            "workspace_members", ("id",))
        child2 = "child2_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        assert fks[child2] == fk_name_v1(child2, ("pid",), "a_rather_long_parent_table_name_for_testing", ("id",))
        project = tmp_path / "proj"
        (project / "app").mkdir(parents=True)
        shutil.copytree(work / "D", project / "migrations")
        (project / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n'
                                             '[migrations]\nlayout = "folders"\n')
        pulled = tmp_path / "pulled"
        pulled.mkdir()
        (pulled / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n')
        with temp_database("mzlong") as url:
            migrate(url=url, folder=project / "migrations")
            pull(load_config(pulled / "mizzle.toml"), url, mark=False)
        (project / "app" / "schema.py").write_text((pulled / "schema.py").read_text())
        for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
            del sys.modules[mod]
        try:
            result = generate(load_config(project / "mizzle.toml"), check=True)
        except IntegrityError as e:
            pytest.fail(f"generate --check after pull found changes: {e.message}\n{e.details}", pytrace=False)
        assert not result.changes
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _code_after_kit(tmp_path: Path, steps: Path, work: Path, column: str) -> str:
    """drizzle-kit 1.x generates `steps`/step1 into `work`/D; mizzle generates step2's schema.py (one column more)
    there; returns the text of mizzle's snapshot, after asserting drizzle-kit then finds step2.ts unchanged."""
    kit1_generate(work, steps / "step1" / "schema.ts", work / "D", "init")
    project = tmp_path / "proj"
    (project / "app").mkdir(parents=True)
    (project / "app" / "schema.py").write_text((steps / "step2" / "schema.py").read_text())
    (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{work / "D"}"\n'
                                         '[migrations]\nlayout = "folders"\n')
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    result = generate(load_config(project / "mizzle.toml"), name="note")
    assert result.changes == [f"+ column {column} text"], result.changes
    (snap,) = [p for p in (work / "D").glob("*/snapshot.json") if p.parent.name.endswith("_note")]
    out = kit1_generate(work, steps / "step2" / "schema.ts", work / "D", "again")
    assert "No schema changes" in out, out
    return snap.read_text()


def test_a_default_operator_class_drizzle_kit_names_is_no_change_for_it_after_mizzle(tmp_path: Path) -> None:
    """drizzle-kit 1.x keeps `.op("uuid_ops")` on a uuid column in its row; mizzle's model leaves a default operator
    class out. mizzle's next migration wrote an `alter` of that index into its snapshot (dittofeed: 32 indexes), and
    drizzle-kit's next generate dropped and built every such index again."""
    work = INTEROP1 / ".scratch" / f"opc_{os.getpid()}_{tmp_path.name}"
    try:
        snap = _code_after_kit(tmp_path, INTEROP1 / "default_opclass", work, "t.note")
        assert "indexes" not in snap  # no delta for an index mizzle did not change
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_check_and_a_where_spelt_otherwise_keep_drizzle_kits_text(tmp_path: Path) -> None:
    """The code spells a check and a partial index's WHERE as a person does (`amount > 0`), drizzle-kit as it does
    (`"tx"."amount" > 0`): the same, so mizzle's migration holds no SQL for them — but its snapshot held the code's
    text, and drizzle-kit's next generate dropped and made both again (a helper; on midday's folder also generated
    columns, expression indexes, policies and a view)."""
    work = INTEROP1 / ".scratch" / f"spell_{os.getpid()}_{tmp_path.name}"
    try:
        snap = _code_after_kit(tmp_path, INTEROP1 / "spellings", work, "tx.note")
        assert '"alter"' not in snap, snap
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_rebuilt_snapshot_keeps_the_operator_classes_the_sql_names(tmp_path: Path, pg_url) -> None:  # type: ignore[no-untyped-def]
    """`.op("uuid_ops")` (drizzle-kit pull writes it on every index column: midday) is in drizzle-kit's SQL and row;
    the server drops a default operator class, and the rebuilt snapshot had none, so drizzle-kit's next generate
    dropped and built every such index again (a helper)."""
    from mizzle.commands.verify import rebuild_snapshots

    steps = INTEROP1 / "default_opclass"
    work = INTEROP1 / ".scratch" / f"opcr_{os.getpid()}_{tmp_path.name}"
    try:
        kit1_generate(work, steps / "step1" / "schema.ts", work / "D", "init")
        for snap in (work / "D").glob("*/snapshot.json"):
            snap.unlink()
        (tmp_path / "mizzle.toml").write_text(f'dialect = "postgresql"\nout = "{work / "D"}"\n'
                                              '[migrations]\nlayout = "folders"\n')
        result = rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=pg_url())
        assert len(result.rebuilt) == 1, result
        out = kit1_generate(work, steps / "step1" / "schema.ts", work / "D", "again")
        assert "No schema changes" in out, out
    finally:
        shutil.rmtree(work, ignore_errors=True)
