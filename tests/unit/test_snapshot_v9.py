"""drizzle-kit 1.x snapshots (version 9): a state rebuilt from a base and diffs, renames moving what depends on
the renamed row, and the deltas mizzle writes reproducing the state. The deltas below are drizzle-kit
1.0.0-rc.5's own (`generate --hints` answering its rename questions)."""

from __future__ import annotations

import json

from mizzle.dialects.postgres import snapshot_v9 as v9

ROOT = "00000000-0000-0000-0000-000000000000"


def _col(table: str, name: str, type_: str = "integer", not_null: bool = False) -> dict:  # type: ignore[type-arg]
    return {"schema": "public", "table": table, "name": name, "type": type_, "typeSchema": None,
            "notNull": not_null, "dimensions": 0, "default": None, "generated": None, "identity": None,
            "entityType": "columns"}


BASE = {"type": "base", "version": "9", "dialect": "postgres", "id": "b", "prevIds": [ROOT], "footprints": [], "ddl": [
    {"schema": "public", "name": "users", "isRlsEnabled": False, "entityType": "tables"},
    {"schema": "public", "name": "posts", "isRlsEnabled": False, "entityType": "tables"},
    _col("users", "id", "serial", True), _col("posts", "id", "serial", True), _col("posts", "author_id"),
    _col("posts", "body", "text"),
    {"schema": "public", "table": "users", "name": "users_pkey", "columns": ["id"], "nameExplicit": False,
     "entityType": "pks"},
    {"schema": "public", "table": "posts", "name": "posts_author_id_users_id_fkey", "nameExplicit": False,
     "columns": ["author_id"], "schemaTo": "public", "tableTo": "users", "columnsTo": ["id"],
     "onUpdate": "NO ACTION", "onDelete": "NO ACTION", "entityType": "fks"},
    {"schema": "public", "table": "posts", "name": "posts_body_idx", "nameExplicit": True,
     "columns": [{"value": "body", "isExpression": False, "asc": True, "nullsFirst": False, "opclass": None}],
     "isUnique": False, "where": None, "with": "", "method": "btree", "concurrently": False,
     "entityType": "indexes"},
]}
RENAME_COLUMN = {"type": "diff", "version": "9", "dialect": "postgres", "id": "d1", "prevIds": ["b"],
                 "footprints": [], "deltas": [{"op": "rename", "key": 'columns\0["public","posts","body"]',
                                               "set": {"name": "body2"}}]}
RENAME_TABLE = {"type": "diff", "version": "9", "dialect": "postgres", "id": "d2", "prevIds": ["d1"],
                "footprints": [], "deltas": [{"op": "rename", "key": 'tables\0["public","users"]',
                                              "set": {"name": "people"}}]}


def _snapshots() -> dict[str, dict]:  # type: ignore[type-arg]
    return {s["id"]: s for s in (BASE, RENAME_COLUMN, RENAME_TABLE)}


def test_renames_move_the_rows_that_depend_on_them() -> None:
    state = v9.state_of(_snapshots(), "d2")
    snap = v9.v7_from_state(state, "d2", "d1")
    posts, people = snap["tables"]["public.posts"], snap["tables"]["public.people"]
    assert "public.users" not in snap["tables"] and people["columns"]["id"]["primaryKey"]
    assert list(posts["columns"]) == ["id", "author_id", "body2"]
    assert posts["indexes"]["posts_body_idx"]["columns"][0]["expression"] == "body2"
    # the constraint keeps its name, as PostgreSQL and drizzle-kit 1.x do; the model names it as the code does
    fk = posts["foreignKeys"]["posts_author_id_people_id_fkey"]
    assert (fk["tableTo"], fk["columnsTo"]) == ("people", ["id"])
    assert fk[v9.SERVER_NAME] == "posts_author_id_users_id_fkey"
    rows = {r["name"]: r for r in v9.rows_from_v7(snap) if r["entityType"] == "fks"}
    assert rows["posts_author_id_users_id_fkey"]["nameExplicit"] is False  # written back as it was


