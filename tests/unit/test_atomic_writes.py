"""The migrations folder's files are written whole or not at all: a write that fails leaves the previous journal
(and no half-written SQL file) behind."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from mizzle.migrations.folder import MigrationFolder

UNENCODABLE = "\udc80"  # a lone surrogate: UTF-8 cannot encode it, so writing fails part-way


def _folder(tmp_path: Path) -> MigrationFolder:
    mf = MigrationFolder(tmp_path / "drizzle", "sqlite")
    mf.add_migration("first", "CREATE TABLE `a` (`id` integer);\n", None, now_ms=1_000)
    return mf


def test_a_failed_journal_write_keeps_the_previous_journal(tmp_path: Path) -> None:
    mf = _folder(tmp_path)
    before = mf.journal_path.read_text(encoding="utf-8")
    journal = mf.read_journal()
    journal.entries[0] = journal.entries[0].replace(tag=journal.entries[0].tag + UNENCODABLE)
    with pytest.raises(UnicodeEncodeError):
        mf.write_journal(journal)
    assert mf.journal_path.read_text(encoding="utf-8") == before
    assert json.loads(before)["entries"][0]["tag"] == "0000_first"
    assert sorted(p.name for p in mf.meta.iterdir()) == ["_journal.json"]  # no temporary file left


def test_a_failed_migration_write_leaves_no_sql_file(tmp_path: Path) -> None:
    mf = _folder(tmp_path)
    with pytest.raises(UnicodeEncodeError):
        mf.add_migration("second", f"-- {UNENCODABLE}\nCREATE TABLE `b` (`id` integer);\n", None, now_ms=2_000)
    assert sorted(p.name for p in mf.path.glob("*.sql")) == ["0000_first.sql"]
    assert [e.tag for e in mf.read_journal().entries] == ["0000_first"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_written_files_take_the_usual_mode_or_keep_their_own(tmp_path: Path) -> None:
    # mkstemp's temporary file is 0600: renamed into place as it was, the migrations were unreadable to a CI job or
    # container running as another user; drizzle-kit's files are 0644 under the usual umask
    old = os.umask(0o022)
    try:
        mf = _folder(tmp_path)
        sql = mf.path / "0000_first.sql"
        assert stat.S_IMODE(sql.stat().st_mode) == 0o644
        assert stat.S_IMODE(mf.journal_path.stat().st_mode) == 0o644
        mf.journal_path.chmod(0o640)
        mf.add_migration("second", "CREATE TABLE `b` (`id` integer);\n", None, now_ms=2_000)
        assert stat.S_IMODE(mf.journal_path.stat().st_mode) == 0o640  # an existing file keeps its own
    finally:
        os.umask(old)
