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