def test_deltas_rebuild_the_state_they_were_computed_for() -> None:
    old = v9.state_of(_snapshots(), "b")
    new_rows = [r for r in v9.state_of(_snapshots(), "d2").values()] + [_col("posts", "title", "text", True)]
    new_rows = [r for r in new_rows if not (r["entityType"] == "columns" and r["name"] == "author_id")]
    new_rows = [r for r in new_rows if r["entityType"] != "fks"]
    deltas = v9.deltas_between(old, new_rows)
    rebuilt = {k: dict(r) for k, r in old.items()}
    v9.apply_deltas(rebuilt, deltas)
    assert rebuilt == {v9.entity_key(r): r for r in new_rows}
    prints = v9.footprints_of(old, deltas)  # one per statement drizzle-kit 1.x would make, not one per delta
    gone = {tuple(json.loads(d["key"].split("\0")[1])) for d in deltas
            if d["op"] == "drop" and d["key"].startswith("tables\0")}
    assert gone and [p["statementTarget"][1:] for p in prints if p["statementType"] == "drop_table"] == \
        [list(g) for g in gone]
    assert not [p for p in prints if p["statementType"] == "drop_column" and tuple(p["statementTarget"][1:3]) in gone]
    assert all("_" in p["statementType"] and p["writes"] for p in prints)


def test_a_merge_applies_the_other_parents_diffs() -> None:
    side = {"type": "diff", "version": "9", "dialect": "postgres", "id": "s", "prevIds": ["b"], "footprints": [],
            "deltas": [{"op": "create", "row": _col("users", "email", "text")}]}
    merge = {"type": "diff", "version": "9", "dialect": "postgres", "id": "m", "prevIds": ["d1", "s"],
             "footprints": [], "deltas": []}
    snaps = {**_snapshots(), "s": side, "m": merge}
    cols = v9.v7_from_state(v9.state_of(snaps, "m"), "m", "d1")["tables"]
    assert "email" in cols["public.users"]["columns"] and "body2" in cols["public.posts"]["columns"]


def test_roles_policies_views_and_privileges_survive_a_round_trip() -> None:
    """1.x's rows of every kind beyond tables → the v7 JSON mizzle models them from → the same rows (a pulled grant,
    which mizzle keeps elsewhere, is carried as it is)."""
    from mizzle.dialects.postgres.snapshot import schema_from_snapshot, snapshot_from_schema

    with_ = {k: None for k in v9.VIEW_WITH}
    rows = [
        {"schema": "public", "name": "docs", "isRlsEnabled": True, "entityType": "tables"},
        _col("docs", "id", "integer", True),
        {"name": "admin", "superuser": False, "createDb": False, "createRole": True, "inherit": False,
         "canLogin": False, "replication": False, "bypassRls": False, "connLimit": -1, "password": None,
         "validUntil": None, "entityType": "roles"},
        {"schema": "public", "table": "docs", "name": "own", "as": "RESTRICTIVE", "for": "INSERT",
         "roles": ["admin"], "using": None, "withCheck": "id > 0", "entityType": "policies"},
        {"schema": "public", "name": "v", "definition": "select 1", "with": {**with_, "fillfactor": 70},
         "withNoData": True, "using": None, "tablespace": None, "materialized": True, "entityType": "views"},
        {"schema": "public", "name": "w", "definition": "select 2", "with": None, "withNoData": None, "using": None,
         "tablespace": None, "materialized": False, "entityType": "views"},
        {"grantor": "postgres", "grantee": "admin", "schema": "public", "table": "docs", "type": "SELECT",
         "isGrantable": False, "entityType": "privileges"},
    ]
    v7 = v9.v7_from_state({v9.entity_key(r): r for r in rows}, "x", ROOT)
    model = schema_from_snapshot(v7)
    assert [p.name for t in model.tables for p in t.policies] == ["own"]
    assert [r.name for r in model.security.roles or ()] == ["admin"]
    again, _ = snapshot_from_schema(model, ROOT, "x")
    out = {v9.entity_key(r): r for r in v9.rows_from_v7(again)}
    want = {v9.entity_key(r): r for r in rows}
    assert out == want


