"""Primary keys drizzle-kit 0.31 writes as the column's `primaryKey` while the server names them otherwise
(issue 14 item 4, issue 15 item 5): a table renamed by drizzle-kit keeps `<old>_pkey`; PRIMARY KEY and a named
UNIQUE on one column leave one constraint, the key, under the unique's name.

The folder is real drizzle-kit output (tests/interop/pk_rename/stepN/schema.ts; step 2 renames user_temp to
user, the rename prompt answered under a pseudo-terminal by drive_generate.py). Its snapshots are deleted and
rebuilt by `check --rebuild-snapshots`; then drizzle-kit must find nothing to do on the same TypeScript, and
mizzle's next migrations (generated from SQLAlchemy code) must apply to a database the folder built.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pgtools import schema_dump, temp_database, url_for

from mizzle.commands.generate import generate
from mizzle.commands.verify import rebuild_snapshots
from mizzle.config import load_config
from mizzle.runner.migrate import migrate

pytestmark = [pytest.mark.interop, pytest.mark.pg]

INTEROP = Path(__file__).resolve().parents[2] / "interop"
PAIR = INTEROP / "pk_rename"
DRIZZLE_KIT = INTEROP / "node_modules" / "drizzle-kit" / "bin.cjs"
NO_CHANGES = "No schema changes"

SCHEMA_PY = '''
import sqlalchemy as sa

md = sa.MetaData()
user = sa.Table("user", md, sa.Column("id", sa.Text, primary_key={id_key}), sa.Column("email", sa.Text, nullable=False),
                {extra})
server_setting = sa.Table(
    "serverSetting", md, sa.Column("setting_key", sa.Text, primary_key=True), sa.Column("value", sa.Text, nullable=False),
    sa.UniqueConstraint("setting_key", name="serverSetting_settingKey_unique"))
'''


@pytest.fixture(scope="module")
def node() -> str:
    node = shutil.which("node")
    if node is None or not DRIZZLE_KIT.exists():
        msg = f"needs node and tests/interop's drizzle-kit (node: {node}, {DRIZZLE_KIT}: {DRIZZLE_KIT.exists()})"
        if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
            pytest.skip(msg)
        pytest.fail(msg + " (set MIZZLE_ALLOW_SKIP_INTEROP=1 to skip the drizzle-kit interop tests)", pytrace=False)
    return node


def drizzle_generate(tmp: Path, step: str, out: Path, name: str, *answers: str) -> str:
    """drizzle-kit generate of pk_rename/<step>/schema.ts into `out`, its prompts answered; the transcript."""
    config = tmp / f"{step}.config.ts"  # no import: the file is outside the node_modules tree
    config.write_text(f"export default {{ dialect: 'postgresql', schema: '{PAIR / step / 'schema.ts'}', "
                      f"out: '{os.path.relpath(out, INTEROP)}' }};\n")
    args = [sys.executable, str(INTEROP / "drive_generate.py"), "--config", str(config), "--name", name]
    for a in answers:
        args += ["--answer", a]
    p = subprocess.run(args, cwd=INTEROP, capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, f"drizzle-kit generate ({step}) failed:\n{p.stdout}\n{p.stderr}"
    return p.stdout


def snapshots(out: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    return {p.name: json.loads(p.read_text()) for p in sorted((out / "meta").glob("*_snapshot.json"))}


@pytest.fixture
def rebuilt(node: str, pg_available: bool, tmp_path: Path) -> tuple[Path, dict[str, dict]]:  # type: ignore[type-arg]
    """drizzle-kit's folder with its snapshots rebuilt by mizzle, and drizzle-kit's own snapshots."""
    out = tmp_path / "out"
    drizzle_generate(tmp_path, "step1", out, "one")
    drizzle_generate(tmp_path, "step2", out, "two", "user=rename:user_temp")
    assert 'ALTER TABLE "user_temp" RENAME TO "user"' in (out / "0001_two.sql").read_text()
    originals = snapshots(out)
    for p in (out / "meta").glob("*_snapshot.json"):
        p.unlink()
    project = tmp_path / "proj"
    (project / "app").mkdir(parents=True)
    (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{out}"\n')
    (project / "app" / "schema.py").write_text(SCHEMA_PY.format(id_key=True, extra=""))
    result = rebuild_snapshots(load_config(project / "mizzle.toml"), scratch_url=url_for("postgres"))
    assert result.rebuilt == ["0000_one", "0001_two"]
    return out, originals


def test_rebuilt_snapshots_are_drizzle_kits_and_drizzle_kit_finds_no_changes(
        node: str, rebuilt: tuple[Path, dict[str, dict]], tmp_path: Path) -> None:  # type: ignore[type-arg]
    out, originals = rebuilt
    mine = snapshots(out)
    for name, orig in originals.items():  # the tables as drizzle-kit wrote them: keys as the columns' primaryKey
        assert mine[name]["tables"] == orig["tables"], name
    last = mine["0001_snapshot.json"]["tables"]
    assert last["public.user"]["columns"]["id"]["primaryKey"] is True
    assert last["public.user"]["compositePrimaryKeys"] == {}
    assert list(last["public.serverSetting"]["uniqueConstraints"]) == ["serverSetting_settingKey_unique"]
    # the server's names are not lost: mizzle's sidecar keeps them
    side = json.loads((out / "meta" / "_mizzle.json").read_text())["snapshots"]
    tables = side[mine["0001_snapshot.json"]["id"]]["tables"]
    assert tables["public.user"]["primaryKey"] == {"name": "user_temp_pkey"}
    assert tables["public.serverSetting"]["primaryKey"] == {"name": "serverSetting_settingKey_unique"}

    before = {str(p.relative_to(out)) for p in out.rglob("*")}
    transcript = drizzle_generate(tmp_path, "step2", out, "again")
    assert NO_CHANGES in transcript, transcript
    assert {str(p.relative_to(out)) for p in out.rglob("*")} == before


def _mizzle_generate(project: Path, extra: str, name: str, id_key: bool = True,  # type: ignore[no-untyped-def]
                     renames: dict[str, str] | None = None):
    (project / "app" / "schema.py").write_text(SCHEMA_PY.format(id_key=id_key, extra=extra))
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    return generate(load_config(project / "mizzle.toml"), name=name, renames=renames)


def test_generate_after_the_rename_drops_the_key_that_exists(
        rebuilt: tuple[Path, dict[str, dict]], tmp_path: Path) -> None:  # type: ignore[type-arg]
    out, _ = rebuilt
    project = tmp_path / "proj"
    assert not _mizzle_generate(project, "", "nothing").changes  # the rebuilt folder and the code agree
    # a change elsewhere in the table: the next snapshot keeps the key's server name
    added = _mizzle_generate(project, 'sa.Column("name", sa.Text)', "add_name")
    assert added.written and "DROP CONSTRAINT" not in added.sql
    # the key changes: the constraint dropped is the one the server has
    moved = _mizzle_generate(project, 'sa.Column("name", sa.Text), sa.PrimaryKeyConstraint("id", "email")', "key",
                             id_key=False)
    assert 'DROP CONSTRAINT "user_temp_pkey"' in moved.sql, moved.sql
    with temp_database("mzpk") as url:  # the whole folder, drizzle-kit's migrations and mizzle's, applies
        migrate(url=url, folder=out)


def test_generate_on_drizzle_kits_own_snapshots_warns_of_the_assumed_key_name(node: str, pg_available: bool,
                                                                              tmp_path: Path) -> None:
    """Without the sidecar's name (snapshots not rebuilt), the key is dropped as drizzle-kit would name it, and
    generate says why that may fail: the folder renamed the table."""
    out = tmp_path / "out"
    drizzle_generate(tmp_path, "step1", out, "one")
    drizzle_generate(tmp_path, "step2", out, "two", "user=rename:user_temp")
    project = tmp_path / "proj"
    (project / "app").mkdir(parents=True)
    (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{out}"\n')
    moved = _mizzle_generate(project, 'sa.PrimaryKeyConstraint("id", "email")', "key", id_key=False)
    assert 'DROP CONSTRAINT "user_pkey"' in moved.sql
    assert any("0001_two renamed the table to user" in w and "--rebuild-snapshots" in w for w in moved.warnings), \
        moved.warnings


# -- drizzle-kit 1.x (tests/interop1): the same rename in the 1.x layout ---------------------------------------

INTEROP1 = INTEROP.parent / "interop1"
LAYOUT_1X = '[migrations]\nlayout = "folders"\n'


def kit1_generate(work: Path, step: str, out: Path, name: str, *answers: str) -> str:
    """drizzle-kit 1.x generate (run from tests/interop1, the schema copied under it so that its drizzle-orm
    import is the 1.x package)."""
    (work / step).mkdir(parents=True, exist_ok=True)
    (work / step / "schema.ts").write_text((PAIR / step / "schema.ts").read_text())
    config = work / f"{step}.config.ts"
    config.write_text(f"export default {{ dialect: 'postgresql', schema: '{work / step / 'schema.ts'}', "
                      f"out: '{os.path.relpath(out, INTEROP1)}' }};\n")
    args = [sys.executable, str(INTEROP / "drive_generate.py"), "--config", str(config), "--name", name]
    for a in answers:
        args += ["--answer", a]
    p = subprocess.run(args, cwd=INTEROP1, capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, f"drizzle-kit 1.x generate ({step}) failed:\n{p.stdout}\n{p.stderr}"
    return p.stdout


def pk_rows(folder: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    from mizzle.dialects.postgres.snapshot_v9 import FOLDER_CODEC
    from mizzle.migrations import folders1

    snapshots = folders1.load_snapshots(folder)
    assert snapshots
    state = FOLDER_CODEC.state_after(snapshots, folders1.leaves(snapshots), str(folder))
    return {r["table"]: r for r in state.values() if r["entityType"] == "pks"}


def test_1x_layout_keeps_the_key_name_through_a_rename_as_drizzle_kit_1x_does(pg_available: bool,
                                                                              tmp_path: Path) -> None:
    if not (INTEROP1 / "node_modules" / "drizzle-kit" / "package.json").exists() or shutil.which("node") is None:
        pytest.fail("needs node and tests/interop1's drizzle-kit 1.x (npm ci in tests/interop1)", pytrace=False)
    work = INTEROP1 / ".scratch" / f"pk_{os.getpid()}_{tmp_path.name}"
    try:
        d, m = work / "D", work / "M"
        kit1_generate(work, "step1", d, "one")
        shutil.copytree(d, m)  # M: drizzle-kit's first migration, the rename by mizzle
        kit1_generate(work, "step2", d, "two", "user=rename:user_temp")
        assert pk_rows(d)["user"]["name"] == "user_temp_pkey"  # what drizzle-kit 1.x does

        project = tmp_path / "proj"
        (project / "app").mkdir(parents=True)
        (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{m}"\n'
                                             + LAYOUT_1X)
        renamed = _mizzle_generate(project, "", "two", renames={"user_temp": "user"})
        assert "RENAME CONSTRAINT" not in renamed.sql, renamed.sql
        assert pk_rows(m)["user"] == pk_rows(d)["user"]
        again = kit1_generate(work, "step2", m, "again")
        assert NO_CHANGES in again, again
        with temp_database("mzpk1d") as url_d, temp_database("mzpk1m") as url_m:
            migrate(url=url_d, folder=d)
            migrate(url=url_m, folder=m)
            assert schema_dump(url_d) == schema_dump(url_m)

        # mizzle continuing drizzle-kit's folder: nothing to do; a new key drops the constraint that exists
        (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{d}"\n'
                                             + LAYOUT_1X)
        assert not _mizzle_generate(project, "", "nothing").changes
        moved = _mizzle_generate(project, 'sa.PrimaryKeyConstraint("id", "email")', "key", id_key=False)
        assert 'DROP CONSTRAINT "user_temp_pkey"' in moved.sql, moved.sql
        with temp_database("mzpk1") as url:
            migrate(url=url, folder=d)
    finally:
        shutil.rmtree(work, ignore_errors=True)



def test_1x_snapshots_rebuilt_name_the_keys_as_drizzle_kit_1x_does(pg_available: bool, tmp_path: Path) -> None:
    """drizzle-kit 1.x's folder with its snapshot.json files deleted and rebuilt by `check --rebuild-snapshots`:
    the key rows are drizzle-kit's. A renamed table's key keeps `<old>_pkey` (drizzle-kit 1.x keeps it too); a key
    PostgreSQL named after the UNIQUE declared on its column is `<table>_pkey` in drizzle-kit's row, the server's
    name kept in the sidecar (homarr-labs/homarr's serverSetting, its folder converted by drizzle-kit 1.0.0-rc.5's
    `up`: the rebuilt row was named serverSetting_settingKey_unique)."""
    if not (INTEROP1 / "node_modules" / "drizzle-kit" / "package.json").exists() or shutil.which("node") is None:
        pytest.fail("needs node and tests/interop1's drizzle-kit 1.x (npm ci in tests/interop1)", pytrace=False)
    work = INTEROP1 / ".scratch" / f"pkr_{os.getpid()}_{tmp_path.name}"
    try:
        d = work / "D"
        kit1_generate(work, "step1", d, "one")
        kit1_generate(work, "step2", d, "two", "user=rename:user_temp")
        r = tmp_path / "R"
        shutil.copytree(d, r)
        for p in r.glob("*/snapshot.json"):
            p.unlink()
        project = tmp_path / "proj"
        (project / "app").mkdir(parents=True)
        (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{r}"\n')
        (project / "app" / "schema.py").write_text(SCHEMA_PY.format(id_key=True, extra=""))
        result = rebuild_snapshots(load_config(project / "mizzle.toml"), scratch_url=url_for("postgres"))
        assert len(result.rebuilt) == 2
        assert pk_rows(d)["serverSetting"]["name"] == "serverSetting_pkey"  # what drizzle-kit 1.x writes
        assert pk_rows(r) == pk_rows(d)
    finally:
        shutil.rmtree(work, ignore_errors=True)

def test_a_renamed_tables_composite_key_is_renamed_along_not_dropped(pg_available: bool, tmp_path: Path) -> None:
    """A composite key the code leaves unnamed is `<table>_pkey` (naming "postgresql"): a table rename renames it
    along (it was dropped and added again, rebuilding its index under an exclusive lock)."""
    project = tmp_path / "proj"
    (project / "app").mkdir(parents=True)
    (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{tmp_path / "out"}"\n'
                                         'naming = "postgresql"\n')  # what `mizzle init` writes
    code = ('import sqlalchemy as sa\nmd = sa.MetaData()\n'
            'pair = sa.Table("{}", md, sa.Column("a", sa.Integer, primary_key=True), '
            'sa.Column("b", sa.Integer, primary_key=True))\n')

    def gen(table: str, name: str, **kw):  # type: ignore[no-untyped-def]
        (project / "app" / "schema.py").write_text(code.format(table))
        for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
            del sys.modules[mod]
        return generate(load_config(project / "mizzle.toml"), name=name, **kw)

    gen("pair_temp", "one")
    renamed = gen("pair", "two", renames={"pair_temp": "pair"})
    assert 'RENAME CONSTRAINT "pair_temp_pkey" TO "pair_pkey"' in renamed.sql and "DROP" not in renamed.sql, renamed.sql
    assert not gen("pair", "three").changes
    with temp_database("mzpkc") as url:
        migrate(url=url, folder=tmp_path / "out")
        assert 'CONSTRAINT pair_pkey PRIMARY KEY' in schema_dump(url)


def test_renaming_again_a_table_drizzle_kit_renamed_applies(node: str, pg_available: bool, tmp_path: Path) -> None:
    """drizzle-kit renamed user_temp to user and left the key `user_temp_pkey` (its own snapshots, not rebuilt:
    no server name known). mizzle renaming user to account wrote `RENAME CONSTRAINT "user_pkey" TO "account_pkey"`,
    which failed on the database the folder built (PostgreSQL has no RENAME CONSTRAINT IF EXISTS): the rename is
    guarded by a pg_constraint lookup, as `--idempotent` writes it."""
    out = tmp_path / "out"
    drizzle_generate(tmp_path, "step1", out, "one")
    drizzle_generate(tmp_path, "step2", out, "two", "user=rename:user_temp")
    project = tmp_path / "proj"
    (project / "app").mkdir(parents=True)
    (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{out}"\n')
    (project / "app" / "schema.py").write_text(SCHEMA_PY.format(id_key=True, extra="").replace(
        'sa.Table("user"', 'sa.Table("account"'))
    renamed = generate(load_config(project / "mizzle.toml"), name="three", renames={"user": "account"})
    assert 'RENAME CONSTRAINT "user_pkey" TO "account_pkey"' in renamed.sql, renamed.sql
    with temp_database("mzpkagain") as url:  # drizzle-kit's migrations, then mizzle's
        migrate(url=url, folder=out)
        assert "CONSTRAINT user_temp_pkey PRIMARY KEY" in schema_dump(url)
