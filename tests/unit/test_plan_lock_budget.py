"""A pulled baseline of a schema of GitLab's size (1,330 tables, 5,000 indexes, 320 hash partitions in
gitlab_partitions_static) failed to apply in one transaction on a server of default settings: `out of shared memory
— You might need to increase max_locks_per_transaction` (each relation a transaction creates holds a lock until it
commits; the lock table has max_locks_per_transaction × max_connections = 6,400 places by default). The plan puts a
`-- mizzle:commit` boundary before that many are held, never inside a run of routines made with their body check
off (a SET LOCAL a commit would end)."""

from __future__ import annotations

from mizzle.dialects.postgres.ddl import BODY_CHECK_OFF, BODY_CHECK_ON
from mizzle.planning.plan import plan, render_file
from mizzle.schema.diff import Renames, diff
from mizzle.schema.model import Column, Index, IndexColumn, PrimaryKey, Schema, Table


def gitlab_sized(n: int) -> Schema:
    return Schema(tables=tuple(
        Table(f"t{i:04d}", columns=(Column("id", "bigserial", not_null=True), Column("settings", "jsonb"),
                                    Column("name", "varchar(255)")),
              primary_key=PrimaryKey(("id",)),
              indexes=(Index(f"index_t{i:04d}_on_name", (IndexColumn("name"),)),
                       Index(f"index_t{i:04d}_on_settings", (IndexColumn("settings"),), method="gin")))
        for i in range(n)))


def parts(statements: list) -> list[list]:  # type: ignore[type-arg]
    out: list[list] = [[]]  # type: ignore[type-arg]
    for s in statements:
        out[-1].append(s)
        if s.commit_after:
            out.append([])
    return out


def test_a_schema_of_gitlabs_size_commits_before_the_lock_table_fills() -> None:
    statements = plan(diff(Schema(), gitlab_sized(1500), Renames(none=True)).changes, "postgresql")
    chunks = parts(statements)
    assert len(chunks) > 1
    for chunk in chunks:  # a table made holds ~4 locks (it, its TOAST table and index, its key's index)
        tables = sum(s.sql.startswith("CREATE TABLE") for s in chunk)
        assert tables * 4 + (len(chunk) - tables) <= 2500, (tables, len(chunk))
    assert render_file(statements).count("-- mizzle:commit") == len(chunks) - 1


def test_a_small_schema_has_no_boundary() -> None:
    statements = plan(diff(Schema(), gitlab_sized(50), Renames(none=True)).changes, "postgresql")
    assert not any(s.commit_after for s in statements)


def test_no_boundary_between_the_body_check_sets() -> None:
    from mizzle.dialects.postgres.ddl import lock_boundaries
    from mizzle.planning.plan import PlannedStatement

    made = [PlannedStatement(f'CREATE TABLE "t{i}" ("id" bigint PRIMARY KEY, "j" jsonb)') for i in range(490)]
    routines = [PlannedStatement(BODY_CHECK_OFF)] + [
        PlannedStatement(f'CREATE FUNCTION "f{i}"() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$') for i in range(60)
    ] + [PlannedStatement(BODY_CHECK_ON)]
    out = lock_boundaries(made + routines + made)
    assert [s.sql for s in out] == [s.sql for s in made + routines + made]
    inside = False
    for s in out:
        inside = (inside or s.sql == BODY_CHECK_OFF) and s.sql != BODY_CHECK_ON
        assert not (inside and s.commit_after), s.sql
    assert out[len(made) + len(routines) - 1].commit_after  # the boundary waits for the run's end


def test_a_migration_committed_in_parts_says_so() -> None:
    """Committed in parts, a migration is no longer all or nothing: generate and pull say so, with the count."""
    from mizzle.planning.plan import lock_parts, lock_parts_warning

    statements = plan(diff(Schema(), gitlab_sized(1500), Renames(none=True)).changes, "postgresql")
    boundaries = render_file(statements).count("-- mizzle:commit")
    assert lock_parts(statements) == boundaries > 0
    (warning,) = lock_parts_warning(boundaries)
    assert f"commits in {boundaries + 1} parts" in warning and "resumes after them" in warning
    assert lock_parts(plan(diff(Schema(), gitlab_sized(50), Renames(none=True)).changes, "postgresql")) == 0
    assert lock_parts_warning(0) == []
