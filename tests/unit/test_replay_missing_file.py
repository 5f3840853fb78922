"""`verify` and `check --rebuild-snapshots` on a folder whose journal lists a migration without its file
(Renivet-it/renivet-marketplace: 0145_chief_tusk and two more, lost in a branch merge): both crashed with
"unexpected FileNotFoundError" while replaying, where `migrate` names the file and the way out. They now refuse
the folder before any database is made, with migrate's words (exit 3). No server: the refusal comes first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mizzle.commands.verify import rebuild_snapshots, verify
from mizzle.config import load_config
from mizzle.errors import IntegrityError


def _folder(tmp_path: Path) -> Path:
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text('CREATE TABLE "t" ("id" integer PRIMARY KEY);')
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
        for i, tag in enumerate(["0000_init", "0001_chief_tusk"])]}))
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    return tmp_path / "mizzle.toml"


@pytest.mark.parametrize("command", [verify, rebuild_snapshots])
def test_a_journal_entry_without_its_file_is_refused_by_name(command, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = load_config(_folder(tmp_path))
    with pytest.raises(IntegrityError) as e:
        command(config, scratch_url="postgresql://nobody@127.0.0.1:1/none")
    assert "0001_chief_tusk.sql is listed in meta/_journal.json (0001_chief_tusk) but the file does not exist" \
        in e.value.message
