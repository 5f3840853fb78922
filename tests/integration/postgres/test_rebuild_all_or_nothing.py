"""`check --rebuild-snapshots` whose replay fails midway writes nothing: it wrote each snapshot as its step
replayed, so a failure left the snapshots before it rebuilt (under new ids) and the ones from it on as they were,
the chain broken there (`check` then warned that the failing migration's snapshot names a prevId no snapshot has).
Found on openfga's goose migration 006 as a custom folder, whose replay failed at a CREATE INDEX CONCURRENTLY."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pg_project import write_sql_folder
from pgtools import url_for

from mizzle.commands.verify import rebuild_snapshots
from mizzle.config import load_config
from mizzle.errors import MizzleError

pytestmark = pytest.mark.pg

MIGRATIONS = [
    ("0000_a", 'CREATE TABLE "a" ("id" integer PRIMARY KEY);\n'),
    ("0001_b", 'CREATE TABLE "b" ("id" integer PRIMARY KEY);\n'),
    ("0002_c", 'CREATE TABLE "c" ("id" integer PRIMARY KEY);\n'),
    ("0003_d", 'CREATE TABLE "d" ("id" integer PRIMARY KEY);\n'),
]


def _folder(tmp_path: Path) -> Path:
    return write_sql_folder(tmp_path, MIGRATIONS)


def _files(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((out / "meta").iterdir())}


def test_a_rebuild_whose_replay_fails_leaves_the_folder_as_it_was(pg_available: bool, tmp_path: Path) -> None:
    out = _folder(tmp_path)
    config = load_config(tmp_path / "mizzle.toml")
    rebuild_snapshots(config, scratch_url=url_for("postgres"))
    assert len(list((out / "meta").glob("*_snapshot.json"))) == 4
    (out / "0002_c.sql").write_text('CREATE TABLE "c" ("id" integer PRIMARY KEY REFERENCES "nowhere"("id"));\n')
    before = _files(out)
    with pytest.raises(MizzleError, match="nowhere") as failed:
        rebuild_snapshots(config, scratch_url=url_for("postgres"), from_tag="0001_b")
    assert _files(out) == before
    assert str(failed.value).endswith("No snapshot was written: the folder is as it was.")


def test_a_rebuild_that_succeeds_still_writes_every_snapshot_in_one_chain(pg_available: bool, tmp_path: Path) -> None:
    out = _folder(tmp_path)
    config = load_config(tmp_path / "mizzle.toml")
    rebuild_snapshots(config, scratch_url=url_for("postgres"))
    (out / "0001_b.sql").write_text('CREATE TABLE "b" ("id" integer PRIMARY KEY, "note" text);\n')
    result = rebuild_snapshots(config, scratch_url=url_for("postgres"), from_tag="0001_b")
    assert result.rebuilt == ["0001_b", "0002_c", "0003_d"]
    snaps = [json.loads((out / "meta" / f"{i:04d}_snapshot.json").read_text()) for i in range(4)]
    assert [s["prevId"] for s in snaps[1:]] == [s["id"] for s in snaps[:-1]]
    assert "note" in snaps[3]["tables"]["public.b"]["columns"]
