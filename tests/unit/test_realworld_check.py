"""`mizzle check` on the real drizzle-kit folders in ../shared/realworld/drizzle (issue 15 items 2 and 4): every
finding is one EXPECTED.txt lists for that folder under step b (a real problem judged by hand); anything else is
a false alarm. Plus the chain shapes drizzle-kit tolerates, each reported once at its real severity."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mizzle.migrations.check import ROOT_ID, check_folder
from mizzle.migrations.folder import MigrationFolder

REALWORLD = Path(__file__).resolve().parents[2] / ".." / "shared" / "realworld" / "drizzle"
FOLDERS = ["dokploy", "lmnr", "kan", "homarr"]

needs_realworld = pytest.mark.skipif(not (REALWORLD / "EXPECTED.txt").is_file(), reason="no ../shared/realworld")


def expected(folder: str, step: str) -> list[re.Pattern[str]]:
    out = []
    for line in (REALWORLD / "EXPECTED.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, steps, regex = line.split(" ", 2)
        if name in (folder, "*") and step in steps:
            out.append(re.compile(regex))
    return out


@needs_realworld
@pytest.mark.parametrize("name", FOLDERS)
def test_check_reports_only_what_expected_lists(name: str) -> None:
    report = check_folder(REALWORLD / name, "postgresql")
    allowed = expected(name, "b")
    lines = [f"{f.level}: {f.path}: {f.message}" for f in report.findings]
    false_alarms = [ln for ln in lines if not any(r.search(ln) for r in allowed)]
    assert not false_alarms, "\n".join(false_alarms)
    assert len(lines) == len(set(lines))  # each problem once


@needs_realworld
def test_timestamp_prefixed_snapshots_are_found() -> None:
    # kan (prefix "timestamp"): drizzle-kit names each snapshot after its tag's prefix
    mf = MigrationFolder(REALWORLD / "kan")
    migs = mf.migrations()
    found = [m for m in migs if m.snapshot_path is not None and m.snapshot_path.is_file()]
    assert len(migs) == 35 and len(found) == 34  # 20260129210000_AddWorkspaceWebhooks has none at all
    assert migs[0].snapshot_path == mf.meta / "20250508083758_snapshot.json"
    assert mf.latest_snapshot()["id"] == json.loads((mf.meta / "20260529123231_snapshot.json").read_text())["id"]
    report = check_folder(REALWORLD / "kan", "postgresql")
    assert report.ok and not any("another name" in f.message for f in report.findings)


def _folder(tmp_path: Path, tags: list[str], prefix_of: dict[str, str] | None = None) -> Path:
    """A journal with those tags, a SQL file each, and a chained snapshot each named as drizzle-kit names it."""
    out = tmp_path / "m"
    (out / "meta").mkdir(parents=True)
    entries, prev = [], ROOT_ID
    for i, tag in enumerate(tags):
        entries.append({"idx": i, "version": "7", "when": 1_700_000_000_000 + i, "tag": tag, "breakpoints": True})
        (out / f"{tag}.sql").write_text(f'CREATE TABLE "t{i}" ("id" integer);')
        sid = f"{i + 1:08d}-0000-0000-0000-000000000000"
        name = (prefix_of or {}).get(tag, tag.split("_")[0])
        (out / "meta" / f"{name}_snapshot.json").write_text(json.dumps(
            {"id": sid, "prevId": prev, "version": "7", "dialect": "postgresql", "tables": {}, "enums": {},
             "schemas": {}, "sequences": {}, "_meta": {"schemas": {}, "tables": {}, "columns": {}}}))
        prev = sid
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                            "entries": entries}))
    return out


def test_unix_prefix_and_none_prefix(tmp_path: Path) -> None:
    unix = _folder(tmp_path / "u", ["1746693478_a", "1746693500_b"])
    assert not check_folder(unix, "postgresql").findings
    # prefix "none": tags `_name`, and drizzle-kit keeps one snapshot, meta/_snapshot.json (the latest)
    none = _folder(tmp_path / "n", ["_a", "_b"], {"_a": "gone", "_b": ""})
    (none / "meta" / "gone_snapshot.json").unlink()
    assert MigrationFolder(none).migrations()[-1].snapshot_path == none / "meta" / "_snapshot.json"
    assert not check_folder(none, "postgresql").findings


def test_pull_baseline_starts_a_chain(tmp_path: Path) -> None:
    out = _folder(tmp_path, ["0000_pulled", "0001_next"])
    first = json.loads((out / "meta" / "0000_snapshot.json").read_text())
    second = json.loads((out / "meta" / "0001_snapshot.json").read_text())
    first.update(id=ROOT_ID, prevId="")  # what `drizzle-kit pull` writes
    second["prevId"] = ROOT_ID
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps(first))
    (out / "meta" / "0001_snapshot.json").write_text(json.dumps(second))
    assert not check_folder(out, "postgresql").findings


def test_one_idx_gap_is_one_warning(tmp_path: Path) -> None:
    out = _folder(tmp_path, [f"{i:04d}_m" for i in range(6)])
    data = json.loads((out / "meta" / "_journal.json").read_text())
    for e in data["entries"][2:]:  # entry 2 onwards numbered from 3: one gap
        e["idx"] += 1
    (out / "meta" / "_journal.json").write_text(json.dumps(data))
    report = check_folder(out, "postgresql")
    gaps = [f for f in report.findings if "idx" in f.message]
    assert report.ok and len(gaps) == 1 and "jumps from 1 to 3" in gaps[0].message


def test_branch_merge_sibling_reported_once(tmp_path: Path) -> None:
    out = _folder(tmp_path, [f"{i:04d}_m" for i in range(4)])

    def same_parent(child: int) -> None:
        snap = json.loads((out / "meta" / f"{child:04d}_snapshot.json").read_text())
        snap["prevId"] = json.loads((out / "meta" / f"{child - 1:04d}_snapshot.json").read_text())["prevId"]
        (out / "meta" / f"{child:04d}_snapshot.json").write_text(json.dumps(snap))

    same_parent(2)  # a merge in the past: later snapshots follow
    report = check_folder(out, "postgresql")
    assert report.ok and [f.path for f in report.findings] == ["meta/0002_snapshot.json"]
    same_parent(3)  # the latest snapshot lacks the other branch's changes: generate would repeat them
    report = check_folder(out, "postgresql")
    assert [f.path for f in report.errors] == ["meta/0003_snapshot.json"]
    assert "branch-merge collision" in report.errors[0].message


def test_generate_writes_drizzle_kits_snapshot_name(tmp_path: Path) -> None:
    out = _folder(tmp_path, ["20250508083758_a"])
    mf = MigrationFolder(out)
    m = mf.add_migration("b", "SELECT 1;", json.loads((out / "meta" / "20250508083758_snapshot.json").read_text())
                         | {"id": "x", "prevId": "00000001-0000-0000-0000-000000000000"}, prefix="timestamp")
    prefix = m.tag.split("_")[0]
    assert m.snapshot_path == out / "meta" / f"{prefix}_snapshot.json" and m.snapshot_path.is_file()
    assert not check_folder(out, "postgresql").errors
