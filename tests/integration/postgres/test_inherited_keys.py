"""Keys and indexes of a partition or an inheriting table on columns it takes from its parent (migra's `inherit`
and `partitioning` pairs): pull writes those columns with info={"mizzle": {"inherited": True}} so that the module
loads (SQLAlchemy needs a constraint's columns on its table), and they stay the parent's (not local)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from pgtools import drain_drops, schema_dump, temp_database

from mizzle.errors import SchemaLoadError
from mizzle.sources.sqlalchemy import schema_from_metadata

pytestmark = pytest.mark.pg

SOURCE = [
    "CREATE TABLE eb (id bigserial, kind text NOT NULL, entity_id bigint NOT NULL)",
    "CREATE TABLE eb_a (CONSTRAINT a_only CHECK (kind = 'A'), UNIQUE (entity_id, kind)) INHERITS (eb)",
    "CREATE TABLE eb_b (note text, PRIMARY KEY (id)) INHERITS (eb)",
    "CREATE TABLE m (city int NOT NULL, day date NOT NULL, v int) PARTITION BY RANGE (day)",
    "CREATE TABLE m_feb PARTITION OF m FOR VALUES FROM ('2006-02-01') TO ('2006-03-01')",
    "CREATE INDEX ON m_feb (day)",
]


def test_keys_on_inherited_columns_pull_load_and_rebuild(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mzinh") as source, temp_database("mzinh") as rebuilt:
        with psycopg.connect(source, autocommit=True) as c:
            for s in SOURCE:
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stderr
        code = (tmp_path / "db" / "schema.py").read_text()
        assert 'sa.Column("entity_id", sa.BigInteger, info={"mizzle": {"inherited": True}})' in code, code
        assert "the written module does not load" not in r.stdout + r.stderr
        assert run_mizzle(["generate", "--check"], cwd=tmp_path, url=source).code == 0
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert d.code == 0, d.stdout + d.stderr
        m = run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt)
        assert m.code == 0, m.stderr
        assert schema_dump(rebuilt) == schema_dump(source)
        with psycopg.connect(rebuilt) as c:  # still the parent's columns, not the child's own
            local = c.execute("SELECT attislocal FROM pg_attribute WHERE attrelid = 'eb_a'::regclass "
                              "AND attname = 'entity_id'").fetchone()
        assert local == (False,)


def test_an_inherited_column_on_a_table_without_parents_is_refused() -> None:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("x", sa.Integer, info={"mizzle": {"inherited": True}}))
    with pytest.raises(SchemaLoadError, match="inherits from nothing"):
        schema_from_metadata([md])


def test_privileges_on_inherited_columns_pull_load_and_rebuild(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """A column privilege on a column an inheriting table or a partition takes from its parent (`GRANT SELECT
    (customer_id) ON payment_p2022_01`, the per-partition grants pagila's partitioned payment table invites): the
    pulled module did not load ('grant on table child: table public.child has no column v')."""
    import uuid

    from pgtools import admin

    role = f"mz_inh_{uuid.uuid4().hex[:8]}"
    try:
        with temp_database("mzinh") as source, temp_database("mzinh") as rebuilt:
            with psycopg.connect(source, autocommit=True) as c:
                for s in [f'CREATE ROLE "{role}"', "CREATE TABLE parent (id int PRIMARY KEY, v text)",
                          "CREATE TABLE child (extra int) INHERITS (parent)",
                          f'GRANT UPDATE (v) ON child TO "{role}"',
                          "CREATE TABLE pay (id int NOT NULL, customer_id int, paid_at date NOT NULL) "
                          "PARTITION BY RANGE (paid_at)",
                          "CREATE TABLE pay_p1 PARTITION OF pay FOR VALUES FROM ('2022-01-01') TO ('2022-02-01')",
                          f'GRANT SELECT (customer_id) ON pay_p1 TO "{role}"']:
                    c.execute(s)
            (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\n'
                                                  'out = "migrations"\n')
            r = run_mizzle(["pull"], cwd=tmp_path, url=source)
            assert r.code == 0, r.stderr
            assert "the written module does not load" not in r.stdout + r.stderr, r.stdout + r.stderr
            assert run_mizzle(["generate", "--check"], cwd=tmp_path, url=source).code == 0
            d = run_mizzle(["drift"], cwd=tmp_path, url=source)
            assert d.code == 0, d.stdout + d.stderr
            m = run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt)
            assert m.code == 0, m.stderr
            assert schema_dump(rebuilt) == schema_dump(source)
            acl = "SELECT attrelid::regclass::text, attname, attacl::text FROM pg_attribute WHERE attacl IS NOT NULL " \
                  "AND attrelid::regclass::text IN ('child', 'pay_p1') ORDER BY 1, 2"
            with psycopg.connect(source) as a, psycopg.connect(rebuilt) as b:
                assert a.execute(acl).fetchall() == b.execute(acl).fetchall() != []
    finally:
        with admin() as c:
            drain_drops()  # the databases queued for dropping hold grants to it
            c.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_a_comment_on_an_inherited_column_is_said(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """`COMMENT ON COLUMN payment_p1.paid_at` (a partition's, or an inheriting table's, comment on a column it takes
    from its parent: PostgreSQL keeps it on the child's column, and a rebuild has none) was dropped by pull without a
    word; it is listed now, as the other settings of an inherited column are."""
    with temp_database("mzinh") as source:
        with psycopg.connect(source, autocommit=True) as c:
            for s in ["CREATE TABLE pay (id int, paid_at date NOT NULL) PARTITION BY RANGE (paid_at)",
                      "CREATE TABLE pay_p1 PARTITION OF pay FOR VALUES FROM ('2022-01-01') TO ('2022-02-01')",
                      "COMMENT ON COLUMN pay.id IS 'the parent''s own: modelled'",
                      "COMMENT ON COLUMN pay_p1.paid_at IS 'when'",
                      "CREATE TABLE parent (id int, v text)", "CREATE TABLE child (extra int) INHERITS (parent)",
                      "COMMENT ON COLUMN child.v IS 'kept on the child'",
                      "COMMENT ON COLUMN child.extra IS 'its own column: modelled'"]:
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stderr
        out = r.stdout + r.stderr
        assert "comments on an inherited column (COMMENT ON COLUMN): paid_at on public.pay_p1, v on public.child\n" \
            in out, out
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert d.code == 0 and "comments on an inherited column" in d.stdout + d.stderr, d.stdout + d.stderr


def test_a_generated_column_an_inheriting_table_merged_with_its_parents_rebuilds(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL's regression tests (generated.sql: `CREATE TABLE gtestxx_3 (a int NOT NULL, b int GENERATED ALWAYS
    AS (a * 2) STORED); ALTER TABLE gtestxx_3 INHERIT gtest1`): the child's own column b is generated as its
    parent's is. The baseline wrote it with its expression in CREATE TABLE … INHERITS, which PostgreSQL 15 refuses
    ("child column "b" specifies generation expression"): the column takes its parent's expression, unwritten."""
    with temp_database("mzinh") as source, temp_database("mzinh") as rebuilt:
        with psycopg.connect(source, autocommit=True) as c:
            for s in ["CREATE TABLE gtest1 (a int PRIMARY KEY, b int GENERATED ALWAYS AS (a * 2) STORED)",
                      "CREATE TABLE gtestxx_3 (a int NOT NULL, b int GENERATED ALWAYS AS (a * 2) STORED)",
                      "ALTER TABLE gtestxx_3 INHERIT gtest1",
                      # a grandchild whose parent takes b from its own parent: b is generated up there
                      "CREATE TABLE mid () INHERITS (gtest1)",
                      "CREATE TABLE low (a int NOT NULL, b int GENERATED ALWAYS AS (a * 2) STORED, c int)",
                      "ALTER TABLE low INHERIT mid",
                      "CREATE TABLE plain (a int, b int)",  # a parent's plain column, the child's generated one
                      "CREATE TABLE plain_c (b int GENERATED ALWAYS AS (a + 1) STORED) INHERITS (plain)"]:
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0, r.stderr
        assert run_mizzle(["generate", "--check"], cwd=tmp_path, url=source).code == 0
        d = run_mizzle(["drift"], cwd=tmp_path, url=source)
        assert d.code == 0, d.stdout + d.stderr
        m = run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt)
        assert m.code == 0, m.stdout + m.stderr
        assert schema_dump(rebuilt) == schema_dump(source)
        gen = "SELECT attrelid::regclass::text, attname, attislocal, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute " \
              "a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE attgenerated = 's' " \
              "ORDER BY 1, 2"
        with psycopg.connect(source) as a, psycopg.connect(rebuilt) as b:
            assert a.execute(gen).fetchall() == b.execute(gen).fetchall()