def test_a_version_8_rename_of_a_column_is_a_rename_delta() -> None:
    """`renames` of a version 8 snapshot: a column renamed in a table renamed in the same step (drizzle-kit names
    the column under the new table), each a rename delta; what else changed follows as drops and creates."""
    state = v9.state_of(_snapshots(), "b")
    rows = [dict(r) for r in state.values()]
    for r in rows:
        if r.get("table") == "users" or (r["entityType"] == "tables" and r["name"] == "users"):
            r["table" if r["entityType"] != "tables" else "name"] = "people"
        if r.get("tableTo") == "users":
            r["tableTo"] = "people"
    col = next(r for r in rows if r["entityType"] == "columns" and r["table"] == "posts" and r["name"] == "body")
    col["name"] = "content"
    work = {k: dict(r) for k, r in state.items()}
    deltas = v9.rename_deltas(work, rows, ["public.users->public.people", "public.posts.body->public.posts.content"])
    assert [(d["key"].split("\0")[0], d["set"]) for d in deltas] == [("tables", {"name": "people"}),
                                                                       ("columns", {"name": "content"})]
    prints = v9.footprints_of(state, deltas)
    assert [p["statementType"] for p in prints] == ["rename_table", "rename_column"]
    assert prints[1]["statementTarget"] == ["column", "public", "posts", "body"]


def test_a_key_row_before_its_column_row_is_the_columns_key() -> None:
    # hollo (drizzle-kit 1.0.0-rc.4): a table's pks row came before its column rows; the one-column key became a
    # composite key, and `mizzle up` refused the folder ("no longer stands for the same schema")
    rows = [{"schema": "public", "name": "t", "isRlsEnabled": False, "entityType": "tables"},
            {"schema": "public", "table": "t", "name": "t_pkey", "columns": ["id"], "nameExplicit": False,
             "entityType": "pks"},
            _col("t", "id", "integer", True), _col("t", "x")]
    for order in (rows, [rows[0], rows[2], rows[3], rows[1]]):
        t = v9.v7_from_state({v9.entity_key(r): r for r in order}, "x", ROOT)["tables"]["public.t"]
        assert t["columns"]["id"]["primaryKey"] is True and t["compositePrimaryKeys"] == {}, t


