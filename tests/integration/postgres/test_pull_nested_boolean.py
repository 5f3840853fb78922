"""`pull` keeps the structure of a check's, a partial index's, an exclusion constraint's and a policy's boolean expression: an
AND (or OR) nested inside another, which a BETWEEN inside an AND also makes, is stored as written, while the
server's pretty-printed text drops its parentheses (`a AND (b AND c)` → `a AND b AND c`), which PostgreSQL then
stores as one flat AND. Found on a real org-unit schema (SQLAlchemy, `CheckConstraint("seq_no <> 0 AND seq_no
BETWEEN -99 AND 99")`): the pulled baseline built a check pg_dump printed differently from the source's."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pgtools import schema_dump, temp_database

pytestmark = pytest.mark.pg


def test_nested_and_or_survive_pull_and_migrate(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mznest") as source, temp_database("mznest") as rebuilt:
        with psycopg.connect(source, autocommit=True) as c:
            c.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
            c.execute("""CREATE TABLE t (
                n integer, s text, r tstzrange,
                CONSTRAINT ck_between CHECK (n <> 0 AND n BETWEEN -99 AND 99),
                CONSTRAINT ck_or CHECK (s IS NULL OR (s ~ '^a' OR s ~ '^b')),
                CONSTRAINT ck_flat CHECK (n > 1 AND n < 9 AND s <> ''),
                CONSTRAINT ex_r EXCLUDE USING gist (n WITH =, r WITH &&) WHERE (n > 0 AND (s = 'x' AND r IS NOT NULL)))""")
            c.execute("CREATE INDEX ix_nested ON t (s) WHERE n > 0 AND (s <> 'x' AND s <> 'y')")
            c.execute("ALTER TABLE t ENABLE ROW LEVEL SECURITY")
            c.execute("CREATE POLICY p ON t USING (n > 0 AND (s = 'a' AND r IS NULL)) WITH CHECK (n = 1 OR (n = 2 OR n = 3))")
        root = tmp_path
        (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0, r.stdout + r.stderr
        with psycopg.connect(rebuilt, autocommit=True) as c:
            c.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        m = run_mizzle(["migrate"], cwd=root, url=rebuilt)
        assert m.code == 0, m.stdout + m.stderr
        assert schema_dump(rebuilt) == schema_dump(source)
        # a flat AND keeps the server's readable spelling
        assert '"n > 1 AND n < 9 AND s <> \'\'::text"' in (root / "db" / "schema.py").read_text()
        for cmd in (["generate", "--check"], ["drift"]):
            d = run_mizzle(cmd, cwd=root, url=source)
            assert d.code == 0, d.stdout + d.stderr


def test_a_between_first_in_an_and_survives_pull_and_migrate(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """A BETWEEN as the first operand of an AND (a NOT BETWEEN first in an OR) is stored as an AND nested in the
    AND's first place, which no flat spelling gives back: the grammar folds `(a AND b) AND c` into one AND as it
    reads it. pull writes it as a BETWEEN again, so the rebuilt database stores what the source stores."""
    with temp_database("mzbtw") as source, temp_database("mzbtw") as rebuilt:
        with psycopg.connect(source, autocommit=True) as c:
            c.execute("""CREATE TABLE t (
                a integer, b integer, s text, d date,
                CONSTRAINT ck_first CHECK (a BETWEEN -1 AND 5 AND b > 0),
                CONSTRAINT ck_date CHECK (d BETWEEN '2020-01-01' AND now() + interval '1 year' AND s <> ''),
                CONSTRAINT ck_not CHECK (a NOT BETWEEN 1 AND 5 OR b IS NULL),
                CONSTRAINT ck_inner CHECK (s IS NULL OR (a BETWEEN 1 AND 9 AND b BETWEEN 2 AND 3 AND b <> 0)))""")
            c.execute("CREATE INDEX ix_first ON t (b) WHERE a BETWEEN 1 AND 5 AND s > ''")
            c.execute("ALTER TABLE t ENABLE ROW LEVEL SECURITY")
            c.execute("CREATE POLICY p ON t USING (b BETWEEN 1 AND 5 AND a > 0)")
        root = tmp_path
        (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0, r.stdout + r.stderr
        m = run_mizzle(["migrate"], cwd=root, url=rebuilt)
        assert m.code == 0, m.stdout + m.stderr
        assert schema_dump(rebuilt) == schema_dump(source)
        for cmd in (["generate", "--check"], ["drift"]):
            for url in (source, rebuilt):
                d = run_mizzle(cmd, cwd=root, url=url)
                assert d.code == 0, d.stdout + d.stderr
