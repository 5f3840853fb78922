"""mizzle's sidecar in a Prisma folder. Prisma Migrate takes every directory of prisma/migrations for a migration: one
without migration.sql stops `prisma migrate deploy` and `status` (P3015 'Could not find the migration file'). After
`mizzle check --rebuild-snapshots` on BerriAI/litellm's Prisma folder (litellm-proxy-extras, 220 migrations, PL/pgSQL
trigger functions among them), and after `mizzle generate` there, the folder held meta/_mizzle.json: a team still
running Prisma Migrate during its move could no longer deploy. In a Prisma folder the sidecar is _mizzle.json beside
the migrations (a file, which Prisma skips, as it skips migration_lock.toml)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

pytestmark = pytest.mark.pg

STEPS = {
    "20240101000000_init": 'CREATE TABLE "Config" ("name" TEXT NOT NULL, "revision" INTEGER NOT NULL DEFAULT 0, '
                           'CONSTRAINT "Config_pkey" PRIMARY KEY ("name"));\n',
    "20240102000000_bump": 'CREATE FUNCTION bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n'
                           '  UPDATE "Config" SET "revision" = "revision" + 1;\n  RETURN NULL;\nEND;\n$$;\n',
}


def _folder(root: Path) -> Path:
    folder = root / "prisma" / "migrations"
    for name, sql in STEPS.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "migration.sql").write_text(sql)
    (folder / "migration_lock.toml").write_text('provider = "postgresql"\n')
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["models.py"]\nout = "prisma/migrations"\n')
    return folder


def test_the_sidecar_of_a_prisma_folder_is_no_directory(tmp_path: Path, pg_url: Callable[..., str],
                                                        run_mizzle: Any) -> None:
    folder = _folder(tmp_path)
    url = pg_url()
    r = run_mizzle(["check", "--rebuild-snapshots"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert [p.name for p in folder.iterdir() if p.is_dir() and not (p / "migration.sql").is_file()] == []
    side = json.loads((folder / "_mizzle.json").read_text())
    assert "bump_revision" in json.dumps(side)
    r = run_mizzle(["check"], cwd=tmp_path)
    assert r.code == 0 and "stray" not in r.stdout + r.stderr, r.stdout + r.stderr
    # the sidecar is read: the function is compared, not listed as what mizzle does not manage
    r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    r = run_mizzle(["drift", "--json"], cwd=tmp_path, url=url)
    assert r.code == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["warnings"] == [], r.stdout
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("DROP FUNCTION bump_revision()")
    r = run_mizzle(["drift"], cwd=tmp_path, url=url)
    assert r.code == 3 and "bump_revision" in r.stdout + r.stderr, r.stdout + r.stderr


def test_a_meta_directory_an_earlier_run_left_is_still_read_and_named(tmp_path: Path, pg_url: Callable[..., str],
                                                                      run_mizzle: Any) -> None:
    folder = _folder(tmp_path)
    url = pg_url()
    assert run_mizzle(["check", "--rebuild-snapshots"], cwd=tmp_path, url=url).code == 0
    (folder / "meta").mkdir()
    (folder / "_mizzle.json").rename(folder / "meta" / "_mizzle.json")
    r = run_mizzle(["check"], cwd=tmp_path)
    assert "P3015" in r.stdout + r.stderr and "_mizzle.json" in r.stdout + r.stderr, r.stdout + r.stderr
    assert run_mizzle(["migrate"], cwd=tmp_path, url=url).code == 0
    r = run_mizzle(["drift", "--json"], cwd=tmp_path, url=url)
    assert r.code == 0 and json.loads(r.stdout)["warnings"] == [], r.stdout + r.stderr
