"""drizzle-kit 1.0.0-beta's snapshots (version "8": every snapshot the whole state as `ddl` rows, `prevIds`,
`renames`) in the 1.x folder layout: mizzle reads each one's state as it is, `generate` refuses to write after them
(as drizzle-kit 1.0.0-rc.5 does) pointing at `mizzle up`, and `mizzle up` converts them to version 9 in place.

The version 8 folder is made here from drizzle-kit 0.31's own folder (tests/interop/pg/out) converted by `mizzle up`:
each version 9 snapshot's state, written as version 8 rows (the same row format as a version 9 base's `ddl`).
tests/integration/postgres/test_interop1_pg.py runs drizzle-kit 1.0.0-rc.5's own `up` on such a folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mizzle.dialects.postgres import snapshot_v9 as v9
from mizzle.errors import UsageError
from mizzle.migrations import folders1
from mizzle.migrations.folder import MigrationFolder

PG_OUT = Path(__file__).resolve().parents[1] / "interop" / "pg" / "out"
ROOT = "00000000-0000-0000-0000-000000000000"


def write_v8(folder: Path, name: str, id_: str, prev_ids: list[str], rows: list[dict[str, Any]], sql: str) -> None:
    (folder / name).mkdir()
    (folder / name / "migration.sql").write_text(sql)
    (folder / name / "snapshot.json").write_text(json.dumps(
        {"id": id_, "prevIds": prev_ids, "version": "8", "dialect": "postgres", "ddl": rows, "renames": []}, indent=2))


def as_v8(folder: Path) -> None:
    """Every version 9 snapshot of `folder` rewritten as drizzle-kit 1.0.0-beta wrote it: its whole state."""
    snapshots = folders1.load_snapshots(folder)
    states = {i: list(v9.state_of(snapshots, i).values()) for i in snapshots}
    for i, s in snapshots.items():
        (folder / s["_dir"] / "snapshot.json").write_text(json.dumps(
            {"id": i, "prevIds": s["prevIds"], "version": "8", "dialect": "postgres", "ddl": states[i],
             "renames": []}, indent=2))


def _table(name: str) -> list[dict[str, Any]]:
    return [{"schema": "public", "name": name, "isRlsEnabled": False, "entityType": "tables"},
            {"schema": "public", "table": name, "name": "id", "type": "integer", "typeSchema": None,
             "notNull": True, "dimensions": 0, "default": None, "generated": None, "identity": None,
             "entityType": "columns"}]


@pytest.fixture
def folders(tmp_path: Path, run_mizzle) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """(the version 9 folder, the same history as version 8 with two branches and their merge added)."""
    shutil.copytree(PG_OUT, tmp_path / "v9" / "drizzle")
    (tmp_path / "v9" / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    assert run_mizzle(["up"], cwd=tmp_path / "v9").code == 0
    shutil.copytree(tmp_path / "v9", tmp_path / "v8")
    v8 = tmp_path / "v8" / "drizzle"
    as_v8(v8)
    snapshots = folders1.load_snapshots(v8)
    tip = folders1.leaves(snapshots)[0]
    rows = snapshots[tip]["ddl"]
    write_v8(v8, "20300101000000_bx", "bx", [tip], rows + _table("bx"), 'CREATE TABLE "bx" ("id" integer NOT NULL);')
    write_v8(v8, "20300101000001_by", "by", [tip], rows + _table("by"), 'CREATE TABLE "by" ("id" integer NOT NULL);')
    write_v8(v8, "20300101000002_merge", "m", ["by", "bx"], rows + _table("bx") + _table("by"), "SELECT 1;")
    return tmp_path / "v9" / "drizzle", v8


def _tables(snapshot: dict[str, Any] | None) -> set[str]:
    assert snapshot is not None
    return {t["name"] for t in snapshot["tables"].values()}


def test_a_version_8_folder_reads_as_its_version_9_twin(folders: tuple[Path, Path]) -> None:
    v9_folder, v8_folder = folders
    twin, v8 = MigrationFolder(v9_folder), MigrationFolder(v8_folder)
    pairs = list(zip(twin.migrations(), v8.migrations(), strict=False))
    assert len(pairs) == 8
    for a, b in pairs:
        assert v8.read_snapshot(b) == twin.read_snapshot(a), b.tag
    before = _tables(twin.latest_snapshot())
    assert len(before) > 5
    by_tag = {m.tag: m for m in v8.migrations()}
    assert _tables(v8.read_snapshot(by_tag["20300101000000_bx"])) == before | {"bx"}
    assert _tables(v8.read_snapshot(by_tag["20300101000002_merge"])) == before | {"bx", "by"}
    assert _tables(v8.latest_snapshot()) == before | {"bx", "by"}
    # two leaves not yet merged: the next migration starts from both branches
    shutil.rmtree(v8_folder / "20300101000002_merge")
    assert _tables(MigrationFolder(v8_folder).latest_snapshot()) == before | {"bx", "by"}


def test_generate_refuses_to_write_after_version_8(folders: tuple[Path, Path]) -> None:
    _, v8_folder = folders
    latest = MigrationFolder(v8_folder).latest_snapshot()
    assert latest is not None
    with pytest.raises(UsageError, match=r"version 8 snapshot .*run `mizzle up`") as e:
        folders1.snapshot_v9({**latest, "id": "new"}, v8_folder)
    # amruthpillai/reactive-resume's folder, written by drizzle-kit 1.0.0-rc.4, is all version 8: the error named
    # "drizzle-kit 1.0.0-beta" only, and said nothing of what converting means for the team's drizzle-kit
    assert "1.0.0-rc.4" in str(e.value) and "1.0.0-rc.5" in str(e.value), str(e.value)


def test_up_converts_version_8_to_version_9(folders: tuple[Path, Path], run_mizzle) -> None:  # type: ignore[no-untyped-def]
    _, v8_folder = folders
    before = MigrationFolder(v8_folder)
    states = [before.read_snapshot(m) for m in before.migrations()]
    sql = {d.name: (d / "migration.sql").read_bytes() for d in folders1.migration_dirs(v8_folder)}

    dry = run_mizzle(["up", "--dry-run", "--json"], cwd=v8_folder.parent)
    assert dry.code == 0, dry.stderr
    assert len(json.loads(dry.stdout)["converted"]) == 11
    assert all(s["version"] == "8" for s in folders1.load_snapshots(v8_folder).values())  # nothing written

    r = run_mizzle(["up"], cwd=v8_folder.parent)
    assert r.code == 0, r.stderr
    assert "11 snapshot(s)" in r.stdout and "1.0.0-rc.4" in r.stdout and "1.0.0-rc.5" in r.stdout, r.stdout
    snapshots = folders1.load_snapshots(v8_folder)
    assert all(s["version"] == "9" for s in snapshots.values())
    assert [s["type"] for s in sorted(snapshots.values(), key=lambda s: s["_dir"])] == ["base"] + ["diff"] * 10
    assert snapshots["m"]["prevIds"] == ["by", "bx"]  # the last folder first, as drizzle-kit writes a merge
    after = MigrationFolder(v8_folder)
    assert [after.read_snapshot(m) for m in after.migrations()] == states
    assert {d.name: (d / "migration.sql").read_bytes() for d in folders1.migration_dirs(v8_folder)} == sql

    again = run_mizzle(["up"], cwd=v8_folder.parent)
    assert again.code == 2 and "nothing to convert" in again.first_error_line


def test_up_converts_a_sqlite_journal_folder(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """SQLite journal folders are converted too (they were refused), each snapshot whole as drizzle-kit 1.x's `up`
    writes it (tests/integration/sqlite/test_up_sqlite_interop1.py compares with drizzle-kit's own `up`)."""
    shutil.copytree(PG_OUT.parent.parent / "sqlite" / "out", tmp_path / "drizzle")
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nout = "drizzle"\n')
    r = run_mizzle(["up"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert not (tmp_path / "drizzle" / "meta" / "_journal.json").exists()
    dirs = folders1.migration_dirs(tmp_path / "drizzle")
    snaps = [json.loads((d / folders1.SNAPSHOT).read_text()) for d in dirs]
    assert len(dirs) == 4 and {s["version"] for s in snaps} == {"7"} and all(s["dialect"] == "sqlite" for s in snaps)
    assert [s["prevIds"] for s in snaps[1:]] == [[s["id"]] for s in snaps[:-1]]


def test_check_compares_version_8_branches_as_converted(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """Two version 8 branches that create table `bx` differently (no deltas to compare as they are) conflict."""
    v8 = tmp_path / "drizzle"
    v8.mkdir()
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    write_v8(v8, "20300101000000_init", "a", [ROOT], _table("t"), 'CREATE TABLE "t" ("id" integer NOT NULL);')
    for i, (name, not_null) in enumerate((("x", True), ("y", False))):
        rows = _table("t") + [{**r, "notNull": not_null} if r["entityType"] == "columns" else r for r in _table("bx")]
        write_v8(v8, f"2030010100000{i + 1}_{name}", name, ["a"], rows,
                 f'CREATE TABLE "bx" ("id" integer{" NOT NULL" if not_null else ""});')
    r = run_mizzle(["check"], cwd=tmp_path)
    assert r.code == 3 and "branches do not commute" in r.stdout + r.stderr, r.stdout + r.stderr


def test_check_advice_for_a_missing_snapshot_among_version_8_ones_is_what_works(  # type: ignore[no-untyped-def]
        tmp_path: Path, run_mizzle, pg_url) -> None:
    """A version 8 folder whose latest snapshot.json is lost: `check` advised `mizzle check --rebuild-snapshots`,
    which refused (no snapshot is written after version 8 ones) and asked for `mizzle up`. The finding now lists
    `mizzle up` first, and the two steps in its order rebuild the snapshot."""
    v8 = tmp_path / "drizzle"
    v8.mkdir()
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    write_v8(v8, "20300101000000_init", "a", [ROOT], _table("t"), 'CREATE TABLE "t" ("id" integer NOT NULL);')
    write_v8(v8, "20300101000001_bx", "b", ["a"], _table("t") + _table("bx"),
             'CREATE TABLE "bx" ("id" integer NOT NULL);')
    (v8 / "20300101000002_by").mkdir()
    (v8 / "20300101000002_by" / "migration.sql").write_text('CREATE TABLE "by" ("id" integer NOT NULL);')
    r = run_mizzle(["check"], cwd=tmp_path)
    out = r.stdout + r.stderr
    assert r.code == 3 and "20300101000002_by/snapshot.json" in out, out
    assert out.index("`mizzle up`") < out.index("`mizzle check --rebuild-snapshots`"), out

    url = pg_url()
    refused = run_mizzle(["check", "--rebuild-snapshots", "--scratch-url", url], cwd=tmp_path)
    assert refused.code == 2 and "mizzle up" in refused.stderr, refused.stderr  # why `up` comes first
    assert run_mizzle(["up"], cwd=tmp_path).code == 0
    r = run_mizzle(["check", "--rebuild-snapshots", "--scratch-url", url], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert run_mizzle(["check"], cwd=tmp_path).code == 0
    assert "by" in _tables(MigrationFolder(v8).latest_snapshot())


def _three_with_the_middle_snapshot_lost(project: Path) -> Path:
    """A version 8 folder of three migrations (tables t, bx, by) in `project`, the second's snapshot.json deleted."""
    v8 = project / "drizzle"
    v8.mkdir()
    (project / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    write_v8(v8, "20300101000000_init", "a", [ROOT], _table("t"), 'CREATE TABLE "t" ("id" integer NOT NULL);')
    write_v8(v8, "20300101000001_bx", "b", ["a"], _table("t") + _table("bx"),
             'CREATE TABLE "bx" ("id" integer NOT NULL);')
    write_v8(v8, "20300101000002_by", "c", ["b"], _table("t") + _table("bx") + _table("by"),
             'CREATE TABLE "by" ("id" integer NOT NULL);')
    (v8 / "20300101000001_bx" / "snapshot.json").unlink()
    return v8


def test_check_advice_for_a_missing_snapshot_before_others_in_the_1x_layout(  # type: ignore[no-untyped-def]
        tmp_path: Path, run_mizzle, pg_url) -> None:
    """A snapshot.json lost before the latest: `check --rebuild-snapshots` rebuilds the latest snapshots only (it
    refuses while a later one is left), so the finding says to delete the later ones first, then `mizzle up`."""
    v8 = _three_with_the_middle_snapshot_lost(tmp_path)
    out = run_mizzle(["check"], cwd=tmp_path)
    text = out.stdout + out.stderr
    line = next(ln for ln in text.splitlines() if "snapshot of 20300101000001_bx is missing" in ln)
    assert "1. delete the snapshot.json of every later migration" in line, line
    assert "2. run `mizzle up`" in line and "3. run `mizzle check --rebuild-snapshots`" in line, line
    # the next migration's parent is that lost snapshot: its folder is there (check said "restore that folder")
    parent = next(ln for ln in text.splitlines() if "20300101000002_by: its parent snapshot b" in ln)
    assert "restore that folder" not in parent and "20300101000001_bx has none" in parent, parent

    (v8 / "20300101000002_by" / "snapshot.json").unlink()  # the steps in that order rebuild both
    assert run_mizzle(["up"], cwd=tmp_path).code == 0
    r = run_mizzle(["check", "--rebuild-snapshots", "--scratch-url", pg_url()], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert run_mizzle(["check"], cwd=tmp_path).code == 0


def test_up_names_the_snapshot_whose_parent_is_lost(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """A version 8 folder whose middle snapshot.json is lost: `mizzle up` said 'snapshot (start) has no base
    snapshot before it' (a name of its own making) and to restore 'the missing migration folders', which are all
    there. It now names the migration whose parent is lost and how to rebuild it."""
    v8 = _three_with_the_middle_snapshot_lost(tmp_path)
    r = run_mizzle(["up"], cwd=tmp_path)
    assert r.code == 3, r.stderr
    assert "(start)" not in r.stderr and "20300101000002_by: its parent snapshot b is in no migration folder" in \
        r.stderr, r.stderr
    assert "delete this snapshot.json and every later one, run `mizzle up`" in r.stderr, r.stderr
    assert all(s["version"] == "8" for s in folders1.load_snapshots(v8).values())  # nothing written
