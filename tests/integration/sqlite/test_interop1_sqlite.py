"""SQLite in drizzle-kit 1.x's folder layout, against drizzle-kit 1.0.0-rc.5 (tests/interop1). Its SQLite snapshots
are version "7" with the whole schema as `ddl` rows and `prevIds` (mizzle.dialects.sqlite.snapshot_1x).

tests/interop1/sqlite/stepN hold one schema twice (schema.ts and its SQLAlchemy twin schema.py), three steps that
add, change and drop tables, columns, indexes, unique constraints, foreign keys and a view. drizzle-kit writes them
into folder D, mizzle into M (`[migrations] layout = "folders"`), and at every step:

(a) each tool, continuing the other's folder, finds no changes;
(b) mizzle applies D and M, and the two databases hold the same schema (read back by mizzle's introspection:
    drizzle-kit writes `.unique()` inline where mizzle creates a unique index of the same name);
(c) `verify` replays both folders;
(d) drizzle-orm 1.x's migrator (tests/interop1/migrate_sqlite.mjs) and `mizzle migrate` finish each other's runs
    on both folders, and then neither finds anything to do.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import mizzle_fork
import pytest
from sqlite_support import db_model, model_diff

from mizzle.commands.generate import generate
from mizzle.commands.verify import verify
from mizzle.config import load_config
from mizzle.errors import IntegrityError
from mizzle.runner.migrate import migrate, status

pytestmark = pytest.mark.interop

INTEROP1 = Path(__file__).resolve().parents[2] / "interop1"
DRIZZLE_KIT = INTEROP1 / "node_modules" / "drizzle-kit" / "bin.cjs"
STEPS = sorted((INTEROP1 / "sqlite").glob("step*"))


@pytest.fixture(scope="module")
def node() -> str:
    node = shutil.which("node")
    better_sqlite3 = INTEROP1.parent / "interop" / "node_modules" / "better-sqlite3" / "package.json"
    if node is None or not DRIZZLE_KIT.exists() or not better_sqlite3.exists():
        if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
            pytest.skip("needs node, drizzle-kit 1.x and better-sqlite3 (npm ci in tests/interop1 and tests/interop)")
        pytest.fail("needs node, drizzle-kit 1.x in tests/interop1/node_modules and better-sqlite3 in "
                    "tests/interop/node_modules (npm ci in both)", pytrace=False)
    assert node is not None
    return node


def _kit(node: str, schema_ts: Path, out: Path, name: str) -> str:
    p = subprocess.run([node, str(DRIZZLE_KIT), "generate", "--dialect", "sqlite", "--schema", str(schema_ts),
                        "--out", os.path.relpath(out, INTEROP1), "--name", name], cwd=INTEROP1,
                       env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout + p.stderr


def _config(project: Path, step: Path, out: Path):  # type: ignore[no-untyped-def]
    (project / "twin").mkdir(parents=True, exist_ok=True)
    (project / "twin" / "schema.py").write_text((step / "schema.py").read_text())
    (project / "mizzle.toml").write_text(f'dialect = "sqlite"\nschema = ["twin/schema.py"]\nout = "{out}"\n'
                                         '[migrations]\nlayout = "folders"\n')
    for m in [m for m in sys.modules if m == "twin" or m.startswith("twin.")]:
        del sys.modules[m]
    return load_config(project / "mizzle.toml")


def _dirs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if (p / "migration.sql").is_file())


def test_sqlite_twin_history_continues_both_ways(node: str, tmp_path: Path) -> None:
    work = INTEROP1 / ".scratch" / f"sqlite_{uuid.uuid4().hex[:8]}"
    folder_d, folder_m = work / "D", tmp_path / "M"
    problems: list[str] = []
    try:
        for step in STEPS:
            work.mkdir(parents=True, exist_ok=True)
            shutil.copy(step / "schema.ts", work / "schema.ts")  # under tests/interop1: drizzle-orm 1.x
            _kit(node, work / "schema.ts", folder_d, step.name)
            assert generate(_config(tmp_path / "proj", step, folder_m), name=step.name).written, step.name
            try:
                generate(_config(tmp_path / "proj", step, folder_d), check=True)
            except IntegrityError as e:
                problems.append(f"{step.name}: mizzle finds changes in drizzle-kit's folder: {e} {e.details}")
            copy = work / "Mcopy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(folder_m, copy)
            out = _kit(node, work / "schema.ts", copy, step.name + "_again")
            extra = _dirs(copy)[len(_dirs(folder_m)):]
            if extra:
                problems.append(f"{step.name}: drizzle-kit 1.x finds changes in mizzle's folder:\n{out}\n"
                                + "\n".join((d / "migration.sql").read_text() for d in extra))
        assert not problems, "\n".join(problems)
        snaps = [(d / "snapshot.json").read_text() for d in _dirs(folder_m)]
        assert all('"version": "7"' in s and '"ddl"' in s and '"prevIds"' in s for s in snaps)
        db_d, db_m = tmp_path / "d.db", tmp_path / "m.db"
        migrate(url=f"sqlite:///{db_d}", folder=folder_d)
        migrate(url=f"sqlite:///{db_m}", folder=folder_m)
        assert model_diff(db_model(db_d), db_model(db_m)) == []
        st = status(url=f"sqlite:///{db_m}", folder=folder_m)
        assert not st.problems and all(s.state == "applied" for s in st.states)
        for folder in (folder_d, folder_m):
            result = verify(_config(tmp_path / "proj", STEPS[-1], folder), scratch_url=None)
            assert result.ok, (folder.name, result.to_json())
        for folder in (folder_d, folder_m):
            _finish_each_others_runs(node, folder, tmp_path / f"runs_{folder.name}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _orm_migrate(node: str, db: Path, folder: Path) -> None:
    p = subprocess.run([node, str(INTEROP1 / "migrate_sqlite.mjs"), str(db), str(folder)], cwd=INTEROP1,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"drizzle-orm 1.x's migrator failed on {folder}:\n{p.stdout}\n{p.stderr}"


def _tracked(db: Path) -> list[str]:
    with sqlite3.connect(db) as c:
        return [r[0] for r in c.execute('SELECT name FROM "__drizzle_migrations" ORDER BY created_at')]


def _finish_each_others_runs(node: str, folder: Path, work: Path) -> None:
    names = [d.name for d in _dirs(folder)]
    half = work / "half"
    half.mkdir(parents=True)
    for d in _dirs(folder)[:1]:
        shutil.copytree(d, half / d.name)
    a, b = work / "a.db", work / "b.db"
    # drizzle-orm starts, mizzle finishes, drizzle-orm finds nothing to do
    _orm_migrate(node, a, half)
    assert [m.tag for m in migrate(url=f"sqlite:///{a}", folder=folder).applied] == names[1:]
    _orm_migrate(node, a, folder)
    # mizzle starts, drizzle-orm finishes (upgrading the tracking table), mizzle finds nothing to do
    migrate(url=f"sqlite:///{b}", folder=half)
    _orm_migrate(node, b, folder)
    assert migrate(url=f"sqlite:///{b}", folder=folder).applied == []
    assert len(_tracked(b)) == len(names)
    assert model_diff(db_model(a), db_model(b)) == []


RENAME_TS = ("import {{ integer, sqliteTable, text }} from 'drizzle-orm/sqlite-core';\n"
             "export const {table} = sqliteTable('{table}', {{ id: integer('id').primaryKey(), {col}: text('{col}') }});\n")
RENAME_PY = ('import sqlalchemy as sa\nmd = sa.MetaData()\n'
             't = sa.Table("{table}", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("{col}", sa.Text))\n')


def test_sqlite_renames_are_recorded_as_drizzle_kit_records_them(node: str, tmp_path: Path) -> None:
    """A table and a column renamed: mizzle's snapshot lists them in `renames` as drizzle-kit 1.x does (given the
    same renames as --hints), and drizzle-kit continues mizzle's folder with no changes."""
    import json

    work = INTEROP1 / ".scratch" / f"sqlite_rn_{uuid.uuid4().hex[:8]}"
    hints = json.dumps([{"type": "rename", "kind": "table", "from": ["public", "users"], "to": ["public", "people"]},
                        {"type": "rename", "kind": "column", "from": ["public", "people", "name"],
                         "to": ["public", "people", "nick"]}])
    (tmp_path / "app").mkdir()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "M"\n'
                                          '[migrations]\nlayout = "folders"\n')
    try:
        work.mkdir(parents=True)
        for n, (table, col) in enumerate((("users", "name"), ("people", "nick"))):
            (work / "schema.ts").write_text(RENAME_TS.format(table=table, col=col))
            extra = ["--hints", hints] if n else []
            p = subprocess.run([node, str(DRIZZLE_KIT), "generate", "--dialect", "sqlite", "--schema",
                                str(work / "schema.ts"), "--out", os.path.relpath(work / "D", INTEROP1), "--name",
                                f"s{n}", *extra], cwd=INTEROP1, stdin=subprocess.DEVNULL, capture_output=True,
                               text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})
            assert p.returncode == 0, p.stdout + p.stderr
            (tmp_path / "app" / "schema.py").write_text(RENAME_PY.format(table=table, col=col))
            renames = ["--rename", "users=people", "--rename", "people.name=people.nick"] if n else []
            p = mizzle_fork.run(["generate", "--name", f"s{n}", *renames], cwd=tmp_path, timeout=120)
            assert p.returncode == 0, p.stderr
        theirs = json.loads((_dirs(work / "D")[-1] / "snapshot.json").read_text())["renames"]
        ours = json.loads((_dirs(tmp_path / "M")[-1] / "snapshot.json").read_text())["renames"]
        assert ours == theirs == ["users->people", "people.name->people.nick"]
        shutil.copytree(tmp_path / "M", work / "Mcopy")
        out = _kit(node, work / "schema.ts", work / "Mcopy", "again")
        assert len(_dirs(work / "Mcopy")) == 2, out
    finally:
        shutil.rmtree(work, ignore_errors=True)


