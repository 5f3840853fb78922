"""`generate --online` on a partitioned table (issue 17): PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY and
NOT VALID foreign keys there. The index is created ON ONLY the partitioned table, each partition's index
CONCURRENTLY (a sub-partitioned partition's ON ONLY in turn), then attached; the result dumps as the plain
`CREATE INDEX` on the partitioned table does. A partition the schema code does not know makes the migration fail
naming it, instead of leaving an invalid index behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from feature_accept import HEADER, execute, project
from pgtools import schema_dump, temp_database

pytestmark = pytest.mark.pg

TABLES = """
r = sa.Table("r", metadata, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
ev = sa.Table(
    "ev", metadata,
    sa.Column("id", sa.Integer, nullable=False), sa.Column("at", sa.Integer, nullable=False),
    sa.Column("k", sa.Text, nullable=False), sa.Column("v", sa.Integer), sa.Column("rid", sa.Integer),
    sa.PrimaryKeyConstraint("id", "at", "k", name="ev_pkey"),{extra}
    postgresql_partition_by="RANGE (at)",
)
ev_1 = sa.Table("ev_1", metadata, info={{"mizzle": {{"partition_of": "ev", "bounds": "FROM (0) TO (10)"}}}})
ev_2 = sa.Table("ev_2", metadata, postgresql_partition_by="LIST (k)",
                info={{"mizzle": {{"partition_of": "ev", "bounds": "FROM (10) TO (20)"}}}})
ev_2a = sa.Table("ev_2a", metadata, info={{"mizzle": {{"partition_of": "ev_2", "bounds": "IN ('a')"}}}})
ev_2b = sa.Table("ev_2b", metadata, info={{"mizzle": {{"partition_of": "ev_2", "bounds": "IN ('b')"}}}})
"""
INDEXES = """
    sa.Index("ev_v_idx", "v"),
    sa.Index("ev_lower_k", sa.text("lower(k)"), "at", postgresql_include=["v"], postgresql_concurrently=True),
    sa.UniqueConstraint("id", "at", "k", "v", name="ev_u"),
    sa.ForeignKeyConstraint(["rid"], ["r.id"], name="ev_rid_fkey"),
    sa.CheckConstraint("v > 0", name="ev_v_check"),"""
SQL = [
    "CREATE TABLE r (id integer PRIMARY KEY)",
    "CREATE TABLE ev (id integer NOT NULL, at integer NOT NULL, k text NOT NULL, v integer, rid integer, "
    "CONSTRAINT ev_pkey PRIMARY KEY (id, at, k)) PARTITION BY RANGE (at)",
    "CREATE TABLE ev_1 PARTITION OF ev FOR VALUES FROM (0) TO (10)",
    "CREATE TABLE ev_2 PARTITION OF ev FOR VALUES FROM (10) TO (20) PARTITION BY LIST (k)",
    "CREATE TABLE ev_2a PARTITION OF ev_2 FOR VALUES IN ('a')",
    "CREATE TABLE ev_2b PARTITION OF ev_2 FOR VALUES IN ('b')",
]
SQL_INDEXES = [
    "CREATE INDEX ev_v_idx ON ev (v)",
    "CREATE INDEX ev_lower_k ON ev (lower(k), at) INCLUDE (v)",
    "ALTER TABLE ev ADD CONSTRAINT ev_u UNIQUE (id, at, k, v)",
    "ALTER TABLE ev ADD CONSTRAINT ev_rid_fkey FOREIGN KEY (rid) REFERENCES r (id)",
    "ALTER TABLE ev ADD CONSTRAINT ev_v_check CHECK (v > 0)",
]
ROWS = "INSERT INTO ev SELECT g, g % 20, CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END, g FROM generate_series(1, 500) g"


def _generate_online(run_mizzle, root: Path, body: str, name: str) -> str:  # type: ignore[no-untyped-def]
    (root / "db" / "schema.py").write_text(HEADER + body)
    r = run_mizzle(["generate", "--online", "--name", name], cwd=root)
    assert r.code == 0, r.stdout + r.stderr
    return sorted((root / "migrations").glob(f"*_{name}.sql"))[-1].read_text()


def _migrate(run_mizzle, root: Path, db: str) -> None:  # type: ignore[no-untyped-def]
    r = run_mizzle(["migrate"], cwd=root, url=db)
    assert r.code == 0, r.stdout + r.stderr
    d = run_mizzle(["drift"], cwd=root, url=db)
    assert d.code == 0, d.stdout + d.stderr


def test_online_indexes_on_a_partitioned_table(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    root = project(tmp_path / "p")
    (root / "db").mkdir()
    with temp_database("mzfeat") as db, temp_database("mzfeat") as by_sql:
        _generate_online(run_mizzle, root, TABLES.format(extra=""), "tables")
        _migrate(run_mizzle, root, db)
        execute(db, ROWS)
        sql = _generate_online(run_mizzle, root, TABLES.format(extra=INDEXES), "indexes")
        assert 'CREATE INDEX "ev_v_idx" ON ONLY "public"."ev" USING btree ("v")' in sql, sql
        assert 'CREATE INDEX CONCURRENTLY "ev_1_v_idx" ON "public"."ev_1"' in sql
        assert 'CREATE INDEX "ev_2_v_idx" ON ONLY "public"."ev_2"' in sql
        assert 'CREATE INDEX CONCURRENTLY "ev_2a_v_idx" ON "public"."ev_2a"' in sql
        assert 'CREATE INDEX CONCURRENTLY "ev_2b_lower_at_v_idx" ON "public"."ev_2b" USING btree ((lower(k)), "at")' \
            ' INCLUDE ("v")' in sql
        assert 'ALTER INDEX "public"."ev_v_idx" ATTACH PARTITION "public"."ev_2_v_idx"' in sql
        assert 'CONCURRENTLY "ev_v_idx"' not in sql  # refused on a partitioned table, and so is a NOT VALID key:
        assert 'REFERENCES "public"."r"("id") ON DELETE no action ON UPDATE no action;' in sql
        assert 'CHECK (v > 0) NOT VALID' in sql and 'VALIDATE CONSTRAINT "ev_v_check"' in sql  # a check can be
        lint = run_mizzle(["lint"], cwd=root)  # CREATE INDEX … ON ONLY builds nothing: not MZ204
        assert "MZ204" not in lint.stdout + lint.stderr, lint.stdout + lint.stderr
        _migrate(run_mizzle, root, db)
        execute(by_sql, *SQL, ROWS, *SQL_INDEXES)
        assert schema_dump(db) == schema_dump(by_sql)

        sql = _generate_online(run_mizzle, root, TABLES.format(extra=""), "drop")
        assert 'DROP INDEX IF EXISTS "public"."ev_v_idx"' in sql and "CONCURRENTLY" not in sql, sql
        _migrate(run_mizzle, root, db)
        with temp_database("mzfeat") as plain:
            execute(plain, *SQL)
            assert schema_dump(db) == schema_dump(plain)


def test_a_partition_unknown_to_the_schema_code_fails_the_online_index_by_name(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    root = project(tmp_path / "p")
    (root / "db").mkdir()
    with temp_database("mzfeat") as db:
        _generate_online(run_mizzle, root, TABLES.format(extra=""), "tables")
        _migrate(run_mizzle, root, db)
        execute(db, "CREATE TABLE ev_9 PARTITION OF ev FOR VALUES FROM (90) TO (100)")
        _generate_online(run_mizzle, root, TABLES.format(extra='\n    sa.Index("ev_v_idx", "v"),'), "index")
        r = run_mizzle(["migrate"], cwd=root, url=db)
        assert r.code != 0
        assert "ev_9" in r.stdout + r.stderr and "ATTACH PARTITION" in r.stdout + r.stderr, r.stdout + r.stderr
        # the fix the message names, then the migration completes
        execute(db, "CREATE INDEX CONCURRENTLY ev_9_v_idx ON ev_9 (v)", "ALTER INDEX ev_v_idx ATTACH PARTITION ev_9_v_idx")
        r = run_mizzle(["migrate"], cwd=root, url=db)
        assert r.code == 0, r.stdout + r.stderr


PERSON = """
person = sa.Table(
    "person", metadata,
    sa.Column("id", sa.BigInteger, nullable=False), sa.Column("team_id", sa.Integer, nullable=False),
    sa.Column("uuid", sa.Uuid, nullable=False),
    sa.PrimaryKeyConstraint("team_id", "id", name="person_pkey"),
    sa.Index("person_uuid_idx", "team_id", "uuid"),{extra}
    postgresql_partition_by="HASH (team_id)",
)
person_p0 = sa.Table("person_p0", metadata, info={{"mizzle": {{"partition_of": "person", "bounds": "WITH (modulus 2, remainder 0)"}}}})
person_p1 = sa.Table("person_p1", metadata, info={{"mizzle": {{"partition_of": "person", "bounds": "WITH (modulus 2, remainder 1)"}}}})
"""


def test_an_online_index_on_the_columns_of_another_takes_the_next_free_names(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """PostHog's persons schema: the hash-partitioned posthog_person has a plain (team_id, uuid) index, whose copy
    on each partition PostgreSQL named <partition>_team_id_uuid_idx; a unique index on the same columns
    (posthog_person_team_id_uuid_uniq) generated --online named its partitions' indexes the same, and migrate
    failed: relation "posthog_person_p0_team_id_uuid_idx" already exists. They take PostgreSQL's next name
    (…_idx1), as a plain CREATE INDEX would give them."""
    root = project(tmp_path / "p")
    (root / "db").mkdir()
    with temp_database("mzfeat") as db, temp_database("mzfeat") as plain:
        _generate_online(run_mizzle, root, PERSON.format(extra=""), "tables")
        _migrate(run_mizzle, root, db)
        extra = '\n    sa.Index("person_team_id_uuid_uniq", "team_id", "uuid", unique=True),'
        sql = _generate_online(run_mizzle, root, PERSON.format(extra=extra), "uniq")
        assert 'CREATE UNIQUE INDEX CONCURRENTLY "person_p0_team_id_uuid_idx1" ON "public"."person_p0"' in sql, sql
        _migrate(run_mizzle, root, db)
        execute(plain, "CREATE TABLE person (id bigint NOT NULL, team_id integer NOT NULL, uuid uuid NOT NULL, "
                       "CONSTRAINT person_pkey PRIMARY KEY (team_id, id)) PARTITION BY HASH (team_id)",
                "CREATE TABLE person_p0 PARTITION OF person FOR VALUES WITH (modulus 2, remainder 0)",
                "CREATE TABLE person_p1 PARTITION OF person FOR VALUES WITH (modulus 2, remainder 1)",
                "CREATE INDEX person_uuid_idx ON person (team_id, uuid)",
                "CREATE UNIQUE INDEX person_team_id_uuid_uniq ON person (team_id, uuid)")
        assert schema_dump(db) == schema_dump(plain)
