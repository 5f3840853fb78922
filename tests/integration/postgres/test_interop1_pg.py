"""Interop with drizzle-kit / drizzle-orm 1.x (1.0.0-rc.5, pinned in tests/interop1) on PostgreSQL.

The pair fixtures of tests/interop/pair/stepN/ (one schema twice: `schema.ts` and its SQLAlchemy twin
`schema.py`) are generated step by step by drizzle-kit 1.x into folder D and by mizzle into folder M, both in
drizzle-kit 1.x's layout (`<timestamp>_<name>/migration.sql` + version 9 `snapshot.json`). At every step:

(a) each tool, continuing the other's folder with the same step's schema, finds no changes;
(b) D applied by drizzle-orm 1.x's migrator and M by `mizzle migrate` build identical databases.

Then the two migrators finish each other's runs on both folders: one applies the first migrations, the other
the rest, and the first then finds nothing to do (drizzle-orm 1.x identifies a migration by its folder name in
the tracking table's `name` column, which mizzle writes).

Needs node + npm (`npm ci` in tests/interop1 when node_modules is missing) and the PostgreSQL test server. A
missing node or npm FAILS the test unless MIZZLE_ALLOW_SKIP_INTEROP=1.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import mizzle_fork
import psycopg
import pytest
from pgtools import schema_dump, temp_database

from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.runner.migrate import migrate

pytestmark = [pytest.mark.interop, pytest.mark.pg]

TESTS = Path(__file__).resolve().parents[2]
INTEROP1 = TESTS / "interop1"
PAIR = TESTS / "interop" / "pair"
STEPS = sorted((p for p in PAIR.glob("step*") if p.is_dir()), key=lambda p: int(p.name[4:]))
DRIZZLE_KIT = INTEROP1 / "node_modules" / "drizzle-kit" / "bin.cjs"
NEEDED_MODULES = ("drizzle-kit", "drizzle-orm", "pg")


def _unavailable(msg: str) -> None:
    if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
        pytest.skip(msg)
    pytest.fail(msg + " (set MIZZLE_ALLOW_SKIP_INTEROP=1 to skip the drizzle-kit interop tests)", pytrace=False)


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, with the pinned drizzle-kit/drizzle-orm 1.x installed in tests/interop1."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable(f"interop needs node and npm on PATH (node: {node}, npm: {npm})")
    assert node is not None and npm is not None
    if any(not (INTEROP1 / "node_modules" / m / "package.json").exists() for m in NEEDED_MODULES):
        p = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=INTEROP1, capture_output=True, text=True,
                           timeout=900)
        if p.returncode != 0:
            pytest.fail(f"`npm ci` in tests/interop1 failed (exit {p.returncode}):\n{p.stderr[-3000:]}", pytrace=False)
    return node


def kit_generate(node: str, work: Path, schema_ts: Path, out: Path, name: str) -> str:
    """drizzle-kit 1.x generate. The schema is copied under tests/interop1 (`work`) so that its
    `drizzle-orm` import resolves to the 1.x package."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "schema.ts").write_text(schema_ts.read_text())
    env = {**os.environ, "FORCE_COLOR": "0", "NO_COLOR": "1"}
    p = subprocess.run(
        [node, str(DRIZZLE_KIT), "generate", "--dialect", "postgresql", "--schema", str(work / "schema.ts"),
         "--out", os.path.relpath(out, INTEROP1), "--name", name],
        cwd=INTEROP1, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"drizzle-kit generate failed:\n{p.stdout}\n{p.stderr}"
    return p.stdout + p.stderr


def orm_migrate(node: str, url: str, folder: Path) -> None:
    p = subprocess.run([node, str(INTEROP1 / "migrate.mjs"), url, str(folder)], cwd=INTEROP1, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, f"drizzle-orm 1.x's migrator failed on {folder}:\n{p.stdout}\n{p.stderr}"


def orm_migrate_stepwise(node: str, url: str, folder: Path, work: Path) -> None:
    """drizzle-orm runs every pending migration in ONE transaction, where an enum value added by one step and
    used by a later one fails ("unsafe use of new value"): give it the folder one more migration at a time."""
    work.mkdir(parents=True, exist_ok=True)
    for d in migration_dirs(folder):
        shutil.copytree(d, work / d.name)
        orm_migrate(node, url, work)


def mizzle_generate(project: Path, step: Path, out: Path, name: str, check: bool = False):  # type: ignore[no-untyped-def]
    (project / "app").mkdir(parents=True, exist_ok=True)
    (project / "app" / "schema.py").write_text((step / "schema.py").read_text())
    (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{out}"\n'
                                         '[migrations]\nlayout = "folders"\n')
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    return generate(load_config(project / "mizzle.toml"), name=name, check=check)


def migration_dirs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if (p / "migration.sql").is_file())


def tracking_names(url: str) -> list[str]:
    with psycopg.connect(url) as c:
        return [r[0] for r in c.execute("SELECT name FROM drizzle.__drizzle_migrations ORDER BY id")]


@pytest.fixture(scope="module")
def twin(node: str, pg_available: bool, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """D (drizzle-kit 1.x) and M (mizzle) generated step by step, each checked against the other tool."""
    tmp = tmp_path_factory.mktemp("twin1")
    work = INTEROP1 / ".scratch" / f"{tmp.name}_{os.getpid()}"  # one per xdist worker: each makes this fixture
    folder_d, folder_m = work / "D", work / "M"
    problems: list[str] = []
    try:
        for step in STEPS:
            kit_generate(node, work, step / "schema.ts", folder_d, step.name)
            assert mizzle_generate(tmp / "proj", step, folder_m, step.name).written, f"{step.name}: mizzle wrote nothing"
            # mizzle continues D: no changes
            try:
                mizzle_generate(tmp / "proj", step, folder_d, step.name, check=True)
            except Exception as e:  # noqa: BLE001 - IntegrityError with the changes found
                problems.append(f"{step.name}: mizzle finds changes in drizzle-kit's folder: {e} "
                                f"{getattr(e, 'details', '')}")
            # drizzle-kit continues M: no changes (a copy, so that a finding writes nothing into M)
            copy = work / "Mcopy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(folder_m, copy)
            out = kit_generate(node, work, step / "schema.ts", copy, step.name + "_again")
            if len(migration_dirs(copy)) != len(migration_dirs(folder_m)):
                problems.append(f"{step.name}: drizzle-kit 1.x finds changes in mizzle's folder:\n{out}\n" + "\n".join(
                    (d / "migration.sql").read_text() for d in migration_dirs(copy)[len(migration_dirs(folder_m)):]))
        assert not problems, "\n".join(problems)
        final = tmp / "final"
        shutil.copytree(folder_d, final / "D")
        shutil.copytree(folder_m, final / "M")
        return final / "D", final / "M"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_twin_history_continues_both_ways(twin: tuple[Path, Path]) -> None:
    d, m = twin
    assert len(migration_dirs(d)) == len(migration_dirs(m)) == len(STEPS)


def test_twin_folders_build_the_same_database(node: str, twin: tuple[Path, Path], tmp_path: Path) -> None:
    d, m = twin
    with temp_database("mz1_d") as db_d, temp_database("mz1_m") as db_m:
        orm_migrate_stepwise(node, db_d, d, tmp_path / "stepwise")
        migrate(url=db_m, folder=m)
        a, b = schema_dump(db_d), schema_dump(db_m)
        assert a == b, "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), "D", "M", lineterm=""))


@pytest.mark.parametrize("which", ["D", "M"])
def test_the_two_migrators_finish_each_others_runs(node: str, twin: tuple[Path, Path], tmp_path: Path,
                                                   which: str) -> None:
    folder = twin[0] if which == "D" else twin[1]
    names = [p.name for p in migration_dirs(folder)]
    half = tmp_path / "half"
    half.mkdir()
    for p in migration_dirs(folder)[:2]:
        shutil.copytree(p, half / p.name)
    with temp_database("mz1_a") as db_a, temp_database("mz1_b") as db_b:
        # drizzle-orm starts, mizzle finishes, drizzle-orm finds nothing to do
        orm_migrate(node, db_a, half)
        result = migrate(url=db_a, folder=folder)
        assert [r.tag for r in result.applied] == names[2:]
        orm_migrate(node, db_a, folder)
        assert tracking_names(db_a) == names
        # mizzle starts, drizzle-orm finishes, mizzle finds nothing to do
        migrate(url=db_b, folder=half)
        orm_migrate_stepwise(node, db_b, folder, tmp_path / "stepwise")
        assert tracking_names(db_b) == names
        assert migrate(url=db_b, folder=folder).applied == []
        assert schema_dump(db_a) == schema_dump(db_b)


# -- `mizzle up` on real folders ----------------------------------------------------------------------------

REALWORLD = TESTS.parents[1] / "shared" / "realworld" / "drizzle"


@pytest.mark.parametrize("name", ["homarr", "kan"])
def test_up_keeps_every_migration_recognised(node: str, drizzle_migrate, tmp_path: Path,  # type: ignore[no-untyped-def]
                                             name: str) -> None:
    """A real 0.x folder applied by drizzle-orm 0.x, converted by `mizzle up`: mizzle and drizzle-orm 1.x both
    find every migration applied (same hash, same `when`; a re-run would fail on existing tables), and the
    converted snapshots hold the same schema."""
    from mizzle.api import up
    from mizzle.migrations.folder import MigrationFolder
    from mizzle.runner.migrate import status

    if not (REALWORLD / name).is_dir():
        pytest.fail(f"{REALWORLD / name} missing (../shared/realworld)", pytrace=False)
    folder = tmp_path / "drizzle"
    shutil.copytree(REALWORLD / name, folder)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    before = MigrationFolder(folder).migrations()
    identity = [(m.when, m.hash, m.tag.split("_", 1)[1]) for m in before]
    old_latest = MigrationFolder(folder).latest_snapshot()
    with temp_database("mz1_up") as url:
        p = drizzle_migrate(url, folder)
        assert p.returncode == 0, p.stderr
        drift_before = _drift_lines(url, tmp_path)  # the folder's own drift (kan: hand-written indexes), if any
        result = up(load_config(tmp_path / "mizzle.toml"))
        assert len(result.converted) == len(before)
        after = MigrationFolder(folder)
        assert after.uses_folders and not after.journal_path.exists()
        assert [(m.when, m.hash, m.tag.split("_", 1)[1]) for m in after.migrations()] == identity
        assert migrate(url=url, folder=folder).applied == []
        orm_migrate(node, url, folder)  # drizzle-orm 1.x: upgrades its table, re-runs nothing
        assert tracking_names(url) == [p.name for p in migration_dirs(folder)]
        st = status(url=url, folder=folder)
        assert not st.problems and all(s.state == "applied" for s in st.states), st.to_json()
    with temp_database("mz1_up1") as url:  # a new database, migrated by drizzle-orm 1.x from the converted folder
        orm_migrate_stepwise(node, url, folder, tmp_path / "stepwise")  # created_at: the folders' seconds
        assert migrate(url=url, folder=folder).applied == []  # recognised by name (mizzle's `when` has the ms)
        st = status(url=url, folder=folder)
        assert not st.problems and all(s.state == "applied" for s in st.states), st.to_json()
        assert _drift_lines(url, tmp_path) == drift_before
    _assert_same_schema(old_latest, after.latest_snapshot())


def _drift_lines(url: str, project: Path) -> list[str]:
    p = mizzle_fork.run(["drift", "--url", url, "--json"], cwd=project, timeout=120)
    assert p.returncode in (0, 3), p.stderr
    return sorted(json.loads(p.stdout).get("changes") or [])


def _assert_same_schema(old: dict, new: dict | None) -> None:  # type: ignore[type-arg]
    from mizzle.dialects.postgres.snapshot import schema_from_snapshot
    from mizzle.schema.compare import for_generate
    from mizzle.schema.diff import Renames, diff

    assert new is not None
    a, b = for_generate(schema_from_snapshot(old), schema_from_snapshot(new))
    changes = diff(a, b, Renames(none=True))
    assert not changes, [c.describe() for c in changes]


def test_pull_into_a_new_1x_project(node: str, twin: tuple[Path, Path], tmp_path: Path) -> None:
    """`[migrations] layout = "folders"` decides a new folder's layout: pull writes its baseline as drizzle-kit 1.x
    would, and drizzle-kit 1.x's check accepts it."""
    proj = tmp_path / "pulled"
    proj.mkdir()
    (proj / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n'
                                      '[migrations]\nlayout = "folders"\n')
    with temp_database("mz1_pull") as url:
        migrate(url=url, folder=twin[1])
        p = mizzle_fork.run(["pull", "--url", url, "--no-mark"], cwd=proj, timeout=120)
        assert p.returncode == 0, p.stderr
    dirs = migration_dirs(proj / "drizzle")
    assert len(dirs) == 1 and (dirs[0] / "snapshot.json").is_file() and not (proj / "drizzle" / "meta" / "_journal.json").exists()
    chk = subprocess.run([node, str(DRIZZLE_KIT), "check", "--dialect", "postgresql", "--out",
                          os.path.relpath(proj / "drizzle", INTEROP1)], cwd=INTEROP1, capture_output=True, text=True,
                         timeout=120)
    assert chk.returncode == 0 and "Everything's fine" in chk.stdout + chk.stderr, chk.stdout + chk.stderr


@pytest.mark.parametrize("which", ["D", "M"])
def test_verify_replays_a_1x_folder(twin: tuple[Path, Path], tmp_path: Path, which: str) -> None:
    """Each migration replayed on the server gives the state mizzle rebuilds from its version 9 snapshot (base +
    deltas), for drizzle-kit 1.x's folder and for mizzle's; the end result is the last step's schema code."""
    from mizzle.commands.verify import verify

    folder = twin[0] if which == "D" else twin[1]
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "schema.py").write_text((STEPS[-1] / "schema.py").read_text())
    (tmp_path / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{folder}"\n')
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    with temp_database("mz1_v") as url:
        result = verify(load_config(tmp_path / "mizzle.toml"), scratch_url=url)
    assert result.ok, result.to_json()


def test_mark_applied_writes_the_name_drizzle_orm_1x_looks_for(node: str, twin: tuple[Path, Path]) -> None:
    from mizzle.runner.recovery import mark

    folder = twin[1]
    last = migration_dirs(folder)[-1].name
    with temp_database("mz1_mark") as url:
        migrate(url=url, folder=folder)
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("DELETE FROM drizzle.__drizzle_migrations WHERE name = %s", (last,))
        mark(url=url, folder=folder, tag=last, applied=True, reason="applied by hand")
        assert tracking_names(url)[-1] == last
        orm_migrate(node, url, folder)  # would re-run the last migration (and fail) without the name
        assert tracking_names(url) == [p.name for p in migration_dirs(folder)]


def _kit(node: str, *args: str) -> mizzle_fork.Ran:
    env = {**os.environ, "FORCE_COLOR": "0", "NO_COLOR": "1"}
    return subprocess.run([node, str(DRIZZLE_KIT), *args], cwd=INTEROP1, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)


def _as_v8(folder: Path) -> None:
    """drizzle-kit's version 9 folder rewritten as drizzle-kit 1.0.0-beta wrote it: every snapshot version "8", its
    whole state as `ddl` rows (a version 9 base's row format), `prevIds` and `renames`."""
    from mizzle.dialects.postgres import snapshot_v9 as v9
    from mizzle.migrations import folders1

    snapshots = folders1.load_snapshots(folder)
    states = {i: list(v9.state_of(snapshots, i).values()) for i in snapshots}
    for i, s in snapshots.items():
        (folder / s["_dir"] / "snapshot.json").write_text(json.dumps(
            {"id": i, "prevIds": s["prevIds"], "version": "8", "dialect": "postgres", "ddl": states[i],
             "renames": []}, indent=2))


def test_a_version_8_folder_reads_and_converts_as_drizzle_kit_up_does(node: str, twin: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    """drizzle-kit 1.0.0-beta's version 8 folder: mizzle reads every snapshot as the version 9 folder it came from;
    drizzle-kit 1.0.0-rc.5's own `up` and `mizzle up` convert it to folders mizzle reads the same; drizzle-kit accepts
    mizzle's conversion (check passes, generate finds no changes), and verify replays the version 8 folder."""
    from mizzle.commands.up import up
    from mizzle.commands.verify import verify
    from mizzle.migrations.folder import MigrationFolder

    d = twin[0]
    v8 = tmp_path / "v8" / "drizzle"
    shutil.copytree(d, v8)
    _as_v8(v8)
    kit, miz = tmp_path / "kit" / "drizzle", tmp_path / "miz" / "drizzle"
    shutil.copytree(v8, kit)
    shutil.copytree(v8, miz)
    refused = _kit(node, "generate", "--dialect", "postgresql", "--schema", str(STEPS[-1] / "schema.ts"),
                   "--out", str(v8))
    assert refused.returncode != 0 and "drizzle-kit up" in refused.stdout + refused.stderr  # mizzle refuses alike
    p = _kit(node, "up", "--dialect", "postgresql", "--out", str(kit))
    assert p.returncode == 0, p.stdout + p.stderr
    (miz.parent / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    assert len(up(load_config(miz.parent / "mizzle.toml")).converted) == len(migration_dirs(d))

    def reading(folder: Path) -> list[dict | None]:  # type: ignore[type-arg]
        f = MigrationFolder(folder)
        return [f.read_snapshot(m) for m in f.migrations()] + [f.latest_snapshot()]

    expected = reading(d)
    assert reading(v8) == expected
    assert reading(kit) == expected
    assert reading(miz) == expected
    chk = _kit(node, "check", "--dialect", "postgresql", "--out", str(miz))
    assert chk.returncode == 0 and "Everything's fine" in chk.stdout + chk.stderr, chk.stdout + chk.stderr
    work = INTEROP1 / ".scratch" / f"{tmp_path.name}_{os.getpid()}"
    try:
        kit_generate(node, work, STEPS[-1] / "schema.ts", miz, "again")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert len(migration_dirs(miz)) == len(migration_dirs(d)), "drizzle-kit finds changes after mizzle up"

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "schema.py").write_text((STEPS[-1] / "schema.py").read_text())
    (tmp_path / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "{v8}"\n')
    for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
        del sys.modules[mod]
    with temp_database("mz1_v8") as url:
        result = verify(load_config(tmp_path / "mizzle.toml"), scratch_url=url)
    assert result.ok and len(result.steps) == len(migration_dirs(d)), result.to_json()


# drizzle-kit 1.x's statements whose footprints mizzle writes as drizzle-kit does (dialects/postgres/footprints.py)
CREATES_AND_DROPS = {f"{verb}_{kind}" for verb in ("create", "drop") for kind in ("table", "index", "fk", "enum", "schema",
                                                                                    "sequence")} | {
    f"{verb}_{kind}" for verb in ("add", "drop") for kind in ("column", "unique", "pk", "check")} | {
    "alter_column", "alter_enum", "recreate_enum", "recreate_fk", "recreate_index", "alter_unique", "alter_check"}


def test_creates_and_drops_leave_drizzle_kit_1x_footprints(twin: tuple[Path, Path]) -> None:
    """Each step's snapshot in M holds the footprints drizzle-kit 1.x wrote in D for the same step's creates and
    drops (its `check` reads them to find branches that do not commute): same statement types, targets, nodes (in any order); an `alter_column`'s hash of drizzle-kit's SQL where mizzle
    writes one (NOT NULL set or dropped alone)."""
    d, m = twin
    compared = 0
    for dd, mm in zip(migration_dirs(d), migration_dirs(m), strict=True):
        theirs, ours = (json.loads((x / "snapshot.json").read_text())["footprints"] for x in (dd, mm))

        def key(f: dict) -> str:  # type: ignore[type-arg]
            """A footprint, its node lists sorted (their order means nothing to `check`, which maps nodes)."""
            return json.dumps({k: sorted(v) if k in ("writes", "reads", "sharedWrites") else v for k, v in f.items()},
                              sort_keys=True)
        hashed = [key(f) for f in ours if "sqlHash" in f]  # the hash of drizzle-kit's SQL, where mizzle writes one
        assert set(hashed) <= {key(f) for f in theirs}, (dd.name, hashed)
        compared += len(hashed)
        want = sorted(key({k: v for k, v in f.items() if k != "sqlHash"})
                      for f in theirs if f["statementType"] in CREATES_AND_DROPS)
        got = sorted(key({k: v for k, v in f.items() if k != "sqlHash"})
                     for f in ours if f["statementType"] in CREATES_AND_DROPS)
        assert got == want, (dd.name, sorted(set(got) - set(want)), sorted(set(want) - set(got)))
        compared += len(want)
    assert compared > 10


DROPS_TS = """import {{ check, integer, pgEnum, pgTable, primaryKey, text, unique }} from "drizzle-orm/pg-core";
import {{ sql }} from "drizzle-orm";
{enum}
export const owner = pgTable("owner", {{ id: integer("id").primaryKey() }});
export const item = pgTable("item", {{
  a: integer("a").notNull(), b: integer("b").notNull(), label: text("label"), {mood_ts}
  ownerId: integer("owner_id"){ref},
}}, (t) => [{extras_ts}]);
"""
DROPS_PY = """import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
md = sa.MetaData()
owner = sa.Table("owner", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
item = sa.Table("item", md, sa.Column("a", sa.Integer, nullable=False{pk}), sa.Column("b", sa.Integer, nullable=False{pk}),
                sa.Column("label", sa.Text), {mood_py}sa.Column("owner_id", sa.Integer{fk}), {extras_py})
"""
DROPS_STEPS = (
    dict(enum='export const mood = pgEnum("mood", ["a", "b"]);', mood_ts='mood: mood("mood"),',
         ref=".references(() => owner.id)",
         extras_ts='primaryKey({ columns: [t.a, t.b] }), unique().on(t.label), check("label_ok", sql`${t.label} <> \'\'`)',
         pk=", primary_key=True, autoincrement=False", mood_py='sa.Column("mood", pg.ENUM("a", "b", name="mood")), ',
         fk=', sa.ForeignKey("owner.id")',
         extras_py='sa.UniqueConstraint("label", name="item_label_unique"), sa.CheckConstraint("label <> \'\'", '
                   'name="label_ok")'),
    dict(enum="", mood_ts="", ref="", extras_ts="", pk="", mood_py="", fk="", extras_py=""),
)


def test_drops_of_keys_constraints_and_enums_leave_drizzle_kit_1x_footprints(node: str, pg_available: bool,
                                                                             tmp_path: Path) -> None:
    """A composite key, a unique constraint, a check, a foreign key, an enum and its column dropped: mizzle's
    footprints are drizzle-kit 1.x's (drop_pk, drop_unique, drop_check, drop_fk, drop_column, drop_enum)."""
    work = INTEROP1 / ".scratch" / f"drops_{os.getpid()}_{tmp_path.name}"
    d, m = work / "D", tmp_path / "M"
    try:
        for n, step in enumerate(DROPS_STEPS):
            (tmp_path / f"s{n}").mkdir()
            (tmp_path / f"s{n}" / "schema.ts").write_text(DROPS_TS.format(**step))
            (tmp_path / f"s{n}" / "schema.py").write_text(DROPS_PY.format(**step))
            kit_generate(node, work, tmp_path / f"s{n}" / "schema.ts", d, f"s{n}")
            mizzle_generate(tmp_path / "proj", tmp_path / f"s{n}", m, f"s{n}")
        mizzle_generate(tmp_path / "proj", tmp_path / "s1", d, "nothing", check=True)  # raises on changes
        theirs, ours = (json.loads((migration_dirs(f)[-1] / "snapshot.json").read_text())["footprints"] for f in (d, m))

        def key(f: dict) -> str:  # type: ignore[type-arg]
            return json.dumps({k: sorted(v) if isinstance(v, list) and k != "statementTarget" else v
                               for k, v in f.items()}, sort_keys=True)
        assert {f["statementType"] for f in theirs} >= {"drop_pk", "drop_unique", "drop_check", "drop_fk", "drop_enum"}
        assert sorted(map(key, ours)) == sorted(map(key, theirs))
    finally:
        shutil.rmtree(work, ignore_errors=True)


BRANCH_PY = """import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("email", sa.Text{email}){age}{extra})
"""


def _kit_check(node: str, folder: Path) -> mizzle_fork.Ran:
    return subprocess.run([node, str(DRIZZLE_KIT), "check", "--dialect", "postgresql", "--out",
                           os.path.relpath(folder, INTEROP1)], cwd=INTEROP1, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})


def test_drizzle_kit_1x_check_reads_mizzles_branches_as_its_own(node: str, tmp_path: Path) -> None:
    """drizzle-kit 1.x's `check` on branches mizzle wrote: one branch sets users.email NOT NULL, the other indexes
    it — they commute (drizzle-kit's alter_column writes the column's notNull property, the index reads the
    column's name); one branch drops users.age while the other sets its default, one drops users.email while the
    other indexes it — they do not (mizzle's index footprint read no column: drizzle-kit's check missed that
    conflict)."""
    import time

    work = INTEROP1 / ".scratch" / f"kitcheck_{os.getpid()}_{tmp_path.name}"
    t0 = int(time.time() * 1000) - 3_600_000

    def project(name: str, parent: Path | None, now_ms: int, email: str = "", extra: str = "",
                age: str = ', sa.Column("age", sa.Integer)', schema: str | None = None) -> Path:
        p = tmp_path / name
        if parent is not None:
            shutil.copytree(parent, p)
        (p / "app").mkdir(parents=True, exist_ok=True)
        (p / "app" / "schema.py").write_text(schema or BRANCH_PY.format(email=email, extra=extra, age=age))
        (p / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "drizzle"\n'
                                       '[migrations]\nlayout = "folders"\n')
        for mod in [m for m in sys.modules if m == "app" or m.startswith("app.")]:
            del sys.modules[mod]
        assert generate(load_config(p / "mizzle.toml"), name=name, now_ms=now_ms).written
        return p

    def merged(name: str, *branches: Path) -> Path:
        out = work / name
        shutil.copytree(trunk / "drizzle", out)
        for b in branches:
            for d in (b / "drizzle").iterdir():
                if not (out / d.name).exists():
                    shutil.copytree(d, out / d.name)
        return out

    try:
        trunk = project("trunk", None, t0)
        not_null = project("notnull", trunk, t0 + 60_000, email=", nullable=False")
        indexed = project("indexed", trunk, t0 + 120_000, extra=', sa.Index("users_email_idx", "email")')
        p = _kit_check(node, merged("commute", not_null, indexed))
        assert p.returncode == 0, p.stdout + p.stderr
        no_age = project("noage", trunk, t0 + 180_000, age="")
        age_default = project("agedefault", trunk, t0 + 240_000, age=', sa.Column("age", sa.Integer, server_default="7")')
        p = _kit_check(node, merged("conflict", no_age, age_default))
        assert p.returncode != 0, p.stdout + p.stderr
        assert "age" in p.stdout + p.stderr, p.stdout + p.stderr
        no_email = project("noemail", trunk, t0 + 300_000, schema=BRANCH_PY.format(email="", extra="", age="").replace(
            'sa.Column("email", sa.Text)', 'sa.Column("age", sa.Integer)'))
        p = _kit_check(node, merged("dropped_indexed", indexed, no_email))  # the index reads the dropped column
        assert p.returncode != 0, p.stdout + p.stderr
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_drizzle_kit_1x_leaves_mizzles_tracking_tables_out_with_the_documented_filter(
        node: str, twin: tuple[Path, Path], tmp_path: Path) -> None:
    """drizzle-kit 0.x reads only the `public` schema; drizzle-kit 1.x reads every schema and leaves out only its
    migrations table. On a database `mizzle migrate` ran (seen on reactive-resume's 1.x folder), its `pull` wrote
    mizzle's audit and progress tables into the app's schema.ts, and its `push` with the app's own schema asked to
    drop `drizzle.__mizzle_audit` and the whole `drizzle` schema, the migration history with it. docs/guides/drizzle-kit.md gives the filter that keeps them out."""
    work = INTEROP1 / ".scratch" / f"{tmp_path.name}_{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    (work / "schema.ts").write_text((STEPS[-1] / "schema.ts").read_text())
    try:
        with temp_database("mz1_filter") as url:
            migrate(url=url, folder=twin[1])

            def push(*extra: str) -> str:
                p = _kit(node, "push", "--dialect", "postgresql", "--schema", str(work / "schema.ts"), "--url", url,
                         "--explain", *extra)
                return p.stdout + p.stderr

            def pulled(name: str, *extra: str) -> str:
                p = _kit(node, "pull", "--dialect", "postgresql", "--url", url,
                         "--out", os.path.relpath(work / name, INTEROP1), *extra)
                assert p.returncode == 0, p.stdout + p.stderr
                return (work / name / "schema.ts").read_text()

            assert "__mizzle_audit" in push()  # the hazard the docs warn of
            assert "No changes detected" in push("--tablesFilter", "!__mizzle_*")
            assert '"__mizzle_audit"' in pulled("unfiltered")
            assert "__mizzle" not in pulled("filtered", "--tablesFilter", "!__mizzle_*")
    finally:
        shutil.rmtree(work, ignore_errors=True)
