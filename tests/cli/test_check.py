"""`mizzle check`: the offline integrity check, on a real drizzle-kit folder and broken copies of it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult

from mizzle.migrations.check import check_folder

REFERENCE = Path(__file__).parents[1] / "interop" / "pg" / "out"  # written by drizzle-kit 0.31


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    if not (REFERENCE / "meta" / "_journal.json").is_file():
        pytest.fail(f"reference drizzle-kit folder missing: {REFERENCE}", pytrace=False)
    dest = tmp_path / "drizzle"
    shutil.copytree(REFERENCE, dest)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    return dest


def journal(folder: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((folder / "meta" / "_journal.json").read_text())


def write_journal(folder: Path, data: dict) -> None:  # type: ignore[type-arg]
    (folder / "meta" / "_journal.json").write_text(json.dumps(data, indent=2))


def snapshot(folder: Path, idx: int) -> dict:  # type: ignore[type-arg]
    return json.loads((folder / "meta" / f"{idx:04d}_snapshot.json").read_text())


def write_snapshot(folder: Path, idx: int, data: dict) -> None:  # type: ignore[type-arg]
    (folder / "meta" / f"{idx:04d}_snapshot.json").write_text(json.dumps(data, indent=2))


def errors(folder: Path) -> list[str]:
    return [f"{f.path}: {f.message}" for f in check_folder(folder, "postgresql").errors]


def test_drizzle_kit_folder_is_clean(folder: Path) -> None:
    report = check_folder(folder, "postgresql")
    assert report.ok, report.errors
    assert report.migrations == len(journal(folder)["entries"])


def test_corrupt_journal(folder: Path) -> None:
    (folder / "meta" / "_journal.json").write_text('{"entries": [\n<<<<<<< HEAD\n')
    assert any("malformed JSON at line 2" in e for e in errors(folder))


def test_missing_journal_with_sql_files(folder: Path) -> None:
    (folder / "meta" / "_journal.json").unlink()
    assert any("_journal.json: missing" in e for e in errors(folder))


def test_entry_without_file_and_file_without_entry(folder: Path) -> None:
    tag = journal(folder)["entries"][1]["tag"]
    (folder / f"{tag}.sql").rename(folder / "9999_orphan.sql")
    errs = errors(folder)
    assert any(e.startswith(f"{tag}.sql: listed in the journal") for e in errs)
    assert any(e.startswith("9999_orphan.sql: journal out of sync with files: not in meta/_journal.json")
               and "will ever run it" in e for e in errs)


def test_duplicates(folder: Path) -> None:
    data = journal(folder)
    dup = dict(data["entries"][1])
    data["entries"].append(dup)
    write_journal(folder, data)
    errs = errors(folder)
    assert any("duplicate tag" in e for e in errs)
    assert any("duplicate idx" in e for e in errs)
    assert any("duplicate `when`" in e for e in errs)


def test_a_far_future_when_is_one_finding_naming_its_entry(folder: Path) -> None:
    """One entry's hand-set `when` later than those of all the entries after it (dligthart/wordclaw's 0004:
    1772000000000, 11 entries later) is one warning naming it and the entries it affects, not one per later entry;
    a single entry older than the one before it is still named itself."""
    data = journal(folder)
    entries = data["entries"]
    far = entries[2]
    far["when"] = entries[-1]["when"] + 10_000_000
    write_journal(folder, data)
    warnings = [f.message for f in check_folder(folder, "postgresql").warnings if "`when`" in f.message]
    later = [e["tag"] for e in entries[3:]]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"{far['tag']}'s `when` ({far['when']}) is later than")
    assert f"{later[0]} … {later[-1]}" in warnings[0] and "5 entries after it" in warnings[0], warnings[0]
    far["when"] = entries[1]["when"] + 1  # back in order; one entry older than the one before it
    entries[5]["when"] = entries[4]["when"] - 1
    write_journal(folder, data)
    warnings = [f.message for f in check_folder(folder, "postgresql").warnings if "`when`" in f.message]
    assert warnings == [f"{entries[5]['tag']}'s `when` ({entries[5]['when']}) is older than the previous entry's; "
                        "databases that applied the later one see it as out of order (drizzle-orm skips it)"]


def test_broken_prev_id_chain(folder: Path) -> None:
    s = snapshot(folder, 2)
    s["prevId"] = "11111111-1111-1111-1111-111111111111"
    write_snapshot(folder, 2, s)
    # drizzle-kit never reads prevId (it takes the last snapshot file): a broken link is a warning, reported once
    report = check_folder(folder, "postgresql")
    assert report.ok
    assert [w.path for w in report.warnings if "broken chain" in w.message] == ["meta/0002_snapshot.json"]


def test_two_snapshots_with_the_same_parent_is_a_branch_merge_collision(folder: Path) -> None:
    # in the past (later snapshots follow): a warning, once; drizzle-kit tolerates it (issue 15 item 4)
    s1, s2 = snapshot(folder, 1), snapshot(folder, 2)
    s2["prevId"] = s1["prevId"]  # both branches generated on top of 0000
    write_snapshot(folder, 2, s2)
    report = check_folder(folder, "postgresql")
    chain = [f for f in report.findings if "prevId" in f.message]
    assert report.ok and [f.path for f in chain] == ["meta/0002_snapshot.json"]
    assert "also the parent of meta/0001_snapshot.json" in chain[0].message
    # at the end of the chain: the latest snapshot lacks the other branch's changes, an error
    last = len(journal(folder)["entries"]) - 1
    a, b = snapshot(folder, last - 1), snapshot(folder, last)
    b["prevId"] = a["prevId"]
    write_snapshot(folder, last, b)
    errs = errors(folder)
    assert any("branch-merge collision" in e and "mizzle rebase" in e for e in errs)


def test_copied_snapshot_id(folder: Path) -> None:
    s1, s3 = snapshot(folder, 1), snapshot(folder, 3)
    s3["id"] = s1["id"]
    write_snapshot(folder, 3, s3)
    assert any("has the same id as" in e for e in errors(folder))


def test_malformed_snapshot_and_missing_snapshot(folder: Path) -> None:
    (folder / "meta" / "0001_snapshot.json").write_text("{ nope")
    (folder / "meta" / "0002_snapshot.json").unlink()
    report = check_folder(folder, "postgresql")
    errs = [f"{f.path}: {f.message}" for f in report.errors]
    assert any(e.startswith("meta/0001_snapshot.json: malformed JSON") for e in errs)
    # not the latest: drizzle-kit and generate never read it, so a warning (verify says it cannot compare it)
    assert any(f.path == "meta/0002_snapshot.json" and f.message.startswith("snapshot of")
               for f in report.warnings)
    last = len(journal(folder)["entries"]) - 1
    (folder / "meta" / f"{last:04d}_snapshot.json").unlink()
    assert any(e.startswith(f"meta/{last:04d}_snapshot.json: snapshot of") and "it is the latest" in e
               for e in errors(folder))


def test_a_latest_snapshot_generate_cannot_read_is_an_error(folder: Path) -> None:
    # valid JSON with an id, but a table's columns a list: check said ok, generate stopped on it
    last = len(journal(folder)["entries"]) - 1
    snap = snapshot(folder, last)
    next(iter(snap["tables"].values()))["columns"] = ["id", "name"]
    write_snapshot(folder, last, snap)
    assert any(e.startswith(f"meta/{last:04d}_snapshot.json: malformed snapshot") and "mizzle generate" in e
               for e in errors(folder)), errors(folder)
    # an earlier snapshot is not read here (verify reads each): no finding
    write_snapshot(folder, last, snapshot(folder, last - 1) | {"id": snap["id"], "prevId": snap["prevId"]})
    earlier = snapshot(folder, 1)
    next(iter(earlier["tables"].values()))["columns"] = ["id"]
    write_snapshot(folder, 1, earlier)
    assert not any("malformed" in e for e in errors(folder)), errors(folder)


def test_stray_files_are_warnings_leftover_snapshot_an_error(folder: Path) -> None:
    (folder / "notes.txt").write_text("hello")
    (folder / "meta" / "backup.json").write_text("{}")
    report = check_folder(folder, "postgresql")
    assert report.ok and {w.path for w in report.warnings} >= {"notes.txt", "meta/backup.json"}
    n = len(journal(folder)["entries"])
    shutil.copy(folder / "meta" / "0000_snapshot.json", folder / "meta" / f"{n:04d}_snapshot.json")
    assert any("snapshot with no journal entry" in e for e in errors(folder))


def test_a_stray_directory_is_named_one_and_its_sql_said_to_never_run(folder: Path) -> None:
    """giselles-ai/giselle's db/migrate holds a `system/` directory of hand-run SQL beside the journal's files: check
    called it a "stray file", and said nothing of the .sql files in it, which neither tool ever runs."""
    (folder / "system").mkdir()
    (folder / "system" / "20250422_storage_patch.sql").write_text("SELECT 1;\n")
    (folder / "docs").mkdir()
    (folder / "docs" / "README.md").write_text("hello")
    report = check_folder(folder, "postgresql")
    by_path = {w.path: w.message for w in report.warnings}
    assert report.ok
    assert by_path["system"].startswith("stray directory in the migrations folder") and \
        "the 1 .sql file(s) in it never run" in by_path["system"], by_path
    assert by_path["docs"] == "stray directory in the migrations folder", by_path


def test_sql_that_does_not_parse_and_misplaced_directive(folder: Path) -> None:
    tag = journal(folder)["entries"][0]["tag"]
    p = folder / f"{tag}.sql"
    p.write_text(p.read_text() + "\n--> statement-breakpoint\nCREATE TABLE oops (\n")
    tag2 = journal(folder)["entries"][1]["tag"]
    p2 = folder / f"{tag2}.sql"
    p2.write_text("SELECT 1;\n-- mizzle:no-transaction\n" + p2.read_text())
    errs = errors(folder)
    assert any(e.startswith(f"{tag}.sql: statement") and "does not parse" in e for e in errs)
    assert any(e.startswith(f"{tag2}.sql:") and "must be the first line" in e for e in errs)


def test_drizzle_kit_pulls_commented_out_schema_is_named_with_what_to_do(folder: Path) -> None:
    # satwikShresth/OpenMario's 0000 is drizzle-kit pull's output: its statements inside /* … */ under drizzle-kit's
    # two comment lines. check said "statement 1 does not parse: unterminated /* comment" and "statement N does not
    # parse: syntax error at or near */", nothing about where the file came from or what to do with it
    tag = journal(folder)["entries"][0]["tag"]
    p = folder / f"{tag}.sql"
    p.write_text("-- Current sql file was generated after introspecting the database\n"
                 "-- If you want to run this migration please uncomment this code before executing migrations\n"
                 "/*\n" + p.read_text() + "\n*/")
    mine = [e for e in errors(folder) if e.startswith(f"{tag}.sql:")]
    assert len(mine) == 1 and "drizzle-kit pull" in mine[0] and f"mizzle baseline --to {tag}" in mine[0] \
        and "does not parse" not in mine[0], mine


def test_journal_dialect_mismatch(folder: Path) -> None:
    assert any("journal dialect" in f.message for f in check_folder(folder, "sqlite").errors)


def test_cli_exit_codes(folder: Path, run_mizzle: Callable[..., CliResult]) -> None:
    ok = run_mizzle(["check"], cwd=folder.parent)
    assert ok.code == 0 and ok.stdout.startswith("ok: ")
    last = len(journal(folder)["entries"]) - 1
    s = snapshot(folder, last)
    s["prevId"] = snapshot(folder, last - 1)["prevId"]
    write_snapshot(folder, last, s)
    bad = run_mizzle(["check"], cwd=folder.parent)
    assert bad.code == 3
    assert bad.stderr.splitlines()[0].startswith("error: ") and "branch-merge collision" in bad.stderr
    js = run_mizzle(["check", "--json"], cwd=folder.parent)
    assert js.code == 3 and json.loads(js.stdout)["ok"] is False


def _retag(folder: Path, idx: int, tag: str) -> None:
    data = journal(folder)
    entry = data["entries"][idx]
    (folder / f"{entry['tag']}.sql").rename(folder / f"{tag}.sql")
    entry["tag"] = tag
    write_journal(folder, data)


def test_tags_numbered_apart_from_idx_do_not_share_a_snapshot(folder: Path) -> None:
    # a real folder's tags skip a number (entry 5 is 0006_…): the entry whose own snapshot is missing is not given
    # the next entry's by position (was: "meta/0006_snapshot.json: has the same id as meta/0006_snapshot.json")
    meta = folder / "meta"
    (meta / "0007_snapshot.json").rename(meta / "0008_snapshot.json")
    _retag(folder, 7, "0008_step8")
    (meta / "0006_snapshot.json").unlink()
    (meta / "0005_snapshot.json").rename(meta / "0006_snapshot.json")
    _retag(folder, 5, "0006_step6")
    _retag(folder, 6, "0007_step7")
    report = check_folder(folder, "postgresql")
    assert not [e for e in report.errors if "same id" in e.message or "both" in e.message], report.errors
    missing = [w.path for w in report.warnings if "is missing" in w.message]
    assert missing == ["meta/0007_snapshot.json"], report.warnings


def test_two_tags_with_one_number_are_named(folder: Path) -> None:
    _retag(folder, 3, "0002_step4")  # 0002_step3 and 0002_step4: drizzle-kit names both snapshots 0002
    errs = errors(folder)
    assert any(e.startswith("meta/0002_snapshot.json: is the snapshot of both 0002_step3 and 0002_step4") for e in errs), errs
    assert not any("same id as meta/0002_snapshot.json" in e for e in errs), errs


def test_snapshots_chained_in_another_order_than_the_journal(folder: Path, run_mizzle: Callable[..., CliResult]) -> None:
    # inkeep/agents' runtime folder: the prevIds chain 0022 → 0025 → 0024 → 0026 (the file 0025 holds 0023's
    # schema, 0024 its own, 0025's is missing), so 0025's snapshot lacks the column 0025's SQL adds; no link was
    # broken, and check said nothing. Here two files swapped
    meta = folder / "meta"
    (meta / "0002_snapshot.json").rename(meta / "swap.json")
    (meta / "0003_snapshot.json").rename(meta / "0002_snapshot.json")
    (meta / "swap.json").rename(meta / "0003_snapshot.json")
    report = check_folder(folder, "postgresql")
    found = [f for f in report.findings if "prevId" in f.message]
    assert [(f.level, f.path) for f in found] == [("error", "meta/0002_snapshot.json")], report.findings
    message = found[0].message
    assert "0001_step2 → 0003_step4 → 0002_step3 → 0004_step5" in message
    assert message.startswith(f"prevId {snapshot(folder, 3)['id']} is the id of meta/0003_snapshot.json")
    assert "mizzle check --rebuild-snapshots --from 0002_step3" in message
    r = run_mizzle(["check"], cwd=folder.parent)
    assert r.code == 3 and "0001_step2 → 0003_step4 → 0002_step3 → 0004_step5" in r.stderr
    # three in reverse: one finding, at the end of the run; a rebuild from the first
    (meta / "0002_snapshot.json").rename(meta / "swap.json")
    (meta / "0003_snapshot.json").rename(meta / "0002_snapshot.json")
    (meta / "swap.json").rename(meta / "0003_snapshot.json")
    s3, s4, s5, s6 = (snapshot(folder, i) for i in (3, 4, 5, 6))
    s5["prevId"], s4["prevId"], s3["prevId"], s6["prevId"] = s3["prevId"], s5["id"], s4["id"], s3["id"]
    for i, s in ((3, s3), (4, s4), (5, s5), (6, s6)):
        write_snapshot(folder, i, s)
    found = [f for f in check_folder(folder, "postgresql").findings if "prevId" in f.message]
    assert [(f.level, f.path) for f in found] == [("error", "meta/0003_snapshot.json")], found
    assert "0002_step3 → 0005_step6 → 0004_step5 → 0003_step4 → 0006_step7" in found[0].message
    assert "--from 0003_step4" in found[0].message


def test_a_branch_merge_is_no_chain_out_of_order(folder: Path) -> None:
    # the incoming branch's snapshot generated from an earlier one than the previous entry's: links skip, none runs
    # back; the shared parent is reported as before
    s2, s3 = snapshot(folder, 2), snapshot(folder, 3)
    s3["prevId"] = s2["prevId"]
    write_snapshot(folder, 3, s3)
    report = check_folder(folder, "postgresql")
    assert report.ok and [f.path for f in report.findings if "prevId" in f.message] == ["meta/0003_snapshot.json"]


def test_a_snapshot_named_after_a_later_migration_with_one_missing_between(folder: Path) -> None:
    # inkeep/agents' shape: 0003's snapshot under 0005's name, 0005's own missing, 0006 generated after 0004's
    meta = folder / "meta"
    s6 = snapshot(folder, 6)
    s6["prevId"] = snapshot(folder, 4)["id"]
    write_snapshot(folder, 6, s6)
    (meta / "0005_snapshot.json").unlink()
    (meta / "0003_snapshot.json").rename(meta / "0005_snapshot.json")
    s4 = snapshot(folder, 4)
    report = check_folder(folder, "postgresql")
    found = [f for f in report.errors if "prevId" in f.message]
    assert [f.path for f in found] == ["meta/0004_snapshot.json"], report.findings
    assert f"prevId {s4['prevId']} is the id of meta/0005_snapshot.json" in found[0].message
    assert "0002_step3 → 0005_step6 → 0004_step5 → 0006_step7" in found[0].message
    assert "--from 0004_step5" in found[0].message


def test_a_chain_in_when_order_is_the_journals_order_reported_with_it(folder: Path) -> None:
    # kan: two branches merged with the journal listing the later-generated migration first; snapshots and `when`s
    # agree, the journal is out of order, a warning (as before)
    data = journal(folder)
    data["entries"][2], data["entries"][3] = data["entries"][3], data["entries"][2]
    write_journal(folder, data)
    report = check_folder(folder, "postgresql")
    assert report.ok, report.errors
    assert any("older than the previous entry's" in w.message for w in report.warnings)
