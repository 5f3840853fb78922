"""A migration that uses an extension's type (geoalchemy2's Geometry, pgvector's Vector) on a database where the
extension was not created fails with the server's `type "geometry" does not exist`; mizzle adds one hint naming
the extension and the two ways to create it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pgtools import temp_database

pytestmark = pytest.mark.pg

SCHEMA = '''
import sqlalchemy as sa

class Geometry(sa.types.UserDefinedType):
    cache_ok = True
    def get_col_spec(self, **kw):
        return "geometry(POINT,4326)"

md = sa.MetaData()
sa.Table("place", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("at", Geometry()))

'''


def test_a_missing_extension_type_names_the_extension(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "schema.py").write_text(SCHEMA)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "migrations"\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    with temp_database("mzexttype") as url:
        r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    out = r.stdout + r.stderr
    assert r.code != 0, out
    assert 'type "geometry" does not exist (42704)' in out, out
    assert ('hint: geometry is the postgis extension\'s type: create the extension first (declare '
            'mizzle.pg.Extension("postgis") in the schema code, or CREATE EXTENSION postgis in an earlier migration)'
            in out), out


def test_advice_for_an_unknown_type_and_other_errors() -> None:
    from mizzle.dialects.postgres.runner import missing_type_advice

    assert "is no built-in type" in (missing_type_advice('type "public.mytype" does not exist') or "")
    assert "the vector extension's type" in (missing_type_advice('type "vector" does not exist') or "")
    assert missing_type_advice('relation "t" does not exist') is None


UUID_SCHEMA = '''
import sqlalchemy as sa

md = sa.MetaData()
sa.Table("accounts", md, sa.Column("id", sa.Uuid, primary_key=True, server_default=sa.text("uuid_generate_v4()")))
'''


def test_a_missing_extension_function_names_the_extension(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # Dify's models: `id` columns default to uuid_generate_v4() (uuid-ossp), which its Alembic migrations create;
    # generated from the models alone, the first migration failed with the server's message and no hint
    (tmp_path / "schema.py").write_text(UUID_SCHEMA)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "migrations"\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    with temp_database("mzextfn") as url:
        r = run_mizzle(["migrate"], cwd=tmp_path, url=url)
    out = r.stdout + r.stderr
    assert r.code != 0, out
    assert "function uuid_generate_v4() does not exist (42883)" in out, out
    assert ('hint: uuid_generate_v4() is the uuid-ossp extension\'s function: create the extension first (declare '
            'mizzle.pg.Extension("uuid-ossp") in the schema code, or CREATE EXTENSION "uuid-ossp" in an earlier '
            'migration)' in out), out


def test_advice_for_functions() -> None:
    from mizzle.dialects.postgres.runner import missing_function_advice

    assert "pgcrypto extension's function" in (missing_function_advice(
        "function gen_random_bytes(integer) does not exist") or "")
    assert "uuid-ossp" in (missing_function_advice("function public.uuid_generate_v1mc() does not exist") or "")
    assert missing_function_advice("function my_own(integer) does not exist") is None
    assert missing_function_advice("operator does not exist: text = integer") is None
def test_a_missing_extension_operator_class_names_the_extension() -> None:
    # Netflix Lemur's trigram indexes on a database without pg_trgm: the server says only that the operator class
    # does not exist
    from mizzle.dialects.postgres.runner import missing_type_advice

    assert missing_type_advice('operator class "gin_trgm_ops" does not exist for access method "gin"') == (
        'gin_trgm_ops is the pg_trgm extension\'s operator class: create the extension first (declare '
        'mizzle.pg.Extension("pg_trgm") in the schema code, or CREATE EXTENSION pg_trgm in an earlier migration); '
        'the server must have it installed (pg_available_extensions)')
    assert missing_type_advice('operator class "my_ops" does not exist for access method "btree"') is None
