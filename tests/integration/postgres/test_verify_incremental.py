"""verify and `check --rebuild-snapshots` on real drizzle-kit folders give the same result whether each step's changes
are learnt from the scratch database's own log and compared incrementally (ddl_watch.py, compare.py's RepeatMemo:
the default) or from the catalogue fingerprints and compared from scratch (`incremental=False`). The folders are
real (../shared/realworld): identity columns, RLS and policies, functions, extensions, enums with added values,
renames, hand-written SQL; kan, lmnr and dokploy also diverge from their snapshots at some steps (dokploy at ~150 of
186, with serial columns, and enums made along the way), so the differences found — carried from step to step by
RepeatMemo — are compared too, not only a clean result."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mizzle.commands.verify import rebuild_snapshots, verify
from mizzle.config import load_config

pytestmark = pytest.mark.pg

REALWORLD = Path(__file__).resolve().parents[3] / ".." / "shared" / "realworld" / "drizzle"


def _project(name: str, where: Path) -> Path:
    src = REALWORLD / name
    tags = {e["tag"] for e in json.loads((src / "meta" / "_journal.json").read_text())["entries"]}
    shutil.copytree(src, where / "drizzle", ignore=lambda d, names: [  # stray files (not in the journal) left out
        n for n in names if n.endswith(".backup") or (n.endswith(".sql") and n[:-4] not in tags)])
    (where / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    return where / "mizzle.toml"


def _verified(config: Path, url: str, incremental: bool) -> dict[str, Any]:
    out = verify(load_config(config), url=url, incremental=incremental).to_json()
    out.pop("scratch")
    return out


@pytest.mark.parametrize("name", ["kan", "lmnr", "homarr", "dokploy"])
def test_incremental_verify_finds_what_a_full_one_finds(name: str, tmp_path: Path, pg_url: Any) -> None:
    config = _project(name, tmp_path)
    url = pg_url()
    fast, full = _verified(config, url, True), _verified(config, url, False)
    assert fast == full
    assert sum(m["compared"] for m in fast["migrations"]) > 9


def test_incremental_rebuild_writes_the_same_snapshots(tmp_path: Path, pg_url: Any) -> None:
    written = []
    for incremental in (True, False):
        config = _project("lmnr", tmp_path / str(incremental))
        rebuild_snapshots(load_config(config), scratch_url=pg_url(), all_=True, incremental=incremental)
        meta = config.parent / "drizzle" / "meta"
        snaps = {p.name: json.loads(p.read_text()) for p in sorted(meta.glob("*_snapshot.json"))}
        file_of = {s["id"]: name for name, s in snaps.items()}  # ids are new each time: the sidecar by file
        side = {file_of[k]: v for k, v in json.loads((meta / "_mizzle.json").read_text())["snapshots"].items()}
        written.append(({k: {f: v for f, v in s.items() if f not in ("id", "prevId")} for k, s in snaps.items()},
                        side))
    assert written[0] == written[1]
    assert len(written[0][0]) > 90
