"""`mizzle up`: a drizzle-kit 0.x journal folder (drizzle-kit 0.31's own output, tests/interop/pg/out) converted to
drizzle-kit 1.x's layout, keeping every migration's hash and `when`; refusals with their exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from mizzle.migrations.folder import MigrationFolder

PG_OUT = Path(__file__).resolve().parents[1] / "interop" / "pg" / "out"


def _project(tmp_path: Path) -> Path:
    shutil.copytree(PG_OUT, tmp_path / "drizzle")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    return tmp_path / "drizzle"


def test_up_converts_keeping_identities(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    folder = _project(tmp_path)
    before = MigrationFolder(folder).migrations()
    identity = [(m.hash, m.when, m.tag.split("_", 1)[1]) for m in before]
    old_snapshot_ids = [json.loads(m.snapshot_path.read_text())["id"] for m in before if m.snapshot_path]

    dry = run_mizzle(["up", "--dry-run", "--json"], cwd=tmp_path)
    assert dry.code == 0, dry.stderr
    assert len(json.loads(dry.stdout)["converted"]) == len(before)
    assert (folder / "meta" / "_journal.json").exists()  # nothing written

    r = run_mizzle(["up"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    after = MigrationFolder(folder)
    assert after.uses_folders and not (folder / "meta" / "_journal.json").exists()
    assert not list(folder.glob("*.sql")) and not list((folder / "meta").glob("*_snapshot.json"))
    migs = after.migrations()
    assert [(m.hash, m.when, m.tag.split("_", 1)[1]) for m in migs] == identity
    snaps = [json.loads(m.snapshot_path.read_text()) for m in migs if m.snapshot_path]
    assert [s["id"] for s in snaps] == old_snapshot_ids
    assert snaps[0]["type"] == "base" and all(s["type"] == "diff" for s in snaps[1:])
    assert all(s["prevIds"] == [p["id"]] for p, s in zip(snaps, snaps[1:], strict=False))

    again = run_mizzle(["up"], cwd=tmp_path)
    assert again.code == 2 and "already has drizzle-kit 1.x's layout" in again.first_error_line


def test_up_refuses_a_missing_sql_file(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    folder = _project(tmp_path)
    (folder / "0003_step4.sql").unlink()
    r = run_mizzle(["up"], cwd=tmp_path)
    assert r.code == 3 and "0003_step4.sql" in r.first_error_line
    assert (folder / "meta" / "_journal.json").exists()  # nothing converted


def test_up_refuses_a_malformed_snapshot_in_one_line(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # an index column whose expression is null: up stopped with "unexpected TypeError" (exit 1)
    folder = _project(tmp_path)
    path = sorted((folder / "meta").glob("*_snapshot.json"))[-1]
    snap = json.loads(path.read_text())
    table = next(iter(snap["tables"].values()))
    table["indexes"] = {"i": {"name": "i", "columns": [{"expression": None}], "isUnique": False}}
    path.write_text(json.dumps(snap))
    r = run_mizzle(["up"], cwd=tmp_path)
    assert r.code == 3 and f"{path.name}: malformed snapshot" in r.first_error_line, r.stderr
    assert (folder / "meta" / "_journal.json").exists()  # nothing converted


def test_up_gives_a_pulled_baseline_snapshot_an_id_of_its_own(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # drizzle-kit pull writes its baseline snapshot with the root id itself ("00000000-…", prevId ""), the next
    # snapshot follows it (simstudioai/sim's 0000 and 0001): `up` refused the folder, "snapshot id … is empty or used
    # twice", and the advice (`mizzle rebase`) changed nothing
    folder = _project(tmp_path)
    root = "00000000-0000-0000-0000-000000000000"
    for name, key, value in (("0000", "id", root), ("0000", "prevId", ""), ("0001", "prevId", root)):
        p = folder / "meta" / f"{name}_snapshot.json"
        p.write_text(json.dumps({**json.loads(p.read_text()), key: value}, indent=2))
    others = [json.loads((folder / "meta" / f"{i:04d}_snapshot.json").read_text())["id"] for i in range(1, 8)]
    r = run_mizzle(["up"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "0000_step1's snapshot has the root id" in r.stderr
    snaps = [json.loads(m.snapshot_path.read_text()) for m in MigrationFolder(folder).migrations() if m.snapshot_path]
    assert snaps[0]["id"] not in (root, "") and snaps[0]["prevIds"] == [root]
    assert [s["id"] for s in snaps[1:]] == others and snaps[1]["prevIds"] == [snaps[0]["id"]]
    assert run_mizzle(["check"], cwd=tmp_path).code == 0


def test_up_names_two_tags_sharing_one_snapshot_file(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # wundergraph/cosmo's journal lists 0026_gigantic_robin_chapel (idx 24) and 0026_eager_arachne (idx 26):
    # drizzle-kit names a snapshot after the tag's number, so meta/0026_snapshot.json stands for both. `up` said
    # "snapshot id … is empty or used twice" and advised `mizzle rebase`, which answered "nothing to rebase"
    folder = _project(tmp_path)
    journal = json.loads((folder / "meta" / "_journal.json").read_text())
    journal["entries"][2]["tag"] = "0003_step3"  # as a branch merge left it: the number of the entry after it
    (folder / "0002_step3.sql").rename(folder / "0003_step3.sql")
    (folder / "meta" / "0002_snapshot.json").unlink()
    (folder / "meta" / "_journal.json").write_text(json.dumps(journal, indent=2))
    r = run_mizzle(["up"], cwd=tmp_path)
    assert r.code == 3, r.stderr
    assert "meta/0003_snapshot.json" in r.first_error_line and "0003_step3" in r.first_error_line \
        and "0003_step4" in r.first_error_line, r.stderr
    assert "rebase" not in r.stderr and "renumber" in r.stderr.lower(), r.stderr
    assert (folder / "meta" / "_journal.json").exists()  # nothing converted
