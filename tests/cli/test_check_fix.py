"""`mizzle check --fix`: repairs the journal where the folder says unambiguously what it should hold, refuses
the rest with the reason, and never touches SQL files or snapshots."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult
from pg_project import fresh_config, write_project
from pgtools import temp_database

import mizzle
from mizzle.commands.generate import generate
from mizzle.migrations.check import check_folder, fix_folder

Run = Callable[..., CliResult]
T0 = 1_760_000_000_000
STEPS = ['''
import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))
''']
STEPS.append(STEPS[0] + 'posts = sa.Table("posts", md, sa.Column("id", sa.Integer, primary_key=True))\n')
STEPS.append(STEPS[1] + 'tags = sa.Table("tags", md, sa.Column("id", sa.Integer, primary_key=True))\n')


def project(root: Path) -> Path:
    for n, src in enumerate(STEPS):
        write_project(root, src)
        assert generate(fresh_config(root), name=f"s{n}", now_ms=T0 + n * 1000).written
    return root / "migrations"


def journal(folder: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((folder / "meta" / "_journal.json").read_text())


def write_journal(folder: Path, data: dict) -> None:  # type: ignore[type-arg]
    (folder / "meta" / "_journal.json").write_text(json.dumps(data, indent=2))


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()
            and p.name != "_journal.json"}


def test_lost_entry_is_restored_with_a_new_when(tmp_path: Path, run_mizzle: Run) -> None:
    folder = project(tmp_path)
    data = journal(folder)
    lost = data["entries"].pop()
    write_journal(folder, data)
    assert any("not in meta/_journal.json" in f.message for f in check_folder(folder).errors)
    before = files(folder)
    r = run_mizzle(["check", "--fix"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "fixed: journal entry 2 added for 0002_s2.sql" in r.stdout and "new `when`" in r.stdout
    entry = journal(folder)["entries"][-1]
    assert entry["tag"] == lost["tag"] and entry["idx"] == 2 and entry["when"] > data["entries"][-1]["when"]
    assert files(folder) == before  # SQL and snapshots untouched
    assert not [p for p in (folder / "meta").iterdir() if p.name.startswith(".")]  # no temporary file left
    r = run_mizzle(["check"], cwd=tmp_path)
    assert r.code == 0, r.stderr


def test_lost_entry_is_restored_where_the_journal_skips_an_idx(tmp_path: Path) -> None:
    # simstudioai/sim's journal skips idx 29 (an entry deleted, 0028 → 0030): its last entry lost, the file to restore
    # is numbered after the last idx (0038 after 0037's entry, the 38th), not after the count of entries
    folder = project(tmp_path)
    data = journal(folder)
    for e in reversed(data["entries"][1:]):  # 0001_s1, 0002_s2 → 0002_s1, 0003_s2: idx 1 skipped
        new = f"{e['idx'] + 1:04d}_{e['tag'].split('_', 1)[1]}"
        (folder / f"{e['tag']}.sql").rename(folder / f"{new}.sql")
        (folder / "meta" / f"{e['idx']:04d}_snapshot.json").rename(folder / "meta" / f"{e['idx'] + 1:04d}_snapshot.json")
        e.update(idx=e["idx"] + 1, tag=new)
    lost = data["entries"].pop()
    write_journal(folder, data)
    report = fix_folder(folder, "postgresql")
    assert report.ok and report.repairs[0].startswith("journal entry 3 added for 0003_s2.sql"), report
    assert [(e["idx"], e["tag"]) for e in journal(folder)["entries"]] == [(0, "0000_s0"), (2, "0002_s1"), (3, lost["tag"])]


def test_lost_entry_gets_its_when_back_from_git_head(tmp_path: Path) -> None:
    folder = project(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=tmp_path, check=True)
    original = journal(folder)
    with temp_database("mzfix") as url:
        mizzle.migrate(url=url, folder=folder)
        data = journal(folder)
        data["entries"].pop()
        write_journal(folder, data)
        report = fix_folder(folder, "postgresql")
        assert report.ok and any("from git HEAD" in x for x in report.repairs), report
        assert journal(folder) == original
        assert mizzle.migrate(url=url, folder=folder).nothing_to_do  # recognised as applied: same when + hash
    # the whole journal deleted: restored from git HEAD
    (folder / "meta" / "_journal.json").unlink()
    report = fix_folder(folder, "postgresql")
    assert report.ok and report.repairs == ["meta/_journal.json restored from git HEAD (entries for SQL files added "
                                            "since are repaired below)"], report
    assert journal(folder) == original


def test_renamed_file_and_entries_out_of_order(tmp_path: Path) -> None:
    folder = project(tmp_path)
    (folder / "0001_s1.sql").rename(folder / "0001_add_posts.sql")
    data = journal(folder)
    data["entries"].reverse()
    write_journal(folder, data)
    report = fix_folder(folder, "postgresql")
    assert report.ok, report.refused
    assert report.repairs[0].startswith("journal entries put back in idx order")
    assert "tag 0001_s1 → 0001_add_posts" in report.repairs[1]
    entries = journal(folder)["entries"]
    assert [e["tag"] for e in entries] == ["0000_s0", "0001_add_posts", "0002_s2"]
    assert [e["when"] for e in entries] == [T0, T0 + 1000, T0 + 2000]  # identities unchanged
    assert not check_folder(folder).findings


@pytest.mark.parametrize("case", ["no_snapshot", "two_candidates", "conflict", "duplicate_idx", "missing_snapshot",
                                  "missing_journal"])
def test_refuses_what_is_ambiguous(tmp_path: Path, run_mizzle: Run, case: str) -> None:
    folder = project(tmp_path)
    data = journal(folder)
    expect = ""
    if case == "no_snapshot":  # a hand-written file with no snapshot: where does it belong?
        (folder / "0003_hand.sql").write_text("SELECT 1;\n")
        expect = "0003_hand.sql is not in the journal, and meta/0003_snapshot.json is missing"
    elif case == "two_candidates":
        (folder / "0001_s1.sql").rename(folder / "0001_a.sql")
        (folder / "0001_b.sql").write_text("SELECT 1;\n")
        expect = "several unlisted files could be it (0001_a.sql, 0001_b.sql)"
    elif case == "conflict":
        text = (folder / "meta" / "_journal.json").read_text()
        line = '      "tag": "0002_s2",\n'
        assert line in text
        (folder / "meta" / "_journal.json").write_text(text.replace(
            line, f'<<<<<<< HEAD\n{line}=======\n      "tag": "0002_x",\n>>>>>>> b\n', 1))
        expect = "git conflict markers: run `mizzle rebase`"
    elif case == "duplicate_idx":
        data["entries"].append({**data["entries"][-1], "tag": "0002_other", "when": T0 + 5000})
        write_journal(folder, data)
        expect = "run `mizzle rebase`"
    elif case == "missing_snapshot":
        (folder / "meta" / "0002_snapshot.json").unlink()  # the latest: generate diffs against it
        expect = "--rebuild-snapshots"
    else:  # not in a git work tree: the `when`s are lost with it
        (folder / "meta" / "_journal.json").unlink()
        expect = "_journal.json is missing: the `when` of each migration"
    before = {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    r = run_mizzle(["check", "--fix"], cwd=tmp_path)
    assert r.code == 3, r.stdout + r.stderr
    assert expect in r.stderr, r.stderr
    assert "not fixed:" in r.stderr
    assert {str(p): p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_fix_json(tmp_path: Path, run_mizzle: Run) -> None:
    folder = project(tmp_path)
    (folder / "0002_s2.sql").rename(folder / "0002_tags.sql")
    r = run_mizzle(["check", "--fix", "--json"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["ok"] and out["refused"] == [] and "0002_tags" in out["repairs"][0]


def test_what_fix_left_never_points_back_to_fix(tmp_path: Path, run_mizzle: Run) -> None:
    # ixartz/SaaS-Boilerplate at e072e29: six SQL files the journal does not list, the first with no snapshot to place
    # it; --fix adds entries only in order, so it stops there, and each of the files after it was listed as not
    # fixed with check's own advice, "`mizzle check --fix` adds it …": the command that had just declined
    folder = project(tmp_path)
    (folder / "0003_hand.sql").write_text("SELECT 1;\n")
    (folder / "0004_more.sql").write_text("SELECT 2;\n")
    r = run_mizzle(["check", "--fix"], cwd=tmp_path)
    assert r.code == 3, r.stdout + r.stderr
    left = [line for line in r.stderr.splitlines() if line.startswith("  not fixed:")]
    assert any("0003_hand.sql is not in the journal" in line for line in left), r.stderr
    assert any("0004_more.sql" in line for line in left), r.stderr
    assert not [line for line in left if "check --fix" in line], r.stderr
