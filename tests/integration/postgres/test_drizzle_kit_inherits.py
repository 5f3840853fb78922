"""A drizzle-kit folder whose SQL was edited by hand to make a table inherit another (`CREATE TABLE child (…)
INHERITS (parent)`): its snapshot, written from drizzle schema code, lists every column of the child and no
inheritance (drizzle-kit has no field for it). verify and drift stopped with generate's refusal ("starts
inheriting …: declare its columns on child too"), a message about schema code the folder does not have: they now
report the inheritance as a difference, the columns compared as the child has them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult, MigrationsDir
from pgtools import url_for

pytestmark = pytest.mark.pg

SQL = ('CREATE TABLE "parent" (\n\t"id" integer PRIMARY KEY NOT NULL,\n\t"name" text NOT NULL\n);\n'
       '--> statement-breakpoint\n'
       'CREATE TABLE "child" (\n\t"extra" text\n) INHERITS ("parent");\n')


def _table(name: str, columns: list[tuple[str, str, bool, bool]]) -> dict[str, object]:
    return {"name": name, "schema": "", "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {},
            "uniqueConstraints": {}, "policies": {}, "checkConstraints": {}, "isRLSEnabled": False,
            "columns": {c: {"name": c, "type": t, "primaryKey": pk, "notNull": nn} for c, t, pk, nn in columns}}


def snapshot() -> dict[str, object]:
    parent = _table("parent", [("id", "integer", True, True), ("name", "text", False, True)])
    child = _table("child", [("id", "integer", False, True), ("name", "text", False, True),
                             ("extra", "text", False, False)])
    return {"id": "5d1c1c5e-0000-4000-8000-0000000000a1", "prevId": "00000000-0000-0000-0000-000000000000",
            "version": "7", "dialect": "postgresql", "tables": {"public.parent": parent, "public.child": child},
            "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
            "_meta": {"columns": {}, "schemas": {}, "tables": {}}}


def test_a_hand_made_inherits_is_reported_not_refused(pg_url: Callable[..., str], migrations_dir: MigrationsDir,
                                                      run_mizzle: Callable[..., CliResult]) -> None:
    migrations_dir.add(SQL, name="init")
    (migrations_dir.path / "meta" / "0000_snapshot.json").write_text(json.dumps(snapshot()), encoding="utf-8")
    cwd: Path = migrations_dir.path.parent
    v = run_mizzle(["verify", "--json", "--scratch-url", url_for("postgres")], cwd=cwd)
    assert v.code == 3, v.stdout + v.stderr
    assert [m["changes"] for m in json.loads(v.stdout)["migrations"]] == [["~ table child: inherit parent"]]
    url = pg_url()
    assert run_mizzle(["migrate"], cwd=cwd, url=url).code == 0
    d = run_mizzle(["drift", "--json"], cwd=cwd, url=url)
    assert d.code == 3, d.stdout + d.stderr
    assert json.loads(d.stdout)["changes"] == ["~ table child: inherit parent"], d.stdout


SCHEMA_TS = """import { integer, pgTable, text } from 'drizzle-orm/pg-core';
export const parent = pgTable('parent', { id: integer('id').primaryKey(), name: text('name').notNull() });
export const child = pgTable('child', { id: integer('id').notNull(), name: text('name').notNull(), extra: text('extra') });
"""


@pytest.mark.interop
def test_rebuilt_snapshot_lists_the_inherited_columns_as_drizzle_kit_does(tmp_path: Path) -> None:
    # the rebuild wrote the child with its own column only: drizzle-kit's next generate, from schema code declaring
    # every column, added id and name to it (PostgreSQL: column "id" of relation "child" already exists)
    import shutil
    import uuid

    from test_rebuild_authored_interop import INTEROP, NO_CHANGES, kit_generate

    from mizzle.commands.verify import rebuild_snapshots, verify
    from mizzle.config import load_config

    work = INTEROP / ".scratch" / f"inherits_{uuid.uuid4().hex[:10]}"
    work.mkdir(parents=True)
    try:
        (work / "schema.ts").write_text(SCHEMA_TS)
        out = tmp_path / "out"
        kit_generate(work, work / "schema.ts", out, "init", False)
        sql = next(out.glob("*.sql"))
        sql.write_text(SQL)  # edited by hand: the child inherits
        for p in (out / "meta").glob("*_snapshot.json"):
            p.unlink()
        project = tmp_path / "proj"
        project.mkdir()
        (project / "mizzle.toml").write_text(f'dialect = "postgresql"\nout = "{out}"\n')
        config = load_config(project / "mizzle.toml")
        assert rebuild_snapshots(config, scratch_url=url_for("postgres")).rebuilt == ["0000_init"]
        snap = json.loads(next((out / "meta").glob("*_snapshot.json")).read_text())
        assert list(snap["tables"]["public.child"]["columns"]) == ["id", "name", "extra"]
        assert verify(config, scratch_url=url_for("postgres")).ok  # the sidecar keeps the inheritance
        assert NO_CHANGES in kit_generate(work, work / "schema.ts", out, "again", False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
