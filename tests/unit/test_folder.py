"""The migrations folder: tags, `when`, journal bytes, statement splitting, hashes, both layouts."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from mizzle.migrations.folder import MigrationFolder, migration_hash, split_statements

INTEROP = Path(__file__).parents[1] / "interop"


def test_prefix_modes(tmp_path: Path) -> None:
    now = datetime(2026, 11, 24, 12, 0, 5, tzinfo=timezone.utc)
    f = MigrationFolder(tmp_path)
    j = f.read_journal()
    assert f.next_tag("add posts!", "index", j, now) == "0000_add_posts"
    assert f.next_tag("x", "timestamp", j, now) == "20261124120005_x"
    assert f.next_tag("x", "unix", j, now) == f"{int(now.timestamp())}_x"
    assert f.next_tag("x", "none", j, now) == "x"


def test_when_strictly_increases_even_if_the_clock_goes_back(tmp_path: Path) -> None:
    f = MigrationFolder(tmp_path)
    a = f.add_migration("a", "SELECT 1;\n", {"id": "1"}, now_ms=2_000)
    b = f.add_migration("b", "SELECT 2;\n", {"id": "2"}, now_ms=1_000)
    c = f.add_migration("c", "SELECT 3;\n", {"id": "3"}, now_ms=2_001)
    assert (a.when, b.when, c.when) == (2_000, 2_001, 2_002)
    assert [m.tag for m in f.migrations()] == ["0000_a", "0001_b", "0002_c"]


def test_journal_bytes_match_drizzle_kit(tmp_path: Path) -> None:
    """drizzle-kit writes two-space JSON with no trailing newline; so does mizzle."""
    theirs = (INTEROP / "pg/out/meta/_journal.json").read_text()
    data = json.loads(theirs)
    f = MigrationFolder(tmp_path)
    f.write_journal(f.__class__(INTEROP / "pg/out").read_journal())
    assert f.journal_path.read_text() == json.dumps(data, indent=2) == theirs


def test_hash_is_sha256_of_the_file_text() -> None:
    for sql in sorted((INTEROP / "pg/out").glob("*.sql")):
        assert migration_hash(sql.read_text(encoding="utf-8")) == hashlib.sha256(sql.read_bytes()).hexdigest()


def test_split_statements_breakpoints_and_commit_boundaries() -> None:
    text = ("CREATE TYPE t AS ENUM('a');--> statement-breakpoint\nALTER TYPE t ADD VALUE 'b';--> statement-breakpoint\n"
            "-- mizzle:commit\nCREATE TABLE x (c t DEFAULT 'b');--> statement-breakpoint\n-- just a comment\n")
    st = split_statements(text)
    assert [s.number for s in st] == [1, 2, 3]
    assert [s.commit_before for s in st] == [False, False, True]
    assert st[2].sql.startswith("CREATE TABLE x")


def test_reads_drizzle_kit_folder(tmp_path: Path) -> None:
    f = MigrationFolder(INTEROP / "pg/out")
    migs = f.migrations()
    assert [m.tag for m in migs][:2] == ["0000_step1", "0001_step2"]
    assert all(m.exists for m in migs) and f.read_snapshot(migs[0]) is not None


def test_reads_the_one_folder_per_migration_layout(tmp_path: Path) -> None:
    for ts, name in (("20250101120000", "init"), ("20250102120000", "posts")):
        d = tmp_path / f"{ts}_{name}"
        d.mkdir()
        (d / "migration.sql").write_text(f"CREATE TABLE {name} (id int);")
        (d / "snapshot.json").write_text(json.dumps({"id": name, "prevId": "", "dialect": "postgresql"}))
    f = MigrationFolder(tmp_path)
    assert f.uses_folders
    migs = f.migrations()
    assert [m.tag for m in migs] == ["20250101120000_init", "20250102120000_posts"]
    assert migs[0].when < migs[1].when and migs[1].statements[0].sql == "CREATE TABLE posts (id int);"
    assert f.latest_snapshot() == {"id": "posts", "prevId": "", "dialect": "postgresql"}


def test_a_missing_snapshot_is_named_after_its_tag_where_tags_are_numbered_apart_from_idx(tmp_path: Path) -> None:
    # buster-so/buster: journal entry 0 is 0001_create_organizations; its snapshot is missing
    (tmp_path / "meta").mkdir()
    entries = [{"idx": i, "version": "7", "when": 1700000000000 + i, "tag": f"{i + 1:04d}_m{i}", "breakpoints": True}
               for i in range(3)]
    (tmp_path / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                                  "entries": entries}))
    for e in entries:
        (tmp_path / f"{e['tag']}.sql").write_text("SELECT 1;\n")
    (tmp_path / "meta" / "0002_snapshot.json").write_text("{}")  # the second entry's, by its tag
    names = [m.snapshot_path.name for m in MigrationFolder(tmp_path).migrations()]  # type: ignore[union-attr]
    assert names == ["0001_snapshot.json", "0002_snapshot.json", "0003_snapshot.json"]


def test_a_new_migration_follows_the_last_idx_where_the_journal_skips_one(tmp_path: Path) -> None:
    # simstudioai/sim: entry 0029 was deleted, the journal goes 0028 → 0030, and drizzle-kit numbers the next
    # migration after the last entry's idx (0031 there). Counting the entries instead gave idx 30 and prefix 0030
    # again: the new file's snapshot overwrote meta/0030_snapshot.json, and `check` refused the duplicate idx.
    (tmp_path / "meta").mkdir()
    entries = [{"idx": i, "version": "7", "when": 1700000000000 + i, "tag": f"{i:04d}_m{i}", "breakpoints": True}
               for i in (0, 1, 3)]
    (tmp_path / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                                  "entries": entries}))
    for e in entries:
        (tmp_path / f"{e['tag']}.sql").write_text("SELECT 1;\n")
        (tmp_path / "meta" / f"{e['idx']:04d}_snapshot.json").write_text(json.dumps({"id": e["tag"]}))
    f = MigrationFolder(tmp_path)
    m = f.add_migration("next", "SELECT 2;\n", {"id": "next"})
    assert (m.tag, m.entry.idx, m.snapshot_path.name) == ("0004_next", 4, "0004_snapshot.json")  # type: ignore[union-attr]
    assert json.loads((tmp_path / "meta" / "0003_snapshot.json").read_text()) == {"id": "0003_m3"}
    assert [e.idx for e in f.read_journal().entries] == [0, 1, 3, 4]
