"""Sequences PostgreSQL names itself: a serial column's own `<table>_<column>_seq` meeting an explicit
sa.Sequence of that name, and identity sequences when their table or column is renamed. After every step:
the migration applies, generate --check is clean, and the database reads back as the schema code's model."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pg_project import fresh_config, write_project
from pgtools import temp_database

import mizzle
from mizzle.commands.generate import generate, load_code_schema
from mizzle.dialects.postgres.introspect import Scope
from mizzle.errors import SchemaLoadError
from mizzle.schema.diff import Renames, diff
from mizzle.sources.database import introspect_url

pytestmark = pytest.mark.pg

HEAD = "import sqlalchemy as sa\nmd = sa.MetaData()\n"
SERIAL = HEAD + 'users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))\n'
# the serial's own sequence spelled out, on the column or standalone in the metadata
ON_COLUMN = SERIAL.replace('sa.Integer, primary_key', 'sa.Integer, sa.Sequence("users_id_seq"), primary_key')
STANDALONE = SERIAL + 'seq = sa.Sequence("users_id_seq", metadata=md)\n'
# an explicit sequence of that name with options of its own: a real sequence the column's default uses
CUSTOM = SERIAL.replace('sa.Integer, primary_key', 'sa.Integer, sa.Sequence("users_id_seq", start=5), primary_key')
IDENTITY = HEAD + ('users = sa.Table("users", md, sa.Column("id", sa.Integer, sa.Identity(always=True, start=10), '
                   'primary_key=True), sa.Column("n", sa.BigInteger, sa.Identity()))\n')


def _history(tmp_path: Path, steps: list[tuple[str, dict[str, str]]]) -> list[list[str]]:
    """Generate and apply each step; return each step's change summary."""
    summaries = []
    with temp_database("mzseq") as url:
        for n, (source, renames) in enumerate(steps):
            write_project(tmp_path, source)
            result = generate(fresh_config(tmp_path), name=f"step{n}", renames=renames)
            summaries.append(result.changes)
            mizzle.migrate(url=url, folder=tmp_path / "migrations")  # raises if a statement fails
            again = generate(fresh_config(tmp_path), check=True)  # IntegrityError (exit 3) if anything is left
            assert not again.changes
            live = introspect_url(url, Scope(exclude_schemas=("drizzle",)))
            code, _ = load_code_schema(fresh_config(tmp_path))
            left = [c.describe() for c in diff(live, code, Renames(none=True))]
            assert left == [], f"step {n}: the database differs from the schema code: {left}"
    return summaries


def test_sequence_on_a_column_named_like_a_serials_own_is_a_sequence_and_no_default(tmp_path: Path) -> None:
    # what create_all makes of Column(Integer, Sequence("users_id_seq"), primary_key=True) (flask-appbuilder's
    # ab_user.id): a free-standing sequence and a plain integer key, whatever the Sequence's name
    summaries = _history(tmp_path, [(ON_COLUMN, {}), (SERIAL, {}), (ON_COLUMN, {})])
    assert summaries[0] == ["+ sequence users_id_seq", "+ table users (2 columns)"]
    sql = (tmp_path / "migrations").glob("0000_*.sql").__next__().read_text()
    assert 'CREATE SEQUENCE "public"."users_id_seq"' in sql and '"id" integer PRIMARY KEY' in sql
    assert "nextval" not in sql


def test_serial_outside_the_key_is_declared_in_info(tmp_path: Path) -> None:
    # how `pull` writes a serial column that is not the autoincrement key
    declared = SERIAL.replace('sa.Column("name", sa.Text)', 'sa.Column("n", sa.Integer, info={"mizzle": {"serial": True}})')
    summaries = _history(tmp_path, [(declared, {})])
    assert summaries[0] == ["+ table users (2 columns)"]
    sql = (tmp_path / "migrations").glob("0000_*.sql").__next__().read_text()
    assert '"n" serial NOT NULL' in sql and "CREATE SEQUENCE" not in sql
    write_project(tmp_path, declared.replace("sa.Integer, info", "sa.Text, info"))
    with pytest.raises(SchemaLoadError, match=r"users\.n: info mizzle serial needs an integer type"):
        generate(fresh_config(tmp_path))


def test_serial_and_explicit_sequence_of_the_same_name_hand_over(tmp_path: Path) -> None:
    summaries = _history(tmp_path, [(SERIAL, {}), (CUSTOM, {}), (SERIAL, {}), (CUSTOM, {})])
    assert "+ sequence users_id_seq (taken over from its serial column)" in summaries[1]
    assert "- sequence users_id_seq (now its serial column's own)" in summaries[2]
    texts = [p.read_text() for p in sorted((tmp_path / "migrations").glob("*.sql"))]
    assert "CREATE SEQUENCE" not in texts[1] and "DROP SEQUENCE" not in texts[1]
    assert "DROP SEQUENCE" not in texts[2]


