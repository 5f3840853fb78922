"""The footprint of a primary key whose columns change in place (an `alter` delta of a `pks` row), as drizzle-kit 1.x
writes it: ctrlplanedev/ctrlplane's 20251021211009 moves session's key from sessionToken to id, and mizzle's `up`
wrote a generic `alter_pk` of a `pk` node (target ["pk", …], writes n|pk|…) where drizzle-kit's writes the table's
key and shares the old columns' uniqueness."""

from __future__ import annotations

from mizzle.dialects.postgres.footprints import statement_footprints

PK = {"entityType": "pks", "schema": "public", "table": "session", "name": "session_pkey",
      "columns": ["sessionToken"], "nameExplicit": False}


def test_alter_pk_is_drizzle_kits_statement() -> None:
    assert statement_footprints("alter", PK, [], [], set(), {"columns": ["id"]}) == [{
        "statementType": "alter_pk", "statementTarget": ["table", "public", "session"],
        "writes": ["s|pk|public.session"], "reads": ["n|tbl|public.session", "n|sch|public", "n|col|public.session.id"],
        "sharedWrites": ["e|uniqueness|public.session.sessionToken"]}]
