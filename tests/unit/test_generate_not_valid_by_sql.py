"""A drizzle-kit folder whose SQL adds a check or a foreign key NOT VALID by hand (and never validates it): its
snapshot cannot say so, and `drift`/`verify` leave the flag uncompared. `generate` must not take the schema code's
`postgresql_not_valid=True` (as `pull` writes it) for a change either — it wrote `DROP CONSTRAINT` and `ADD
CONSTRAINT … NOT VALID` again, and `generate --check` failed on a database the folder built
(2witstudios/PageSpace: agent_workspaces_env_needs_drive_check, ai_stream_sessions_…_fk). A constraint the SQL
validated later, or added valid, stays a difference."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pg_project import write_drizzle_folder

from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.errors import IntegrityError


def _table(name: str, columns: dict[str, dict[str, object]], **extra: object) -> dict[str, object]:
    return {"name": name, "schema": "", "columns": columns, "indexes": {}, "foreignKeys": {},
            "compositePrimaryKeys": {}, "uniqueConstraints": {}, "policies": {}, "checkConstraints": {},
            "isRLSEnabled": False, **extra}


ID = {"name": "id", "type": "integer", "primaryKey": True, "notNull": True}
REF = {"name": "parent_id", "type": "integer", "primaryKey": False, "notNull": False}
N = {"name": "n", "type": "integer", "primaryKey": False, "notNull": False}
SNAPSHOT = {
    "id": "9b3c2a10-55e4-4b8e-9d0e-1c2f3a4b5c6d", "prevId": "00000000-0000-0000-0000-000000000000",
    "version": "7", "dialect": "postgresql",
    "tables": {
        "public.parent": _table("parent", {"id": ID}),
        "public.child": _table("child", {"id": ID, "parent_id": REF, "n": N}, foreignKeys={"child_parent_fk": {
            "name": "child_parent_fk", "tableFrom": "child", "tableTo": "parent", "columnsFrom": ["parent_id"],
            "columnsTo": ["id"], "onDelete": "no action", "onUpdate": "no action"}}, checkConstraints={
            "n_positive": {"name": "n_positive", "value": "n > 0"},
            "n_small": {"name": "n_small", "value": "n < 100"}}),
    },
    "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
    "_meta": {"columns": {}, "schemas": {}, "tables": {}},
}
SQL = ('CREATE TABLE "parent" ("id" integer PRIMARY KEY NOT NULL);\n--> statement-breakpoint\n'
       'CREATE TABLE "child" ("id" integer PRIMARY KEY NOT NULL, "parent_id" integer, "n" integer);\n'
       '--> statement-breakpoint\n'
       '-- by hand: not validated, old rows may break them\n'
       'ALTER TABLE "child" ADD CONSTRAINT "n_positive" CHECK (n > 0) NOT VALID;\n--> statement-breakpoint\n'
       'ALTER TABLE "child" ADD CONSTRAINT "child_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "parent"("id") '
       'NOT VALID, ADD CONSTRAINT "n_small" CHECK (n < 100) NOT VALID;\n--> statement-breakpoint\n'
       'ALTER TABLE "child" VALIDATE CONSTRAINT "n_small";\n')
CODE = '''
import sqlalchemy as sa

metadata = sa.MetaData()
parent = sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
child = sa.Table(
    "child", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("parent_id", sa.Integer),
    sa.Column("n", sa.Integer),
    sa.ForeignKeyConstraint(["parent_id"], ["parent.id"], name="child_parent_fk", postgresql_not_valid=True),
    sa.CheckConstraint("n > 0", name="n_positive", postgresql_not_valid=True),
    sa.CheckConstraint("n < 100", name="n_small", postgresql_not_valid=%s),
)
'''


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setenv("MIZZLE_NO_CACHE", "1")
    write_drizzle_folder(tmp_path, SNAPSHOT, SQL, "not_valid_code.py")
    return tmp_path


@pytest.mark.parametrize(("validated_in_code", "expected"), [
    ("False", []),
    ("True", ["~ check n_small on child: not valid False → True"]),  # the SQL validated it: a real change
])
def test_a_constraint_the_sql_left_not_valid_is_not_a_change(folder: Path, validated_in_code: str,
                                                             expected: list[str]) -> None:
    (folder / "not_valid_code.py").write_text(CODE % validated_in_code)
    try:
        generate(load_config(folder / "mizzle.toml"), check=True)
        found: list[str] = []
    except IntegrityError as e:  # generate --check: the changes not yet in a migration, one a line
        found = [ln.strip() for ln in (e.details or "").splitlines() if ln.strip()]
    finally:
        sys.modules.pop("not_valid_code", None)
    assert found == expected
