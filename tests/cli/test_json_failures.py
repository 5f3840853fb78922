"""Honest machine output (issue 15 item 7): every `--json` prints exactly one JSON document on stdout, success or
failure, and `generate --check` exits 3 whenever it finds changes (an ambiguous rename is one)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from conftest import CliResult

SIMPLE = '''
import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))
'''
RENAMED = SIMPLE.replace('"name"', '"full_name"')


def project(root: Path, schema: str = SIMPLE) -> Path:
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    (root / "app").mkdir(exist_ok=True)
    (root / "app" / "schema.py").write_text(schema)
    return root


def one_document(r: CliResult) -> dict:  # type: ignore[type-arg]
    data = json.loads(r.stdout)  # raises unless stdout is exactly one document
    assert isinstance(data, dict)
    return data


def test_generate_check_json_with_changes(tmp_path: Path, run_mizzle: Callable[..., CliResult]) -> None:
    project(tmp_path)
    r = run_mizzle(["generate", "--check", "--json"], cwd=tmp_path)
    assert r.code == 3, r.stderr
    data = one_document(r)
    assert data["written"] is False and data["changes"] == ["+ table users (2 columns)"] and data["check"] == "changes"
    assert not (tmp_path / "migrations").exists()
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    ok = run_mizzle(["generate", "--check", "--json"], cwd=tmp_path)
    assert ok.code == 0 and one_document(ok)["check"] == "no changes"


def test_generate_check_with_an_ambiguous_rename_exits_3(tmp_path: Path,
                                                         run_mizzle: Callable[..., CliResult]) -> None:
    project(tmp_path)
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    project(tmp_path, RENAMED)
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert r.code == 3, r.stderr
    assert "not yet in a migration" in r.first_error_line and "rename" in r.first_error_line
    j = run_mizzle(["generate", "--check", "--json"], cwd=tmp_path)
    assert j.code == 3 and one_document(j)["check"] == "changes"
    # without --check the rename flags are still asked for (exit 2): nothing is written
    assert run_mizzle(["generate"], cwd=tmp_path).code == 2


def test_usage_error_under_json_is_one_document(tmp_path: Path, run_mizzle: Callable[..., CliResult]) -> None:
    project(tmp_path)
    r = run_mizzle(["migrate", "--transaction", "bogus", "--json"], cwd=tmp_path, url="postgresql://nobody@127.0.0.1:1/x")
    assert r.code == 2
    data = one_document(r)
    assert data["ok"] is False and data["exit_code"] == 2 and data["error"]


@pytest.mark.pg
def test_drift_json_with_a_missing_snapshot(tmp_path: Path, pg_url: Callable[..., str],
                                             run_mizzle: Callable[..., CliResult]) -> None:
    project(tmp_path)
    url = pg_url()
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    (tmp_path / "migrations" / "meta" / "0000_snapshot.json").unlink()
    r = run_mizzle(["drift", "--json"], cwd=tmp_path, url=url)
    assert r.code == 3, r.stderr
    data = one_document(r)
    assert data["ok"] is False and "snapshot" in data["error"] and data["exit_code"] == 3


@pytest.mark.pg
def test_baseline_json_on_a_mismatch(tmp_path: Path, pg_url: Callable[..., str],
                                      run_mizzle: Callable[..., CliResult]) -> None:
    project(tmp_path)
    url = pg_url()
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0
    with psycopg.connect(url, autocommit=True) as c:
        c.execute('CREATE TABLE "users" ("id" integer PRIMARY KEY)')  # no "name": not the snapshot's schema
    r = run_mizzle(["baseline", "--json"], cwd=tmp_path, url=url)
    assert r.code == 3, r.stderr
    data = one_document(r)
    assert data["ok"] is False and data["exit_code"] == 3 and "name" in (data["details"] or "")
