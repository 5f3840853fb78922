"""A column of an extension's type (pgvector's `vector(1024)`, the type of vercel-labs/ai-sdk-preview-rag's and
lobehub/lobe-chat's embeddings) with no migration that creates the extension: `generate` wrote the CREATE TABLE
without a word, and `migrate` failed on the server (`type "vector" does not exist`). `generate` now warns, once,
where the schema code starts to use the type; not when the code declares the extension, nor when the folder's
SQL creates it (a drizzle-kit folder: its snapshots have no field for extensions)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

SCHEMA = '''
import sqlalchemy as sa
from sqlalchemy.types import UserDefinedType
{ext}

class Vector(UserDefinedType):
    cache_ok = True
    def __init__(self, dim): self.dim = dim
    def get_col_spec(self, **kw): return f"vector({{self.dim}})"

metadata = sa.MetaData()
embeddings = sa.Table("embeddings", metadata, sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("embedding", Vector(1024)){more})
'''
EXT = 'from mizzle.pg import Extension\nvector_ext = Extension("vector")'


def _warned(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if "extension's type" in ln]


def _project(root: Path, ext: str = "", more: str = "") -> None:
    (root / "schema.py").write_text(SCHEMA.format(ext=ext, more=more), encoding="utf-8")
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n',
                                      encoding="utf-8")


def test_a_vector_column_without_the_extension_is_warned_of_once(tmp_path: Path,
                                                                  run_mizzle: Callable[..., object]) -> None:
    _project(tmp_path)
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    assert _warned(r.stderr) == [  # type: ignore[attr-defined]
        'warning: column embeddings.embedding is of type vector(1024), the vector extension\'s type, and no '
        'migration creates the extension: declare mizzle.pg.Extension("vector") in the schema code (or CREATE '
        'EXTENSION vector in an earlier migration); the statement fails where the database lacks it'], r.stderr  # type: ignore[attr-defined]
    _project(tmp_path, more=', sa.Column("other", Vector(3))')  # the type was used before: said once
    r = run_mizzle(["generate", "--name", "other"], cwd=tmp_path)
    assert r.code == 0 and not _warned(r.stderr), r.stderr  # type: ignore[attr-defined]


def test_no_warning_where_the_extension_is_declared_or_the_sql_creates_it(tmp_path: Path,
                                                                          run_mizzle: Callable[..., object]) -> None:
    declared = tmp_path / "declared"
    declared.mkdir()
    _project(declared, ext=EXT)
    r = run_mizzle(["generate", "--name", "init"], cwd=declared)
    assert r.code == 0 and not _warned(r.stderr), r.stderr  # type: ignore[attr-defined]
    by_sql = tmp_path / "by_sql"
    by_sql.mkdir()
    (by_sql / "schema.py").write_text("import sqlalchemy as sa\nmetadata = sa.MetaData()\n", encoding="utf-8")
    (by_sql / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n')
    r = run_mizzle(["generate", "--custom", "--name", "vector"], cwd=by_sql)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    custom = next((by_sql / "drizzle").glob("*_vector.sql"))
    custom.write_text(custom.read_text() + "CREATE EXTENSION IF NOT EXISTS vector;\n")
    _project(by_sql)
    r = run_mizzle(["generate", "--name", "init"], cwd=by_sql)
    assert r.code == 0 and not _warned(r.stderr), r.stderr  # type: ignore[attr-defined]


UUID_SCHEMA = '''
import sqlalchemy as sa
{ext}
metadata = sa.MetaData()
accounts = sa.Table("accounts", metadata,
                    sa.Column("id", sa.Uuid, primary_key=True, server_default=sa.text("uuid_generate_v4()")){more})
'''


def test_a_default_calling_an_extensions_function_is_warned_of_once(tmp_path: Path,
                                                                    run_mizzle: Callable[..., object]) -> None:
    # Dify's models: `id` server defaults call uuid_generate_v4() (uuid-ossp), which its Alembic migrations create
    def project(root: Path, ext: str = "", more: str = "") -> None:
        root.mkdir(exist_ok=True)
        (root / "schema.py").write_text(UUID_SCHEMA.format(ext=ext, more=more), encoding="utf-8")
        (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n')

    def warned(stderr: str) -> list[str]:
        return [ln for ln in stderr.splitlines() if "extension's function" in ln]

    plain = tmp_path / "plain"
    project(plain)
    r = run_mizzle(["generate", "--name", "init"], cwd=plain)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    assert warned(r.stderr) == [  # type: ignore[attr-defined]
        'warning: default of accounts.id calls uuid_generate_v4(), the uuid-ossp extension\'s function, and no '
        'migration creates the extension: declare mizzle.pg.Extension("uuid-ossp") in the schema code (or CREATE '
        'EXTENSION "uuid-ossp" in an earlier migration); the statement fails where the database lacks it'], \
        r.stderr  # type: ignore[attr-defined]
    project(plain, more=', sa.Column("ref", sa.Uuid, server_default=sa.text("uuid_generate_v4()"))')
    r = run_mizzle(["generate", "--name", "ref"], cwd=plain)  # called before: said once
    assert r.code == 0 and not warned(r.stderr), r.stderr  # type: ignore[attr-defined]
    declared = tmp_path / "declared"
    project(declared, ext='from mizzle.pg import Extension\nuuid_ossp = Extension("uuid-ossp")')
    r = run_mizzle(["generate", "--name", "init"], cwd=declared)
    assert r.code == 0 and not warned(r.stderr), r.stderr  # type: ignore[attr-defined]
# Netflix Lemur's certificates and domains (lemur/certificates/models.py): trigram indexes,
# Index("ix_certificates_cn", "cn", postgresql_ops={"cn": "gin_trgm_ops"}, postgresql_using="gin"); its Alembic
# history creates pg_trgm (CREATE EXTENSION in revision ee827d1e1974), the models do not declare it
TRGM = '''
import sqlalchemy as sa
{ext}
metadata = sa.MetaData()
certificates = sa.Table("certificates", metadata, sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("cn", sa.String(128)), sa.Column("name", sa.String(256)))
sa.Index("ix_certificates_cn", certificates.c.cn, postgresql_ops={{"cn": "gin_trgm_ops"}}, postgresql_using="gin")
sa.Index("ix_certificates_name", certificates.c.name, postgresql_ops={{"name": "gin_trgm_ops"}},
         postgresql_using="gin")
'''


def test_an_index_of_an_extensions_operator_class_is_warned_of(tmp_path: Path,
                                                                run_mizzle: Callable[..., object]) -> None:
    # the first migration of Lemur's models failed on a new database at its first trigram index (operator class
    # "gin_trgm_ops" does not exist for access method "gin"), with no word from generate
    (tmp_path / "schema.py").write_text(TRGM.format(ext=""), encoding="utf-8")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    assert [ln for ln in r.stderr.splitlines() if "extension's operator class" in ln] == [  # type: ignore[attr-defined]
        "warning: index ix_certificates_cn on certificates (and 1 more) uses gin_trgm_ops, the pg_trgm extension's "
        "operator class, and no migration creates the extension: declare "
        'mizzle.pg.Extension("pg_trgm") in the schema code (or CREATE EXTENSION pg_trgm in an earlier migration); '
        "the statement fails where the database lacks it"], r.stderr  # type: ignore[attr-defined]
    declared = tmp_path / "declared"
    declared.mkdir()
    (declared / "schema.py").write_text(TRGM.format(ext='from mizzle.pg import Extension\ntrgm = Extension("pg_trgm")'))
    (declared / "mizzle.toml").write_text((tmp_path / "mizzle.toml").read_text())
    r = run_mizzle(["generate", "--name", "init"], cwd=declared)
    assert r.code == 0 and "operator class" not in r.stderr, r.stderr  # type: ignore[attr-defined]


def test_an_extension_still_used_is_not_dropped(tmp_path: Path, run_mizzle: Callable[..., object],
                                                pg_url: Callable[..., str]) -> None:
    # Lemur's database pulled (the baseline declares Extension("pg_trgm")), then `schema` pointed at Lemur's models,
    # which do not declare it: generate wrote DROP EXTENSION "pg_trgm" beside the kept trigram index, and migrate
    # failed (index ix_certificates_cn depends on operator class gin_trgm_ops)
    ext = 'from mizzle.pg import Extension\ntrgm = Extension("pg_trgm")'
    (tmp_path / "schema.py").write_text(TRGM.format(ext=ext), encoding="utf-8")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n')
    assert run_mizzle(["generate", "--name", "init"], cwd=tmp_path).code == 0  # type: ignore[attr-defined]
    (tmp_path / "schema.py").write_text(TRGM.format(ext=""), encoding="utf-8")
    r = run_mizzle(["generate", "--name", "no_ext"], cwd=tmp_path)
    assert r.code == 2, r.stdout + r.stderr  # type: ignore[attr-defined]
    assert r.first_error_line == (  # type: ignore[attr-defined]
        'error: the schema code no longer declares mizzle.pg.Extension("pg_trgm"), but index ix_certificates_cn on '
        "certificates (operator class gin_trgm_ops) still needs it: DROP EXTENSION would fail on the server")
    assert not list((tmp_path / "drizzle").glob("0001_*")), "nothing written"
    # the indexes go too: the extension may go
    (tmp_path / "schema.py").write_text("import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
                                        'sa.Table("certificates", metadata, sa.Column("id", sa.Integer, primary_key=True),'
                                        ' sa.Column("cn", sa.String(128)), sa.Column("name", sa.String(256)))\n')
    r = run_mizzle(["generate", "--name", "no_trgm"], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr  # type: ignore[attr-defined]
    assert 'DROP EXTENSION "pg_trgm"' in next((tmp_path / "drizzle").glob("0001_*.sql")).read_text()
    m = run_mizzle(["migrate"], cwd=tmp_path, url=pg_url())
    assert m.code == 0, m.stdout + m.stderr  # type: ignore[attr-defined]


GIST = '''
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
{ext}

metadata = sa.MetaData()
bookings = sa.Table("bookings", metadata, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("room_id", sa.Uuid), sa.Column("during", pg.TSTZRANGE), sa.Column("code", sa.Text),
                    pg.ExcludeConstraint(("room_id", "="), ("during", "&&"), name="no_overlap", using="gist"))
sa.Index("ix_bookings_code", bookings.c.code, postgresql_using="gist")
sa.Index("ix_bookings_during", bookings.c.during, postgresql_using="gist")
'''


def test_a_gist_index_or_exclusion_on_a_btree_type_is_warned_of(tmp_path: Path,
                                                                run_mizzle: Callable[..., object]) -> None:
    # `EXCLUDE USING gist (room_id WITH =, during WITH &&)` on a uuid column (a booking system's usual guard), or a
    # gist index on a text column, with no operator class: PostgreSQL takes it only from btree_gist, which gives
    # those types a default gist operator class ("data type uuid has no default operator class for access method
    # gist" otherwise); generate wrote the migration without a word. A range column has gist's own default
    (tmp_path / "schema.py").write_text(GIST.format(ext=""), encoding="utf-8")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    assert [ln for ln in r.stderr.splitlines() if "btree_gist" in ln] == [  # type: ignore[attr-defined]
        "warning: exclusion constraint no_overlap on bookings (and 1 more) uses gist on a column of type uuid, "
        "which only the btree_gist extension gives a gist operator class, and no migration creates the extension: "
        'declare mizzle.pg.Extension("btree_gist") in the schema code (or CREATE EXTENSION btree_gist in an earlier '
        "migration); the statement fails where the database lacks it"], r.stderr  # type: ignore[attr-defined]
    declared = tmp_path / "declared"
    declared.mkdir()
    (declared / "schema.py").write_text(GIST.format(ext='from mizzle.pg import Extension\nbg = Extension("btree_gist")'))
    (declared / "mizzle.toml").write_text((tmp_path / "mizzle.toml").read_text())
    r = run_mizzle(["generate", "--name", "init"], cwd=declared)
    assert r.code == 0 and "btree_gist" not in r.stderr, r.stderr  # type: ignore[attr-defined]
