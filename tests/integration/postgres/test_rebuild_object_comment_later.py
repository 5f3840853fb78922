"""A COMMENT ON FUNCTION in a later migration than the function's CREATE is in the rebuilt snapshot. supabase/auth's
migrations (20220531120530_add_auth_jwt_function.up.sql) comment auth.uid(), auth.role() and auth.email(), made by
earlier ones ('Deprecated. Use auth.jwt() -> ''sub'' instead.'); built into a custom-SQL folder, `check
--rebuild-snapshots` wrote every snapshot from there on with `"comment": null`, and `verify`, `drift` and
`generate --check` (against the pulled module) then listed the three comments as differences. The rebuild's memo of
objects already compared with the server (authored.py) is keyed by objects whose equality leaves the comment out,
so the function as a step before had it (no comment) came back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pgtools import url_for

from mizzle.commands.verify import rebuild_snapshots
from mizzle.config import load_config

pytestmark = pytest.mark.pg

# the table's UNIQUE repeating its key (supabase/auth's auth.users: `id uuid NOT NULL UNIQUE` beside its primary
# key) keeps the authored model apart from the server's, so each step's objects go through the memo
MIGRATIONS = {
    "0000_init": "CREATE TABLE users (id uuid NOT NULL UNIQUE, CONSTRAINT users_pkey PRIMARY KEY (id));\n"
                 "create or replace function uid() returns uuid as $$ select null::uuid $$ language sql stable;\n",
    "0001_more": "create table sessions (id uuid primary key);\n",
    "0002_jwt": "comment on function uid() is 'Deprecated. Use auth.jwt() -> ''sub'' instead.';\n",
}


def _routines(out: Path, n: int) -> dict[str, object]:
    snap = json.loads((out / "meta" / f"{n:04d}_snapshot.json").read_text())
    side = json.loads((out / "meta" / "_mizzle.json").read_text())["snapshots"][snap["id"]]
    return {r["name"]: r["comment"] for r in side["objects"]["routines"]}


def test_a_functions_comment_made_in_a_later_migration_is_in_the_rebuilt_snapshot(pg_available: bool,
                                                                                   tmp_path: Path) -> None:
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    for tag, sql in MIGRATIONS.items():
        (out / f"{tag}.sql").write_text(sql)
    entries = [{"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
               for i, tag in enumerate(MIGRATIONS)]
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql",
                                                            "entries": entries}))
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    rebuild_snapshots(load_config(tmp_path / "mizzle.toml"), scratch_url=url_for("postgres"))
    assert _routines(out, 1) == {"uid": None}
    assert _routines(out, 2) == {"uid": "Deprecated. Use auth.jwt() -> 'sub' instead."}


def test_verify_names_a_functions_comment_its_snapshot_lacks(pg_available: bool, tmp_path: Path) -> None:
    # the same folder, its last snapshot without the comment (as the rebuild above wrote it): verify's replay found
    # the comment in the database and said nothing, its speed path taking two models equal but for an object's
    # comment (left out of the object's equality) as the same
    from mizzle.commands.verify import verify

    test_a_functions_comment_made_in_a_later_migration_is_in_the_rebuilt_snapshot(pg_available, tmp_path)
    out = tmp_path / "drizzle"
    snap_id = json.loads((out / "meta" / "0002_snapshot.json").read_text())["id"]
    side = json.loads((out / "meta" / "_mizzle.json").read_text())
    for r in side["snapshots"][snap_id]["objects"]["routines"]:
        r["comment"] = None
    (out / "meta" / "_mizzle.json").write_text(json.dumps(side))
    result = verify(load_config(tmp_path / "mizzle.toml"), url=url_for("postgres"))
    steps = {s.tag: s.changes for s in result.steps}
    assert steps["0001_more"] == []
    assert any("comment on function" in c for c in steps["0002_jwt"]), steps
