"""Index facts that used to be lost without a word (psqldef's IndexWithNullsNotDistinct, IndexWithCollate,
CreateIndexWithMultipleStorageParameters): a unique index's NULLS NOT DISTINCT, an element's COLLATE, the order
of the storage parameters; each read from the server, written by pull, declared in SQLAlchemy, diffed, kept in
the snapshot."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pgtools import schema_dump, temp_database

pytestmark = pytest.mark.pg

_SOURCE = (
    "CREATE TABLE t (id integer, val text, name text, code text COLLATE \"C\")",
    "CREATE UNIQUE INDEX t_val_nnd ON t (val) NULLS NOT DISTINCT",
    "CREATE UNIQUE INDEX t_val_plain ON t (val)",
    'CREATE INDEX t_name_c ON t (name COLLATE "C")',
    'CREATE INDEX t_lower_c ON t (lower(name) COLLATE "C" text_pattern_ops DESC)',
    'CREATE INDEX t_code_own ON t (code COLLATE "C")',  # the column's own collation: nothing to say
    'CREATE INDEX t_name_code ON t (id, name COLLATE "POSIX", code)',
    "CREATE INDEX t_with ON t (name) WITH (fillfactor='70', deduplicate_items='on')",
)


def _project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n')
    return root


def _execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as c:
        for s in statements:
            c.execute(s)


def _indexdefs(url: str) -> dict[str, str]:
    with psycopg.connect(url) as c:
        return dict(c.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'").fetchall())


def test_pull_keeps_nulls_not_distinct_collations_and_storage_parameter_order(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mzidx") as source, temp_database("mzidx") as rebuilt:
        _execute(source, *_SOURCE)
        root = _project(tmp_path)
        r = run_mizzle(["pull"], cwd=root, url=source)
        assert r.code == 0 and "warning" not in r.stdout + r.stderr, r.stdout + r.stderr  # the module says it all
        code = (root / "schema.py").read_text()
        assert "postgresql_nulls_not_distinct=True" in code and 'COLLATE \\"C\\"' not in code
        check = run_mizzle(["generate", "--check"], cwd=root, url=source)
        assert check.code == 0, check.stdout + check.stderr
        assert run_mizzle(["migrate"], cwd=root, url=rebuilt).code == 0
        assert schema_dump(rebuilt) == schema_dump(source)
        # the folder's snapshot holds them too: a later generate finds nothing to do
        again = run_mizzle(["generate", "--name", "again"], cwd=root)
        assert again.code == 0 and not list((root / "migrations").glob("*again*.sql")), again.stdout + again.stderr


_DECLARED = '''import sqlalchemy as sa
metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("val", sa.Text),
             sa.Column("name", sa.Text))
sa.Index("t_val", t.c.val, unique=True{nnd})
sa.Index("t_name_c", t.c.name.collate("{coll}"))
sa.Index("t_lower_c", sa.func.lower(t.c.name).collate("C"))
sa.Index("t_with", t.c.name, postgresql_with={{"fillfactor": 70, "deduplicate_items": True}})
'''


def test_declared_nulls_not_distinct_and_collation_are_built_and_diffed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    root = _project(tmp_path)
    with temp_database("mzidx") as url:
        (root / "schema.py").write_text(_DECLARED.format(nnd=", postgresql_nulls_not_distinct=True", coll="C"))
        assert run_mizzle(["generate", "--name", "one"], cwd=root).code == 0
        assert run_mizzle(["migrate"], cwd=root, url=url).code == 0
        defs = _indexdefs(url)
        assert defs["t_val"].endswith("(val) NULLS NOT DISTINCT")
        assert defs["t_name_c"].endswith('(name COLLATE "C")')
        assert defs["t_lower_c"].endswith('(lower(name) COLLATE "C")')
        assert defs["t_with"].endswith("WITH (fillfactor='70', deduplicate_items='true')")
        assert run_mizzle(["drift"], cwd=root, url=url).code == 0
        same = run_mizzle(["generate", "--name", "same"], cwd=root)
        assert same.code == 0 and not list((root / "migrations").glob("*same*.sql")), same.stdout + same.stderr
        # each of them changed: the index is built again
        (root / "schema.py").write_text(_DECLARED.format(nnd="", coll="POSIX"))
        assert run_mizzle(["generate", "--name", "two"], cwd=root).code == 0
        sql = next((root / "migrations").glob("*two*.sql")).read_text()
        assert 'DROP INDEX "public"."t_val"' in sql or "DROP INDEX" in sql and "t_val" in sql, sql
        assert 'COLLATE "POSIX"' in sql, sql
        assert run_mizzle(["migrate"], cwd=root, url=url).code == 0
        defs = _indexdefs(url)
        assert "NULLS NOT DISTINCT" not in defs["t_val"] and defs["t_name_c"].endswith('(name COLLATE "POSIX")')
        assert run_mizzle(["drift"], cwd=root, url=url).code == 0


def test_array_dimensions_are_no_type_change(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """psqldef's MultiDimensionalArrayEquivalence cases: PostgreSQL keeps no dimensions in an array's type
    (`integer[]` and `integer[][]` are one type), so declaring other dimensions changes nothing; used to be
    refused as a type change PostgreSQL has no cast for."""
    with temp_database("mzarr") as url:
        _execute(url, "CREATE TABLE t (a integer[], b text[][], c integer[][])")
        root = _project(tmp_path)
        assert run_mizzle(["pull"], cwd=root, url=url).code == 0
        (root / "schema.py").write_text(
            "import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\nmetadata = sa.MetaData()\n"
            "sa.Table('t', metadata, sa.Column('a', postgresql.ARRAY(sa.Integer, dimensions=2)),\n"
            "         sa.Column('b', postgresql.ARRAY(sa.Text, dimensions=3)),\n"
            "         sa.Column('c', postgresql.ARRAY(sa.Integer), nullable=False))\n")
        r = run_mizzle(["generate", "--name", "dims"], cwd=root)
        assert r.code == 0, r.stdout + r.stderr
        sql = next((root / "migrations").glob("*dims*.sql")).read_text()
        assert "TYPE" not in sql and 'ALTER COLUMN "c" SET NOT NULL' in sql, sql
        assert run_mizzle(["migrate"], cwd=root, url=url).code == 0
        check = run_mizzle(["generate", "--check"], cwd=root, url=url)
        assert check.code == 0, check.stdout + check.stderr