NAMES_TS = """import {{ index, integer, sqliteTable, text, unique }} from 'drizzle-orm/sqlite-core';
export const owner = sqliteTable('owner', {{ id: integer('id').primaryKey() }});
export const u = sqliteTable('{table}', {{
  id: text('id').primaryKey(), email: text('email').notNull(){uq}, nick: text('nick'), a: text('a'), b: text('b'),
  ownerId: integer('owner_id').references(() => owner.id{cascade_ts}),
}}, (t) => [unique().on(t.a, t.b), index('user_temp_nick_idx').on(t.nick)]);
export const child = sqliteTable('child', {{ id: integer('id').primaryKey(), uid: text('uid').references(() => u.id) }});
"""
NAMES_PY = """import sqlalchemy as sa
md = sa.MetaData()
owner = sa.Table("owner", md, sa.Column("id", sa.Integer, primary_key=True))
u = sa.Table("{table}", md, sa.Column("id", sa.Text, primary_key=True),
             sa.Column("email", sa.Text, nullable=False{uq}), sa.Column("nick", sa.Text),
             sa.Column("a", sa.Text), sa.Column("b", sa.Text), sa.Column("owner_id", sa.Integer,
             sa.ForeignKey("owner.id"{cascade_py})), sa.UniqueConstraint("a", "b"), sa.Index("user_temp_nick_idx", "nick"))
child = sa.Table("child", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("uid", sa.Text, sa.ForeignKey("{table}.id")))
"""


