"""Names `baseline` took from the database it adopted (server names: PostgreSQL's `memberships_pkey`,
`users_info_uid_fkey`, where the code's are drizzle-kit's `…_pk`, `…_fk`) are what later migrations drop and rename.
A database the folder's own SQL built has the code's names: each such statement renames the code's name to the
server's first where the database has it, so the same file applies to both (buildbot's models after baselining the
database create_all built: `verify` failed, constraint "users_info_uid_fkey" does not exist), and, idempotent, twice."""

from __future__ import annotations

import psycopg
import pytest
from pgtools import temp_database

from mizzle.dialects.postgres.ddl import render
from mizzle.dialects.postgres.idempotent import make_idempotent
from mizzle.schema import changes as ch
from mizzle.schema.model import ForeignKey, Index, IndexColumn, PrimaryKey

pytestmark = pytest.mark.pg

T = ("public", "m")


def _database(url: str, code_names: bool) -> None:
    pk, fk, ix, ia = (("m_a_b_pk", "m_c_r_id_fk", "m_c_idx", "m_a_idx") if code_names
                      else ("m_pkey", "m_c_fkey", "ix_m_c", "ix_m_a"))
    with psycopg.connect(url, autocommit=True) as c:
        c.execute("CREATE TABLE r (id int PRIMARY KEY)")
        c.execute(f'CREATE TABLE m (a int, b int, c int, CONSTRAINT "{pk}" PRIMARY KEY (a, b), '
                  f'CONSTRAINT "{fk}" FOREIGN KEY (c) REFERENCES r (id))')
        c.execute(f'CREATE INDEX "{ix}" ON m (c)')
        c.execute(f'CREATE INDEX "{ia}" ON m (a)')


CHANGES = [
    ch.SetPrimaryKey(T, PrimaryKey(("a", "b"), name="m_a_b_pk", server_name="m_pkey"), None),
    ch.DropForeignKey(T, ForeignKey("m_c_r_id_fk", ("c",), "r", ("id",), server_name="m_c_fkey")),
    ch.RenameConstraint(T, "ix_m_c", "m_c_index", index=True, code_old="m_c_idx"),
    ch.DropIndex(T, Index("m_a_idx", (IndexColumn("a"),), server_name="ix_m_a")),
]


@pytest.mark.parametrize("code_names", [True, False], ids=["built-by-the-folder", "baselined"])
@pytest.mark.parametrize("idempotent", [False, True], ids=["plain", "idempotent"])
def test_drops_and_renames_by_server_name_apply_to_both_databases(code_names: bool, idempotent: bool) -> None:
    statements = render(CHANGES)
    sql = [s.sql for s in (make_idempotent(statements) if idempotent else statements)]
    with temp_database("mzsn") as url:
        _database(url, code_names)
        with psycopg.connect(url, autocommit=True) as c:
            for _ in range(2 if idempotent else 1):
                for s in sql:
                    c.execute(s)
            left = c.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'm'::regclass").fetchall()
            index = c.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'm'").fetchall()
    assert left == [] and index == [("m_c_index",)], (left, index, sql)
