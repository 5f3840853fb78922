"""The migrations folder's files are written whole or not at all: a write that fails leaves the previous journal
(and no half-written SQL file) behind."""

from __future__ import annotations

import json
from dataclasses import replace
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
    journal.entries[0] = replace(journal.entries[0], tag=journal.entries[0].tag + UNENCODABLE)
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
