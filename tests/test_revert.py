"""revert: for every step N of the history, applying `revert N` to a database at N gives state N-1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pg_history
import psycopg
import pytest
from pgtools import admin, schema_dump, temp_database, url_for
from test_generate_pg import fresh_config, write_project

import mizzle
from mizzle.config import load_config
from mizzle.errors import UsageError
from mizzle.generate import generate
from mizzle.revert import revert

pytestmark = pytest.mark.pg


def clone_database(src_url: str, name: str) -> str:
    with admin() as c:
        c.execute(f'CREATE DATABASE "{name}" TEMPLATE "{src_url.rsplit("/", 1)[1]}"')
    return url_for(name)


def test_revert_every_step_restores_the_previous_state(tmp_path: Path) -> None:
    project = tmp_path / "p"
    with temp_database("mzrev") as main:
        prev_dump = schema_dump(main)
        for n in range(1, len(pg_history.STEPS) + 1):
            write_project(project, pg_history.step(n))
            generate(fresh_config(project), name=f"step{n}", renames=pg_history.RENAMES.get(n, {}))
            mizzle.migrate(url=main, folder=project / "migrations")
            # revert in a copy of the project, applied to a copy of the database
            copy = tmp_path / f"copy{n}"
            shutil.copytree(project, copy)
            result, warnings = revert(load_config(copy / "mizzle.toml"), f"{n - 1:04d}")
            assert result.written and result.tag.endswith(f"_revert_step{n}")
            if any(c.startswith("+ table") for c in pg_history_changes(project, n)):
                assert any(w.startswith("data loss: - table") for w in warnings)
            clone = f"mzrevc_{n}_{main.rsplit('_', 1)[1]}"
            url = clone_database(main, clone)
            try:
                applied = mizzle.migrate(url=url, folder=copy / "migrations")
                assert [m.tag for m in applied.migrations if m.status == "applied"] == [result.tag]
                assert schema_dump(url) == prev_dump, f"revert of step {n} did not restore step {n - 1}"
            finally:
                with admin() as c:
                    c.execute(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
            prev_dump = schema_dump(main)


def pg_history_changes(project: Path, n: int) -> list[str]:
    sql = sorted((project / "migrations").glob(f"{n - 1:04d}_*.sql"))[0].read_text()
    return ["+ table"] if "CREATE TABLE" in sql else []


def test_revert_refuses_a_migration_that_is_not_the_latest(tmp_path: Path) -> None:
    write_project(tmp_path, pg_history.step(1))
    generate(fresh_config(tmp_path), name="one")
    write_project(tmp_path, pg_history.step(2))
    generate(fresh_config(tmp_path), name="two")
    with pytest.raises(UsageError, match="not the latest"):
        revert(fresh_config(tmp_path), "0000")
    with pytest.raises(UsageError, match="no migration tagged"):
        revert(fresh_config(tmp_path), "nope")


def test_revert_cli_then_generate_check_reports_the_change(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    write_project(tmp_path, pg_history.step(1))
    assert run_mizzle(["generate", "--name", "one"], cwd=tmp_path).code == 0
    write_project(tmp_path, pg_history.step(2))
    assert run_mizzle(["generate", "--name", "two"], cwd=tmp_path).code == 0
    r = run_mizzle(["revert", "0001_two"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "0002_revert_two.sql" in r.stdout and "warning: data loss: - table posts" in r.stderr
    # the code still has step 2's change: generate --check says so until the code is reverted too
    assert run_mizzle(["generate", "--check"], cwd=tmp_path).code == 3
    write_project(tmp_path, pg_history.step(1))
    assert run_mizzle(["generate", "--check"], cwd=tmp_path).code == 0
    with temp_database("mzrevcli") as url:
        r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
        assert r.code == 0, r.stderr
        with psycopg.connect(url) as c:
            assert c.execute("SELECT to_regclass('public.posts')").fetchone() == (None,)