def test_a_snapshot_copied_byte_for_byte_into_a_later_folder_is_one_node(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # hackerspub: data migrations' folders hold a copy of the snapshot before them; drizzle-kit's check and generate
    # accept it, mizzle refused the whole folder ("snapshot id … is also the id of …")
    from mizzle.migrations.folders1 import load_snapshots

    for name in ("20260101000000_a", "20260102000000_data"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "migration.sql").write_text("SELECT 1;")
        (tmp_path / name / "snapshot.json").write_text(json.dumps(BASE))
    snaps = load_snapshots(tmp_path)
    assert list(snaps) == ["b"] and snaps["b"]["_dir"] == "20260102000000_data"


def test_0x_default_key_names_are_no_names_of_the_codes() -> None:
    # hollo upgraded by `mizzle up`: drizzle-kit 0.x's default names (`b_a_id_a_id_fk`, `b_a_id_k_pk`) were marked
    # nameExplicit, and drizzle-kit 1.x's next generate asked of each foreign key and key whether it was renamed
    # (70 questions); drizzle-kit's own `up` marks them not explicit
    from mizzle.dialects.postgres.snapshot import schema_from_snapshot
    from mizzle.schema.compare import for_generate
    from mizzle.schema.diff import Renames, diff

    b = {"name": "b", "schema": "", "columns": {
        "a_id": {"name": "a_id", "type": "integer", "primaryKey": False, "notNull": True},
        "k": {"name": "k", "type": "text", "primaryKey": False, "notNull": True}},
        "indexes": {}, "uniqueConstraints": {}, "checkConstraints": {}, "policies": {}, "isRLSEnabled": False,
        "compositePrimaryKeys": {"b_a_id_k_pk": {"name": "b_a_id_k_pk", "columns": ["a_id", "k"]}},
        "foreignKeys": {"b_a_id_a_id_fk": {"name": "b_a_id_a_id_fk", "tableFrom": "b", "tableTo": "a",
                                           "columnsFrom": ["a_id"], "columnsTo": ["id"], "onDelete": "no action",
                                           "onUpdate": "no action"}}}
    a = {"name": "a", "schema": "", "columns": {"id": {"name": "id", "type": "integer", "primaryKey": True,
                                                       "notNull": True}},
         "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}, "checkConstraints": {},
         "policies": {}, "isRLSEnabled": False}
    v7 = {"id": "x", "prevId": ROOT, "version": "7", "dialect": "postgresql", "tables": {"public.a": a, "public.b": b},
          "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
          "_meta": {"columns": {}, "schemas": {}, "tables": {}}}
    rows = v9.rows_from_v7(v7)
    assert [r["nameExplicit"] for r in rows if r["entityType"] in ("fks", "pks") and r["table"] == "b"] == [False, False]
    again = v9.v7_from_state({v9.entity_key(r): r for r in rows}, "x", ROOT)
    old, new = for_generate(schema_from_snapshot(v7), schema_from_snapshot(again))
    assert not diff(old, new, Renames(none=True)).changes  # the server's names kept: nothing renamed


def test_0x_default_names_past_63_bytes_are_no_names_of_the_codes() -> None:
    # lobe-chat upgraded by `mizzle up`: drizzle-kit 0.x's snapshot holds its default names whole, and those past 63
    # bytes were compared with the cut defaults, so marked nameExplicit (drizzle-kit 1.x's next generate asked of
    # each whether it was renamed); drizzle-kit's own `up` writes them not explicit, a foreign key's name cut
    t, cols = "child_table_with_an_even_longer_name", ["some_very_long_column_name_one", "some_very_long_column_name_two"]
    fk = f"{t}_parent_id_parent_table_with_a_long_name_id_fk"
    index, unique, key = f"{t}_parent_id_index", f"{t}_{'_'.join(cols)}_unique", f"{t}_{'_'.join(cols)}_pk"
    table = {"name": t, "schema": "", "columns": {c: {"name": c, "type": "text", "primaryKey": False, "notNull": True}
                                                  for c in [*cols, "parent_id"]},
             "indexes": {index: {"name": index, "columns": [{"expression": "parent_id", "isExpression": False,
                                                             "asc": True, "nulls": "last"}],
                                 "isUnique": False, "concurrently": False, "method": "btree", "with": {}}},
             "foreignKeys": {fk: {"name": fk, "tableFrom": t, "tableTo": "parent_table_with_a_long_name",
                                  "columnsFrom": ["parent_id"], "columnsTo": ["id"], "onDelete": "no action",
                                  "onUpdate": "no action"}},
             "compositePrimaryKeys": {key: {"name": key, "columns": cols}},
             "uniqueConstraints": {unique: {"name": unique, "columns": cols, "nullsNotDistinct": False}},
             "checkConstraints": {}, "policies": {}, "isRLSEnabled": False}
    v7 = {"id": "x", "prevId": ROOT, "version": "7", "dialect": "postgresql", "tables": {f"public.{t}": table},
          "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
          "_meta": {"columns": {}, "schemas": {}, "tables": {}}}
    rows = {r["entityType"]: r for r in v9.rows_from_v7(v7) if r["entityType"] in ("fks", "pks", "uniques", "indexes")}
    assert {k: (r["name"], r["nameExplicit"]) for k, r in rows.items()} == {
        "fks": (fk[:63], False), "pks": (key, False), "uniques": (unique, False), "indexes": (index, False)}


def test_an_enum_array_default_keeps_the_literal_only() -> None:
    # databuddy's `apiScope('scopes').array().default([])`: drizzle-kit 1.x's snapshot holds `'{}'`, its SQL and the
    # server cast to `"api_scope"[]`; a snapshot rebuilt from that SQL kept the cast, and drizzle-kit's next generate
    # wrote `ALTER COLUMN "scopes" SET DEFAULT` for a default nobody changed
    columns = {"scopes": {"name": "scopes", "type": "api_scope[]", "typeSchema": "public", "primaryKey": False,
                          "notNull": True, "default": "'{}'::\"api_scope\"[]"},
               "roles": {"name": "roles", "type": "Role[][]", "typeSchema": "auth", "primaryKey": False,
                         "notNull": False, "default": "'{}'::\"auth\".\"Role\" [][]"},
               "tags": {"name": "tags", "type": "Tag[]", "typeSchema": "public", "primaryKey": False,
                        "notNull": False, "default": "'{}'::\"Tag\""}}  # a cast to another type than the column's
    table = {"name": "apikey", "schema": "", "columns": columns, "indexes": {}, "foreignKeys": {},
             "compositePrimaryKeys": {}, "uniqueConstraints": {}, "checkConstraints": {}, "policies": {},
             "isRLSEnabled": False}
    v7 = {"id": "x", "prevId": ROOT, "version": "7", "dialect": "postgresql", "tables": {"public.apikey": table},
          "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
          "_meta": {"columns": {}, "schemas": {}, "tables": {}}}
    rows = {r["name"]: r for r in v9.rows_from_v7(v7) if r["entityType"] == "columns"}
    assert {k: (r["type"], r["dimensions"], r["default"]) for k, r in rows.items()} == {
        "scopes": ("api_scope", 1, "'{}'"), "roles": ("Role", 2, "'{}'"), "tags": ("Tag", 1, "'{}'::\"Tag\"")}


def test_an_array_constructor_default_keeps_the_constructor_only() -> None:
    # rybbit's `text("note").array().default(sql`ARRAY['a', 'b']::text[]`)`: drizzle-kit 1.x's snapshot holds
    # `ARRAY['a', 'b']` (its SQL adds `::text[]`); a rebuilt snapshot kept the cast, and 1.x's next generate wrote
    # `ALTER COLUMN "note" SET DEFAULT` for a default nobody changed
    columns = {"note": {"name": "note", "type": "text[]", "primaryKey": False, "notNull": False,
                        "default": "ARRAY['a', 'b']::text[]"},
               "ids": {"name": "ids", "type": "integer[]", "primaryKey": False, "notNull": False,
                       "default": "ARRAY[1, 2]::bigint[]"}}  # a cast to another type than the column's: kept
    table = {"name": "t", "schema": "", "columns": columns, "indexes": {}, "foreignKeys": {},
             "compositePrimaryKeys": {}, "uniqueConstraints": {}, "checkConstraints": {}, "policies": {},
             "isRLSEnabled": False}
    v7 = {"id": "x", "prevId": ROOT, "version": "7", "dialect": "postgresql", "tables": {"public.t": table},
          "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
          "_meta": {"columns": {}, "schemas": {}, "tables": {}}}
    rows = {r["name"]: r["default"] for r in v9.rows_from_v7(v7) if r["entityType"] == "columns"}
    assert rows == {"note": "ARRAY['a', 'b']", "ids": "ARRAY[1, 2]::bigint[]"}


def test_a_default_index_name_past_63_bytes_read_from_the_server_is_written_whole() -> None:
    # fedify-dev/hollo's drizzle-kit 1.x folder: index("…") on remote_reply_scrape_jobs (origin_host, status,
    # next_attempt_at) has the default name remote_reply_scrape_jobs_origin_host_status_next_attempt_at_index (65
    # bytes), whole in drizzle-kit's snapshot; `check --rebuild-snapshots` wrote the server's 63 bytes, a name the
    # code does not give, so drizzle-kit's next generate would drop the index and make it again
    t, cols = "remote_reply_scrape_jobs", ["origin_host", "status", "next_attempt_at"]
    whole = f"{t}_{'_'.join(cols)}_index"
    key = f"{t}_origin_host_status_next_attempt__index"  # the model's default name, cut to 63 bytes
    table = {"name": t, "schema": "", "columns": {c: {"name": c, "type": "text", "primaryKey": False, "notNull": True}
                                                  for c in cols},
             "indexes": {key: {"name": key, "_serverName": whole[:63], "isUnique": False, "concurrently": False,
                               "method": "btree", "with": {},
                               "columns": [{"expression": c, "isExpression": False, "asc": True, "nulls": "last"}
                                           for c in cols]}},
             "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}, "checkConstraints": {},
             "policies": {}, "isRLSEnabled": False}
    v7 = {"id": "x", "prevId": ROOT, "version": "7", "dialect": "postgresql", "tables": {f"public.{t}": table},
          "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
          "_meta": {"columns": {}, "schemas": {}, "tables": {}}}
    rows = [r for r in v9.rows_from_v7(v7) if r["entityType"] == "indexes"]
    assert [(r["name"], r["nameExplicit"]) for r in rows] == [(whole, False)]
