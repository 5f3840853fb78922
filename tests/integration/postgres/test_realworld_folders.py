"""The real drizzle-kit folders of ../shared/realworld/drizzle (issue 15, checks a and c of its README): drizzle-orm's
migrator and `mizzle migrate` build the same schema from each folder as committed (stray files, idx-prefixed and
timestamp-prefixed names, enum ADD VALUE files, hand-written SQL), and on the database drizzle-orm built, `mizzle
status` is clean and `mizzle migrate` has nothing to do. Read-only input: each folder is copied first."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from conftest import CliResult
from pgtools import schema_dump

pytestmark = pytest.mark.pg

REALWORLD = Path(__file__).resolve().parents[3] / ".." / "shared" / "realworld" / "drizzle"
STRAY = {"dokploy": "0130_abandoned_dagger.sql", "lmnr": "0037_cute_medusa.sql"}


@pytest.mark.skipif(not (REALWORLD / "EXPECTED.txt").is_file(), reason="no ../shared/realworld")
@pytest.mark.parametrize("name", ["homarr", "kan", "lmnr", "dokploy"])
def test_real_folder_applies_as_drizzle_orm_applies_it(name: str, tmp_path: Path, pg_url: Callable[..., str],
                                                       run_mizzle: Callable[..., CliResult],
                                                       drizzle_migrate: Callable[[str, Path], object]) -> None:
    folder = tmp_path / "drizzle"
    shutil.copytree(REALWORLD / name, folder)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    by_drizzle, by_mizzle = pg_url(), pg_url()
    for url in (by_drizzle, by_mizzle):
        with psycopg.connect(url, autocommit=True) as c:  # kan's migrations expect them (contrib)
            c.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS "uuid-ossp"')
    orm = drizzle_migrate(by_drizzle, folder)
    assert orm.returncode == 0, orm.stderr  # type: ignore[attr-defined]
    r = run_mizzle(["migrate", "--json"], cwd=tmp_path, url=by_mizzle, timeout=300)
    assert r.code == 0, r.stderr
    warnings = json.loads(r.stdout)["warnings"]
    if name in STRAY:  # named, with why, and the run went on
        assert [w for w in warnings if STRAY[name] in w and "will never run" in w], warnings
    assert schema_dump(by_mizzle) == schema_dump(by_drizzle)
    status = run_mizzle(["status", "--json"], cwd=tmp_path, url=by_drizzle)
    assert status.code == 0, status.stderr
    st = json.loads(status.stdout)
    assert not st["problems"] and {m["state"] for m in st["migrations"]} == {"applied"}
    again = run_mizzle(["migrate", "--json"], cwd=tmp_path, url=by_drizzle)
    assert again.code == 0 and json.loads(again.stdout)["nothing_to_do"] is True, again.stderr