def test_a_renamed_tables_unnamed_names_stay_as_drizzle_kit_1x_keeps_them(node: str, tmp_path: Path) -> None:
    """drizzle-kit 1.0.0-rc.5 renames a SQLite table and nothing else: its rows keep `user_temp_pk`,
    `user_temp_email_unique`, `user_temp_a_b_unique`, `fk_user_temp_owner_id_owner_id_fk` and the referencing
    `fk_child_uid_user_temp_id_fk`. mizzle writes the same rows and the same SQL (no index dropped and made again),
    each tool continues the other's folder with no changes, and the databases are the same (sqlite_master)."""
    import json
    import time

    work = INTEROP1 / ".scratch" / f"sqlite_names_{uuid.uuid4().hex[:8]}"
    d, m = work / "D", tmp_path / "M"
    hints = json.dumps([{"type": "rename", "kind": "table", "from": ["public", "user_temp"], "to": ["public", "user"]}])
    try:
        work.mkdir(parents=True)
        step2 = {"uq": ".unique()", "cascade_ts": "", "cascade_py": ""}
        (work / "schema.ts").write_text(NAMES_TS.format(table="user_temp", **step2))
        _kit(node, work / "schema.ts", d, "one")
        shutil.copytree(d, m)
        time.sleep(1.1)  # drizzle-kit names a folder by the second: two in one second share their `when`
        (work / "schema.ts").write_text(NAMES_TS.format(table="user", **step2))
        p = subprocess.run([node, str(DRIZZLE_KIT), "generate", "--dialect", "sqlite", "--schema", str(work / "schema.ts"),
                            "--out", os.path.relpath(d, INTEROP1), "--name", "two", "--hints", hints], cwd=INTEROP1,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "NO_COLOR": "1"})
        assert p.returncode == 0, p.stdout + p.stderr
        (tmp_path / "twin").mkdir()
        (tmp_path / "twin" / "schema.py").write_text(NAMES_PY.format(table="user", uq=", unique=True", cascade_py=""))
        for mod in [k for k in sys.modules if k == "twin" or k.startswith("twin.")]:
            del sys.modules[mod]

        def config(out: Path):  # type: ignore[no-untyped-def]
            (tmp_path / "mizzle.toml").write_text(f'dialect = "sqlite"\nschema = ["twin/schema.py"]\nout = "{out}"\n'
                                                  '[migrations]\nlayout = "folders"\n')
            return load_config(tmp_path / "mizzle.toml")

        renamed = generate(config(m), name="two", renames={"user_temp": "user"})
        theirs = json.loads((_dirs(d)[-1] / "snapshot.json").read_text())
        ours = json.loads((_dirs(m)[-1] / "snapshot.json").read_text())
        names = {r["name"] for r in theirs["ddl"]}
        assert {"user_temp_pk", "user_temp_email_unique", "user_temp_a_b_unique", "fk_user_temp_owner_id_owner_id_fk",
                "fk_child_uid_user_temp_id_fk"} <= names  # drizzle-kit 1.x's way
        key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
        assert sorted(map(key, ours["ddl"])) == sorted(map(key, theirs["ddl"]))
        assert renamed.sql.strip() == (_dirs(d)[-1] / "migration.sql").read_text().strip()
        assert not generate(config(d), name="nothing").changes  # mizzle continues drizzle-kit's folder
        shutil.copytree(m, work / "Mcopy")
        out = _kit(node, work / "schema.ts", work / "Mcopy", "again")
        assert len(_dirs(work / "Mcopy")) == 2, out  # and drizzle-kit 1.x mizzle's
        dbs = []
        for folder in (d, m):
            db = tmp_path / f"{folder.name}.db"
            migrate(url=f"sqlite:///{db}", folder=folder)
            with sqlite3.connect(db) as c:
                dbs.append(sorted(c.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                            "WHERE name NOT LIKE '%drizzle%'")))
        assert dbs[0] == dbs[1]

        # step 3 (email's unique dropped, the owner fk changed), by mizzle on drizzle-kit's folder and by drizzle-kit
        (work / "schema.ts").write_text(NAMES_TS.format(table="user", uq="", cascade_ts=", { onDelete: 'cascade' }"))
        (tmp_path / "twin" / "schema.py").write_text(NAMES_PY.format(table="user", uq="", cascade_py=', ondelete="CASCADE"'))
        for mod in [k for k in sys.modules if k == "twin" or k.startswith("twin.")]:
            del sys.modules[mod]
        shutil.copytree(d, work / "D3")
        time.sleep(1.1)
        later = generate(config(work / "D3"), name="three")
        assert "CREATE UNIQUE INDEX `user_temp_a_b_unique`" in later.sql, later.sql  # rebuilt by the name it has
        time.sleep(1.1)
        _kit(node, work / "schema.ts", d, "three")
        theirs, ours = (json.loads((_dirs(f)[-1] / "snapshot.json").read_text()) for f in (d, work / "D3"))
        assert sorted(map(key, ours["ddl"])) == sorted(map(key, theirs["ddl"]))  # the changed fk: its new name
        assert "fk_user_owner_id_owner_id_fk" in {r["name"] for r in ours["ddl"]}
        out = _kit(node, work / "schema.ts", work / "D3", "again3")
        assert len(_dirs(work / "D3")) == 3, out
        migrate(url=f"sqlite:///{tmp_path / 'd3.db'}", folder=work / "D3")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_key_declared_unique_too_is_no_difference(node: str, tmp_path: Path) -> None:
    """`text().notNull().unique().primaryKey()` (homarr): drizzle-kit 1.x's SQL makes no unique index, its snapshot
    has a `uniques` row. verify said `- index serverSetting_settingKey_unique`, and after `pull` generate wrote a DROP
    INDEX of an index that does not exist."""
    from mizzle.commands.pull import pull

    work = INTEROP1 / ".scratch" / f"sqlite_key_{uuid.uuid4().hex[:8]}"
    try:
        _kit(node, INTEROP1 / "sqlite_key_unique" / "schema.ts", work / "D", "init")
        project = tmp_path / "proj"
        project.mkdir()
        shutil.copytree(work / "D", project / "migrations")
        (project / "mizzle.toml").write_text('dialect = "sqlite"\nout = "migrations"\n[migrations]\nlayout = "folders"\n')
        result = verify(load_config(project / "mizzle.toml"))
        assert result.ok, [s.changes for s in result.steps]
        db = tmp_path / "app.db"
        migrate(url=f"sqlite:///{db}", folder=project / "migrations")
        pulled = tmp_path / "pulled"
        pulled.mkdir()
        (pulled / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "drizzle"\n')
        pull(load_config(pulled / "mizzle.toml"), f"sqlite:///{db}", mark=False)
        (project / "twin").mkdir()
        (project / "twin" / "schema.py").write_text((pulled / "schema.py").read_text())
        (project / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["twin/schema.py"]\nout = "migrations"\n'
                                             '[migrations]\nlayout = "folders"\n')
        for m in [m for m in sys.modules if m == "twin" or m.startswith("twin.")]:
            del sys.modules[m]
        try:
            generate(load_config(project / "mizzle.toml"), check=True)
        except IntegrityError as e:
            pytest.fail(f"generate --check after pull found changes: {e.message}\n{e.details}", pytrace=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_key_declared_unique_too_stays_in_the_next_snapshot(node: str, tmp_path: Path) -> None:
    """homarr's serverSetting (`text().notNull().unique().primaryKey()`) in a drizzle-kit 1.x folder, then a column
    added to another table by `mizzle generate`: mizzle's snapshot left out the `uniques` row on the key (its model
    folds such a unique into the key), and drizzle-kit 1.x's next generate rebuilt serverSetting to add it back."""
    work = INTEROP1 / ".scratch" / f"sqlite_key2_{uuid.uuid4().hex[:8]}"
    try:
        ts = (INTEROP1 / "sqlite_key_unique" / "schema.ts").read_text()
        (work / "v1").mkdir(parents=True)
        (work / "v1" / "schema.ts").write_text(ts + "export const app = sqliteTable('app', { id: text().primaryKey() });\n")
        _kit(node, work / "v1" / "schema.ts", work / "D", "init")
        twin = tmp_path / "key_unique_twin.py"
        twin.write_text(
            "import sqlalchemy as sa\n\nmd = sa.MetaData()\n"
            "sa.Table('serverSetting', md, sa.Column('settingKey', sa.Text, primary_key=True, unique=True),\n"
            "         sa.Column('value', sa.Text, nullable=False, server_default='{\"json\": {}}'))\n"
            "sa.Table('app', md, sa.Column('id', sa.Text, primary_key=True), sa.Column('category', sa.Text))\n")
        (tmp_path / "mizzle.toml").write_text(f'dialect = "sqlite"\nschema = ["{twin}"]\nout = "{work / "D"}"\n')
        time.sleep(1.1)
        made = generate(load_config(tmp_path / "mizzle.toml"), name="category")
        assert made.sql.strip() == "ALTER TABLE `app` ADD `category` text;", made.sql
        (work / "v2").mkdir()
        (work / "v2" / "schema.ts").write_text(
            ts + "export const app = sqliteTable('app', { id: text().primaryKey(), category: text() });\n")
        out = _kit(node, work / "v2" / "schema.ts", work / "D", "again")
        assert len(_dirs(work / "D")) == 2, out + (_dirs(work / "D")[-1] / "migration.sql").read_text()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_rebuilt_unique_index_under_a_constraints_name_stays_an_index(node: str, tmp_path: Path) -> None:
    """`uniqueIndex("incident_monitor_id_started_at_unique")`: the name a `.unique()` would get. The rebuilt
    snapshot had a `uniques` row for it, and drizzle-kit 1.x's next generate rebuilt the table (a helper)."""
    from mizzle.commands.verify import rebuild_snapshots

    work = INTEROP1 / ".scratch" / f"sqlite_uix_{uuid.uuid4().hex[:8]}"
    schema = INTEROP1 / "sqlite_unique_index" / "schema.ts"
    try:
        _kit(node, schema, work / "D", "init")
        (snap,) = [p for p in (work / "D").glob("*/snapshot.json")]
        kit_own = snap.read_text()
        snap.unlink()
        (tmp_path / "mizzle.toml").write_text(f'dialect = "sqlite"\nout = "{work / "D"}"\n[migrations]\nlayout = "folders"\n')
        assert len(rebuild_snapshots(load_config(tmp_path / "mizzle.toml")).rebuilt) == 1
        assert '"uniques"' not in snap.read_text() and '"uniques"' not in kit_own, snap.read_text()
        out = _kit(node, schema, work / "D", "again")
        assert "No schema changes" in out, out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_rebuilt_snapshot_keeps_a_unique_the_key_absorbed(node: str, tmp_path: Path) -> None:
    """homarr's serverSetting (`text().notNull().unique().primaryKey()`, `PRIMARY KEY UNIQUE` in the SQL, then the
    table rebuilt by drizzle-kit through `__new_serverSetting`): SQLite makes no index for the UNIQUE, so the
    snapshots `check --rebuild-snapshots` wrote lacked drizzle-kit's `uniques` row, and drizzle-kit 1.x's next
    generate rebuilt the table to add it back."""
    from mizzle.commands.verify import rebuild_snapshots

    work = INTEROP1 / ".scratch" / f"sqlite_keyrb_{uuid.uuid4().hex[:8]}"
    try:
        ts = (INTEROP1 / "sqlite_key_unique" / "schema.ts").read_text()
        (work / "v1").mkdir(parents=True)
        (work / "v1" / "schema.ts").write_text(ts)
        _kit(node, work / "v1" / "schema.ts", work / "D", "init")
        (work / "v2").mkdir()
        (work / "v2" / "schema.ts").write_text(ts.replace("""default('{"json": {}}')""", "default('{}')"))
        time.sleep(1.1)
        _kit(node, work / "v2" / "schema.ts", work / "D", "rebuilt")
        assert "__new_serverSetting" in (_dirs(work / "D")[-1] / "migration.sql").read_text()
        kit_own = {}
        for d in _dirs(work / "D"):
            kit_own[d.name] = json.loads((d / "snapshot.json").read_text())["ddl"]
            (d / "snapshot.json").unlink()
        (tmp_path / "mizzle.toml").write_text(f'dialect = "sqlite"\nout = "{work / "D"}"\n[migrations]\nlayout = "folders"\n')
        assert len(rebuild_snapshots(load_config(tmp_path / "mizzle.toml")).rebuilt) == 2
        for d in _dirs(work / "D"):
            ours = json.loads((d / "snapshot.json").read_text())["ddl"]
            assert sorted(map(json.dumps, ours)) == sorted(map(json.dumps, kit_own[d.name])), d.name
        out = _kit(node, work / "v2" / "schema.ts", work / "D", "again")
        assert "No schema changes" in out, out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_named_composite_key_keeps_its_name_through_rebuild_and_pull(node: str, tmp_path: Path) -> None:
    """papra-hq/papra's documents_tags: `primaryKey({ name: 'documents_tags_pkey', columns: [...] })`, which
    drizzle-kit 1.x writes `CONSTRAINT documents_tags_pkey PRIMARY KEY(…)`. Introspection gave the key the default
    name: the rebuilt snapshot and the folder `pull` wrote had `documents_tags_pk` (nameExplicit false), the pulled
    module `documents_tags_document_id_tag_id_pk`, and drizzle-kit 1.x's next generate rebuilt the table."""
    from mizzle.commands.pull import pull
    from mizzle.commands.verify import rebuild_snapshots

    work = INTEROP1 / ".scratch" / f"sqlite_named_pk_{uuid.uuid4().hex[:8]}"
    schema = INTEROP1 / "sqlite_named_pk" / "schema.ts"
    try:
        _kit(node, schema, work / "D", "init")
        (d,) = _dirs(work / "D")
        kit_own = json.loads((d / "snapshot.json").read_text())["ddl"]
        db = tmp_path / "app.db"
        migrate(url=f"sqlite:///{db}", folder=work / "D")
        (d / "snapshot.json").unlink()
        (tmp_path / "mizzle.toml").write_text(f'dialect = "sqlite"\nout = "{work / "D"}"\n[migrations]\nlayout = "folders"\n')
        assert len(rebuild_snapshots(load_config(tmp_path / "mizzle.toml")).rebuilt) == 1
        ours = json.loads((d / "snapshot.json").read_text())["ddl"]
        assert sorted(map(json.dumps, ours)) == sorted(map(json.dumps, kit_own))
        assert "No schema changes" in _kit(node, schema, work / "D", "again")
        pulled = tmp_path / "pulled"
        pulled.mkdir()
        (pulled / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "P"\n'
                                            '[migrations]\nlayout = "folders"\n')
        pull(load_config(pulled / "mizzle.toml"), f"sqlite:///{db}", mark=False)
        assert 'name="documents_tags_pkey"' in (pulled / "schema.py").read_text()
        shutil.copytree(pulled / "P", work / "P")
        assert "No schema changes" in _kit(node, schema, work / "P", "again")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_named_constraints_inside_create_table_keep_their_names(node: str, tmp_path: Path) -> None:
    """karakeep's `unique("bookmarkTags_userId_id_idx")` and `foreignKey({name: "…_fk"})`: drizzle-kit 1.x writes
    them inside CREATE TABLE, where SQLite's catalog keeps neither name. Introspection gave default names: after
    `pull`, generate --check found `- index bookmarkTags_userId_id_idx` `+ unique index bookmarkTags_userId_id_unique`
    and the pulled module dropped the key's name; the rebuilt snapshot had the default names (nameExplicit false),
    and drizzle-kit's next generate rebuilt the table."""
    from mizzle.commands.drift import drift
    from mizzle.commands.pull import pull
    from mizzle.commands.verify import rebuild_snapshots
    from mizzle.runner.recovery import baseline

    work = INTEROP1 / ".scratch" / f"sqlite_named_{uuid.uuid4().hex[:8]}"
    schema = INTEROP1 / "sqlite_named_constraints" / "schema.ts"
    try:
        _kit(node, schema, work / "D", "init")
        project = tmp_path / "proj"
        shutil.copytree(work / "D", project / "migrations")
        (project / "mizzle.toml").write_text('dialect = "sqlite"\nout = "migrations"\n[migrations]\nlayout = "folders"\n')
        result = verify(load_config(project / "mizzle.toml"))
        assert result.ok, [s.changes for s in result.steps]
        db = tmp_path / "app.db"
        migrate(url=f"sqlite:///{db}", folder=project / "migrations")
        assert not drift(url=f"sqlite:///{db}", folder=project / "migrations").changes
        adopted = tmp_path / "adopted.db"  # the same tables, never tracked: baseline compares them as drift does
        shutil.copy(db, adopted)
        with sqlite3.connect(adopted) as c:
            c.execute("DROP TABLE __drizzle_migrations")
        baseline(load_config(project / "mizzle.toml"), url=f"sqlite:///{adopted}")
        pulled = tmp_path / "pulled"
        pulled.mkdir()
        (pulled / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "drizzle"\n')
        pull(load_config(pulled / "mizzle.toml"), f"sqlite:///{db}", mark=False)
        text = (pulled / "schema.py").read_text()
        assert '"bookmarkTags_userId_id_idx"' in text and '"ruleEngineActions_userId_tagId_fk"' in text, text
        assert "fk_" not in text, text  # drizzle-kit 1.x's default names stay defaults
        (project / "twin").mkdir()
        (project / "twin" / "schema.py").write_text(text)
        (project / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["twin/schema.py"]\nout = "migrations"\n'
                                             '[migrations]\nlayout = "folders"\n')
        for m in [m for m in sys.modules if m == "twin" or m.startswith("twin.")]:
            del sys.modules[m]
        try:
            generate(load_config(project / "mizzle.toml"), check=True)
        except IntegrityError as e:
            pytest.fail(f"generate --check after pull found changes: {e.message}\n{e.details}", pytrace=False)
        (snap,) = list((work / "D").glob("*/snapshot.json"))
        snap.unlink()
        (tmp_path / "mizzle.toml").write_text(f'dialect = "sqlite"\nout = "{work / "D"}"\n[migrations]\nlayout = "folders"\n')
        assert len(rebuild_snapshots(load_config(tmp_path / "mizzle.toml")).rebuilt) == 1
        out = _kit(node, schema, work / "D", "again")
        assert "No schema changes" in out, out + snap.read_text()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_unique_drizzle_kit_wrote_inside_create_table_is_dropped_by_a_rebuild(node: str, tmp_path: Path) -> None:
    """drizzle-kit 1.x writes karakeep's `unique().on(bt.userId, bt.name)` inside CREATE TABLE (a `uniques` row),
    which SQLite keeps as an automatic index DROP INDEX cannot drop: mizzle dropping it wrote
    DROP INDEX `bookmarkTags_userId_name_unique` and the migration failed ("no such index"). It rebuilds the table, as
    drizzle-kit 1.x does for the same drop."""
    work = INTEROP1 / ".scratch" / f"sqlite_drop_unique_{uuid.uuid4().hex[:8]}"
    schema = INTEROP1 / "sqlite_named_constraints" / "schema.ts"
    try:
        _kit(node, schema, work / "D", "init")
        project = tmp_path / "proj"
        shutil.copytree(work / "D", project / "migrations")
        db = tmp_path / "app.db"
        migrate(url=f"sqlite:///{db}", folder=project / "migrations")
        (project / "twin").mkdir()
        (project / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["twin/schema.py"]\nout = "migrations"\n'
                                             '[migrations]\nlayout = "folders"\n')
        from mizzle.commands.pull import pull

        (tmp_path / "p").mkdir()
        (tmp_path / "p" / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "drizzle"\n')
        pull(load_config(tmp_path / "p" / "mizzle.toml"), f"sqlite:///{db}", mark=False)
        text = (tmp_path / "p" / "schema.py").read_text()
        lines = [line for line in text.splitlines() if '"bookmarkTags_userId_name_unique"' in line]
        assert len(lines) == 1, text
        (project / "twin" / "schema.py").write_text(text.replace(lines[0] + "\n", ""))
        for m in [m for m in sys.modules if m == "twin" or m.startswith("twin.")]:
            del sys.modules[m]
        sql = generate(load_config(project / "mizzle.toml"), name="drop_unique").sql
        assert "DROP INDEX" not in sql and "CREATE TABLE `__new_bookmarkTags`" in sql, sql
        migrate(url=f"sqlite:///{db}", folder=project / "migrations")
        with sqlite3.connect(db) as c:
            c.execute("INSERT INTO bookmarkTags (id, name, userId) VALUES ('1', 'x', 'u'), ('2', 'x', 'u')")
        (work / "schema.ts").write_text(schema.read_text().replace("  unique().on(bt.userId, bt.name),\n", ""))
        _kit(node, work / "schema.ts", work / "D", "drop_unique")
        # by name: written within the same second as init, its folder sorts first (`…51_drop_unique` < `…51_init`)
        (theirs,) = [d / "migration.sql" for d in _dirs(work / "D") if d.name.endswith("_drop_unique")]
        assert "CREATE TABLE `__new_bookmarkTags`" in theirs.read_text(), theirs.read_text()  # drizzle-kit's too
    finally:
        shutil.rmtree(work, ignore_errors=True)


REBUILT_PARENT = """
import sqlalchemy as sa
metadata = sa.MetaData()
version = sa.Table("version", metadata, sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("n", sa.Integer, nullable={v2}))
run = sa.Table("run", metadata, sa.Column("id", sa.Integer, primary_key=True),
               sa.Column("dag_id", sa.String(50), nullable={v2}), sa.Column("run_id", sa.String(50), nullable=False),
               sa.Column("version_id", sa.Integer, sa.ForeignKey("version.id", ondelete="SET NULL")),
               sa.UniqueConstraint("dag_id", "run_id"))
ti = sa.Table("ti", metadata, sa.Column("id", sa.Integer, primary_key=True),
              sa.Column("dag_id", sa.String(50)), sa.Column("run_id", sa.String(50)),
              sa.ForeignKeyConstraint(["dag_id", "run_id"], ["run.dag_id", "run.run_id"]))
"""


def test_a_rebuilt_parents_unique_exists_before_the_next_rebuild(node: str, tmp_path: Path) -> None:
    """Airflow 3.1.8 → 3.3.2 on SQLite: dag_run and then dag_version rebuilt in one migration. The unique index
    task_instance's key references on dag_run was made only after every rebuild, so dag_version's `DROP TABLE`
    (whose ON DELETE SET NULL reaches dag_run, and so task_instance's key) failed under drizzle-orm's migrator, which
    runs with foreign keys on: 'foreign key mismatch - "task_instance" referencing "dag_run"', on an empty
    database too. A rebuilt table's unique indexes are now made before the next rebuild."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["fkon/schema.py"]\nout = "migrations"\n'
                                         '[migrations]\nlayout = "folders"\n')
    (project / "fkon").mkdir()
    for n, v2 in enumerate(["True", "False"]):
        (project / "fkon" / "schema.py").write_text(REBUILT_PARENT.format(v2=v2))
        for m in [m for m in sys.modules if m == "fkon" or m.startswith("fkon.")]:
            del sys.modules[m]
        assert generate(load_config(project / "mizzle.toml"), name=f"s{n}").written
        time.sleep(1.1)  # folders are named by the second
    sql = _dirs(project / "migrations")[-1].joinpath("migration.sql").read_text()
    assert sql.index("CREATE UNIQUE INDEX `run_dag_id_run_id_unique`") < sql.index("CREATE TABLE `__new_version`")
    _orm_migrate(node, tmp_path / "orm.db", project / "migrations")
    assert len(_tracked(tmp_path / "orm.db")) == 2
    migrate(url=f"sqlite:///{tmp_path / 'mz.db'}", folder=project / "migrations")
    assert model_diff(db_model(tmp_path / "orm.db"), db_model(tmp_path / "mz.db")) == []


KEY_MOVED = """
import sqlalchemy as sa
metadata = sa.MetaData()
team = sa.Table("team", metadata, {team})
conn = sa.Table("conn", metadata, sa.Column("id", sa.Integer, primary_key=True), {ref})
"""
V1_TEAM, V1_REF = 'sa.Column("name", sa.String(50), primary_key=True)', \
    'sa.Column("team_name", sa.String(50), sa.ForeignKey("team.name"))'
V2_TEAM, V2_REF = 'sa.Column("id", sa.String(32), primary_key=True), sa.Column("name", sa.String(50))', \
    'sa.Column("team_id", sa.String(32), sa.ForeignKey("team.id"))'


def test_a_rebuilt_parent_comes_before_the_rebuilt_child_referencing_it(node: str, tmp_path: Path) -> None:
    """Reverting Airflow 3.1.8 → 3.3.2 on SQLite rebuilt `connection` (its key now to team.id) before `team` (which
    gets `id` back): under drizzle-orm's migrator, foreign keys on, `INSERT INTO __new_connection` failed with
    'foreign key mismatch - "__new_connection" referencing "team"', team having no `id` yet. A parent whose key
    a rebuilt child's new foreign key needs is rebuilt first (by name otherwise, as before)."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["keymoved/schema.py"]\nout = "migrations"\n'
                                         '[migrations]\nlayout = "folders"\n')
    (project / "keymoved").mkdir()
    for n, (team, ref) in enumerate([(V1_TEAM, V1_REF), (V2_TEAM, V2_REF)]):
        (project / "keymoved" / "schema.py").write_text(KEY_MOVED.format(team=team, ref=ref))
        for m in [m for m in sys.modules if m == "keymoved" or m.startswith("keymoved.")]:
            del sys.modules[m]
        assert generate(load_config(project / "mizzle.toml"), name=f"s{n}", no_renames=True).written
        time.sleep(1.1)  # folders are named by the second
    sql = _dirs(project / "migrations")[-1].joinpath("migration.sql").read_text()
    assert sql.index("CREATE TABLE `__new_team`") < sql.index("CREATE TABLE `__new_conn`"), sql
    _orm_migrate(node, tmp_path / "orm.db", project / "migrations")
    migrate(url=f"sqlite:///{tmp_path / 'mz.db'}", folder=project / "migrations")
    assert model_diff(db_model(tmp_path / "orm.db"), db_model(tmp_path / "mz.db")) == []


DROPPED_PARENT = """
import sqlalchemy as sa
metadata = sa.MetaData()
{alert}
run = sa.Table("run", metadata, sa.Column("id", sa.Integer, primary_key=True),
               sa.Column("x", sa.Integer, nullable={nullable}, server_default="0"))
zdeadline = sa.Table("zdeadline", metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("run_id", sa.Integer, sa.ForeignKey("run.id", ondelete="CASCADE")){alert_id})
"""
V1_ALERT = 'alert = sa.Table("alert", metadata, sa.Column("id", sa.Integer, primary_key=True))'
V1_ALERT_ID = ',\n                     sa.Column("alert_id", sa.Integer, sa.ForeignKey("alert.id"))'


def test_a_table_dropped_is_dropped_after_the_rebuilds_of_tables_that_referenced_it(node: str, tmp_path: Path) -> None:
    """Reverting Airflow 3.3.2 → 3.1.8 on SQLite: `alert` dropped, `deadline` (referencing it, and run) rebuilt
    without the key, `run` rebuilt. The DROP TABLE alert came first; under drizzle-orm's migrator, foreign keys on, the
    later `DROP TABLE run` (its rows deleted, reaching deadline's keys) then found deadline's old key to a table gone:
    'no such table: main.alert'. A table a rebuilt table's old definition references is dropped after the rebuilds."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["dropped/schema.py"]\nout = "migrations"\n'
                                         '[migrations]\nlayout = "folders"\n')
    (project / "dropped").mkdir()
    for n, (alert, nullable, alert_id) in enumerate([(V1_ALERT, True, V1_ALERT_ID), ("", False, "")]):
        (project / "dropped" / "schema.py").write_text(DROPPED_PARENT.format(alert=alert, nullable=nullable,
                                                                             alert_id=alert_id))
        for m in [m for m in sys.modules if m == "dropped" or m.startswith("dropped.")]:
            del sys.modules[m]
        assert generate(load_config(project / "mizzle.toml"), name=f"s{n}", no_renames=True).written
        time.sleep(1.1)  # folders are named by the second
    sql = _dirs(project / "migrations")[-1].joinpath("migration.sql").read_text()
    assert sql.index("CREATE TABLE `__new_zdeadline`") < sql.index("DROP TABLE `alert`"), sql
    _orm_migrate(node, tmp_path / "orm.db", project / "migrations")
    migrate(url=f"sqlite:///{tmp_path / 'mz.db'}", folder=project / "migrations")
    assert model_diff(db_model(tmp_path / "orm.db"), db_model(tmp_path / "mz.db")) == []


DROPPED_TOGETHER = """
import sqlalchemy as sa
metadata = sa.MetaData()
user = sa.Table("user", metadata, sa.Column("id", sa.Integer, primary_key=True))
{dropped}
"""
V1_DEPLOYMENTS = '''
deployment = sa.Table("deployment", metadata, sa.Column("id", sa.Integer, primary_key=True))
flow_version = sa.Table("flow_version", metadata, sa.Column("id", sa.Integer, primary_key=True))
flow_version_deployment_attachment = sa.Table(
    "flow_version_deployment_attachment", metadata, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("deployment_id", sa.Integer, sa.ForeignKey("deployment.id", ondelete="CASCADE")),
    sa.Column("flow_version_id", sa.Integer, sa.ForeignKey("flow_version.id", ondelete="CASCADE")))
'''


def test_tables_dropped_together_are_dropped_children_first(node: str, tmp_path: Path) -> None:
    """Reverting langflow 1.13 → 0.5 on SQLite: deployment, flow_version and flow_version_deployment_attachment
    (referencing both) dropped in one migration, in name order. Under drizzle-orm's migrator, foreign keys on,
    `DROP TABLE flow_version` (its rows deleted, cascading to the attachment table) followed the attachment's key to
    deployment, dropped before: 'no such table: main.deployment'. A table referencing another dropped in the same
    migration is dropped first."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["together/schema.py"]\nout = "migrations"\n'
                                         '[migrations]\nlayout = "folders"\n')
    (project / "together").mkdir()
    for n, dropped in enumerate([V1_DEPLOYMENTS, ""]):
        (project / "together" / "schema.py").write_text(DROPPED_TOGETHER.format(dropped=dropped))
        for m in [m for m in sys.modules if m == "together" or m.startswith("together.")]:
            del sys.modules[m]
        assert generate(load_config(project / "mizzle.toml"), name=f"s{n}", no_renames=True).written
        time.sleep(1.1)  # folders are named by the second
    sql = _dirs(project / "migrations")[-1].joinpath("migration.sql").read_text()
    assert sql.index("DROP TABLE `flow_version_deployment_attachment`") < sql.index("DROP TABLE `deployment`"), sql
    _orm_migrate(node, tmp_path / "orm.db", project / "migrations")
    migrate(url=f"sqlite:///{tmp_path / 'mz.db'}", folder=project / "migrations")
    assert model_diff(db_model(tmp_path / "orm.db"), db_model(tmp_path / "mz.db")) == []


REFERENCED = """
import sqlalchemy as sa
metadata = sa.MetaData()
project = sa.Table("project", metadata, sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("name", sa.String({length})),
                   sa.Column("parent_id", sa.Integer, sa.ForeignKey("project.id", ondelete="CASCADE")))
bill = sa.Table("bill", metadata, sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("project_id", sa.Integer, sa.ForeignKey("project.id")))
person = sa.Table("person", metadata, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("project_id", sa.Integer, sa.ForeignKey("project.id", ondelete="CASCADE")),
                  sa.Column("home_id", sa.Integer, sa.ForeignKey("project.id", ondelete="SET NULL")))
"""


def _referenced_rows(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as c:
        return [*c.execute("SELECT * FROM bill"), *c.execute("SELECT * FROM person")]


def test_a_rebuilt_table_other_tables_reference_is_named_for_drizzle_orms_migrator(node: str, tmp_path: Path) -> None:
    """A table rebuilt while others reference it (ihatemoney's project, which person and archive reference,
    its column types changed since its Alembic history made it; the same in any app whose parent table changes a
    type, a default, a check): drizzle-orm's migrator runs the file in one transaction with foreign keys on, where
    the file's PRAGMA foreign_keys=OFF does nothing, so the rebuild's DROP TABLE project deleted project's rows first
    and SQLite acted on each key reaching them: a NO ACTION key failed the run, a CASCADE one would delete the
    referencing rows, SET NULL empty them; a table's own CASCADE key deleted the rows copied into __new_project
    that reference another. mizzle migrate (foreign keys off) keeps them; generate said nothing."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["referenced/schema.py"]\nout = "migrations"\n'
                                         '[migrations]\nlayout = "folders"\n')
    (project / "referenced").mkdir()
    warnings = []
    for n, length in enumerate([10, 20]):
        (project / "referenced" / "schema.py").write_text(REFERENCED.format(length=length))
        for m in [m for m in sys.modules if m == "referenced" or m.startswith("referenced.")]:
            del sys.modules[m]
        result = generate(load_config(project / "mizzle.toml"), name=f"s{n}", no_renames=True)
        assert result.written
        warnings.append([w for w in result.warnings if "drizzle-orm's migrator" in w])
        time.sleep(1.1)  # folders are named by the second
    assert warnings[0] == [], warnings
    [line] = warnings[1]
    assert line.startswith("table project is rebuilt, and foreign keys reference it"), line
    assert "fails on any row bill.project_id points to" in line, line
    assert "deletes the rows of person that reference it" in line and "sets person.home_id to NULL" in line, line
    # its own key too: the copy's rows reference project by then (a subproject was deleted so, foreign keys on)
    assert "deletes the rows of __new_project that reference it" in line, line
    first = _dirs(project / "migrations")[0]
    for db in ("orm.db", "mz.db"):
        migrate(url=f"sqlite:///{tmp_path / db}", folder=project / "migrations", to=first.name)
        with sqlite3.connect(tmp_path / db) as c:
            c.execute("INSERT INTO project VALUES (1, 'a', NULL)")
            c.execute("INSERT INTO bill VALUES (1, 1)")
            c.execute("INSERT INTO person VALUES (1, 1, 1)")
    # what the warning says: drizzle-orm's migrator fails at DROP TABLE project; mizzle's keeps every row
    p = subprocess.run([node, str(INTEROP1 / "migrate_sqlite.mjs"), str(tmp_path / "orm.db"),
                        str(project / "migrations")], cwd=INTEROP1, capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "FOREIGN KEY constraint failed" in p.stdout + p.stderr, p.stdout + p.stderr
    migrate(url=f"sqlite:///{tmp_path / 'mz.db'}", folder=project / "migrations")
    assert _referenced_rows(tmp_path / "mz.db") == [(1, 1), (1, 1, 1)]
