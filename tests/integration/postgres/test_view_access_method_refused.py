"""A drizzle-kit snapshot whose materialized view names an access method the server refuses for a table
(satwikShresth/OpenMario: `pgMaterializedView(…).using("btree")`, so its snapshots say `"using": "btree"`, while
the hand-written SQL made the view without USING). The access method is not compared; the view's query, which
the server stores with casts of its own (`COALESCE` of a varchar column, then `||` with text), is the same query.
verify and drift reported `~ materialized view …: definition …` (the server was asked for its form of the
snapshot's view with `USING btree`, refused it, and the query stayed as written)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult, MigrationsDir, statements
from pgtools import url_for

pytestmark = pytest.mark.pg

QUERY = "select coalesce(\"t\".\"name\", '') || ' ' as \"s\" from \"t\""
SQL = statements('CREATE TABLE "t" (\n\t"id" integer PRIMARY KEY NOT NULL,\n\t"name" varchar(20)\n);',
                 f'CREATE MATERIALIZED VIEW "public"."mv" AS ({QUERY});')


def snapshot() -> dict[str, object]:
    columns = {"id": {"name": "id", "type": "integer", "primaryKey": True, "notNull": True},
               "name": {"name": "name", "type": "varchar(20)", "primaryKey": False, "notNull": False}}
    table = {"name": "t", "schema": "", "columns": columns, "indexes": {}, "foreignKeys": {},
             "compositePrimaryKeys": {}, "uniqueConstraints": {}, "policies": {}, "checkConstraints": {},
             "isRLSEnabled": False}
    view = {"name": "mv", "schema": "public", "columns": {}, "definition": QUERY, "materialized": True,
            "isExisting": False, "using": "btree"}
    return {"id": "5d1c1c5e-0000-4000-8000-0000000000a1", "prevId": "00000000-0000-0000-0000-000000000000",
            "version": "7", "dialect": "postgresql", "tables": {"public.t": table}, "enums": {}, "schemas": {},
            "sequences": {}, "roles": {}, "policies": {}, "views": {"public.mv": view},
            "_meta": {"columns": {}, "schemas": {}, "tables": {}}}


def test_a_refused_access_method_leaves_the_query_compared_by_the_server(
        pg_url: Callable[..., str], migrations_dir: MigrationsDir, run_mizzle: Callable[..., CliResult]) -> None:
    migrations_dir.add(SQL, name="init")
    (migrations_dir.path / "meta" / "0000_snapshot.json").write_text(json.dumps(snapshot()), encoding="utf-8")
    cwd: Path = migrations_dir.path.parent
    v = run_mizzle(["verify", "--json", "--scratch-url", url_for("postgres")], cwd=cwd)
    assert [m["changes"] for m in json.loads(v.stdout)["migrations"]] == [[]], v.stdout + v.stderr
    url = pg_url()
    assert run_mizzle(["migrate"], cwd=cwd, url=url).code == 0
    d = run_mizzle(["drift", "--json"], cwd=cwd, url=url)
    assert json.loads(d.stdout)["changes"] == [], d.stdout + d.stderr