def test_standalone_sequence_clashing_with_a_serial_is_refused(tmp_path: Path) -> None:
    write_project(tmp_path, SERIAL + 'seq = sa.Sequence("users_id_seq", start=7, metadata=md)\n')
    with pytest.raises(SchemaLoadError, match=r"users_id_seq.*serial column users\.id"):
        generate(fresh_config(tmp_path))


def test_identity_sequences_follow_table_and_column_renames(tmp_path: Path) -> None:
    renamed = IDENTITY.replace('"users"', '"people"', 1)
    summaries = _history(tmp_path, [(IDENTITY, {}), (renamed, {"users": "people"}),
                                    (renamed.replace('"n"', '"m"'), {"people.n": "people.m"})])
    assert "~ column people.id: identity sequence renamed to people_id_seq" in summaries[1]
    assert "~ column people.m: identity sequence renamed to people_m_seq" in summaries[2]


def test_long_table_and_column_names_name_sequences_as_postgresql_does(tmp_path: Path) -> None:
    # `<table>_<column>_seq` over 63 bytes: PostgreSQL cuts the longer part first (makeObjectName); renaming
    # the table and the column renames the serial's sequence to the name the server would give (read from
    # PostgreSQL 15 for this table), and every step's database reads back as the schema code
    long_t, long_c = "a_table_with_a_long_name_for_sequence_tests", "a_long_column_name_for_the_key_x"
    src = HEAD + (f't = sa.Table("{long_t}", md, sa.Column("{long_c}", sa.Integer, primary_key=True), '
                  'sa.Column("n", sa.BigInteger, sa.Identity()), '
                  'sa.Column("k", sa.Integer, info={"mizzle": {"serial": True}}))\n')
    renamed = src.replace(long_t, long_t + "_renamed")
    col_renamed = renamed.replace(long_c, long_c + "_renamed")
    _history(tmp_path, [(src, {}), (renamed, {long_t: long_t + "_renamed"}),
                        (col_renamed, {f"{long_t}_renamed.{long_c}": f"{long_t}_renamed.{long_c}_renamed"})])
    sql = "\n".join(p.read_text() for p in sorted((tmp_path / "migrations").glob("*.sql")))
    # the key's sequence keeps its name through both renames (both parts cut to 29 bytes each time); k's and
    # n's follow the table
    assert '"a_table_with_a_long_name_for__a_long_column_name_for_the_ke_seq"' not in sql
    assert 'RENAME TO "a_table_with_a_long_name_for_sequence_tests_renamed_k_seq"' in sql
    assert 'RENAME TO "a_table_with_a_long_name_for_sequence_tests_renamed_n_seq"' in sql
    assert sql.count("ALTER SEQUENCE") == 2


def test_minimum_raised_above_the_current_value_restarts_only_a_sequence_left_behind(tmp_path: Path) -> None:
    # apgdiff's modify_sequence_minvalue_set: a sequence never used (current value 1) gets MINVALUE 1000 START
    # WITH 1000; PostgreSQL refused the plain ALTER ("RESTART value (1) cannot be less than MINVALUE (1000)")
    low = HEAD + 'seq = sa.Sequence("testseq", start=1, increment=10, minvalue=1, metadata=md)\n'
    raised = HEAD + 'seq = sa.Sequence("testseq", start=1000, increment=10, minvalue=1000, metadata=md)\n'
    down = HEAD + 'seq = sa.Sequence("testseq", start=-1, increment=-1, maxvalue=-1, metadata=md)\n'
    lowered = HEAD + 'seq = sa.Sequence("testseq", start=-50, increment=-1, maxvalue=-50, metadata=md)\n'
    with temp_database("mzseq") as url:
        for n, source in enumerate([low, raised, down, lowered]):
            write_project(tmp_path, source)
            generate(fresh_config(tmp_path), name=f"step{n}")
            mizzle.migrate(url=url, folder=tmp_path / "migrations")  # raises if a statement fails
            assert not generate(fresh_config(tmp_path), check=True).changes
            with psycopg.connect(url, autocommit=True) as conn:
                value = conn.execute("SELECT nextval('testseq')").fetchone()
            if n in (1, 3):  # restarted at the new START: every value it gave is outside the new range
                assert value == ({1: 1000, 3: -50}[n],)
    # a sequence past the new minimum keeps its place
    with temp_database("mzseq") as url:
        write_project(tmp_path / "b", low)
        generate(fresh_config(tmp_path / "b"), name="low")
        mizzle.migrate(url=url, folder=tmp_path / "b" / "migrations")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SELECT setval('testseq', 5001)")
        write_project(tmp_path / "b", raised)
        generate(fresh_config(tmp_path / "b"), name="raised")
        mizzle.migrate(url=url, folder=tmp_path / "b" / "migrations")
        with psycopg.connect(url, autocommit=True) as conn:
            assert conn.execute("SELECT nextval('testseq')").fetchone() == (5011,)
