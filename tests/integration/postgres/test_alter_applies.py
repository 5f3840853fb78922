"""Migrations that change existing tables, generated from real SQLAlchemy schema code and applied by `mizzle migrate`
to a database holding rows: each must apply on the real server and keep the data wherever the change allows."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pg_project import fresh_config, write_project
from pgtools import schema_dump, temp_database

import mizzle
from mizzle.commands.generate import export, generate
from mizzle.commands.revert import revert
from mizzle.errors import UsageError
from mizzle.migrations.folder import split_statements

pytestmark = pytest.mark.pg

HEAD = "import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql as pg\nmd = sa.MetaData()\n"


def step(root: Path, url: str, source: str, idempotent: bool = False) -> str:
    """Generate the migration of `source` and apply it; the SQL written."""
    write_project(root, HEAD + source)
    result = generate(fresh_config(root), idempotent=idempotent)
    assert result.written, "nothing generated"
    mizzle.migrate(url=url, folder=root / "migrations")
    assert not generate(fresh_config(root)).written, "the migration does not round-trip"
    return result.sql


def rows(url: str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with psycopg.connect(url, autocommit=True) as c:
        return c.execute(sql).fetchall()


def same_as_created(root: Path, url: str) -> None:
    with temp_database("mzcreate") as created:
        with psycopg.connect(created, autocommit=True) as c:
            for s in split_statements(export(fresh_config(root))):
                c.execute(s.sql)
        assert schema_dump(url) == schema_dump(created)


# -- 8: a foreign key after the key it references ------------------------------------------------------------

def test_fk_to_a_unique_index_is_created_after_it(tmp_path: Path) -> None:
    # Column(unique=True, index=True) is a unique *index*, not a constraint: the FK needs it to exist
    with temp_database("mzord") as url:
        step(tmp_path, url, '''
t1 = sa.Table("t1", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.Integer, unique=True, index=True))
t2 = sa.Table("t2", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.Integer, sa.ForeignKey("t1.code")))
''')
        same_as_created(tmp_path, url)


def test_fk_kept_while_the_key_it_references_is_rebuilt(tmp_path: Path) -> None:
    with temp_database("mzord") as url:
        step(tmp_path, url, '''
t1 = sa.Table("t1", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.Integer, unique=True))
t2 = sa.Table("t2", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.Integer, sa.ForeignKey("t1.code")))
''')
        rows(url, "INSERT INTO t1 VALUES (1, 10) RETURNING id")
        rows(url, "INSERT INTO t2 VALUES (1, 10) RETURNING id")
        # the unique constraint becomes a unique index: the FK depends on the constraint's index
        step(tmp_path, url, '''
t1 = sa.Table("t1", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.Integer, unique=True, index=True))
t2 = sa.Table("t2", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.Integer, sa.ForeignKey("t1.code")))
''')
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT code FROM t2") == [(10,)]


def test_fk_renamed_while_the_key_it_references_is_rebuilt(tmp_path: Path) -> None:
    # Tracecat's case_dropdown_option: Alembic's fk_case_dropdown_option_definition, named
    # fk_<table>_<column>_<ref> by the models' naming convention, references a unique constraint the models
    # declare as a unique index (Column(unique=True, index=True)): the rename kept the FK while its key was
    # dropped (PostgreSQL: 2BP01 "other objects depend on it")
    schema = '''
t1 = sa.Table("t1", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.Integer{unique}))
t2 = sa.Table("t2", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.Integer),
              sa.ForeignKeyConstraint(["code"], ["t1.code"], name="{fk}"))
'''
    with temp_database("mzord") as url:
        step(tmp_path, url, schema.format(unique=", unique=True", fk="t2_old_fk"))
        rows(url, "INSERT INTO t1 VALUES (1, 10) RETURNING id")
        rows(url, "INSERT INTO t2 VALUES (1, 10) RETURNING id")
        sql = step(tmp_path, url, schema.format(unique=", unique=True, index=True", fk="t2_code_fk"),
                   idempotent=True)
        with psycopg.connect(url, autocommit=True) as c:  # whole again: it drops the key it made, not the old one
            for s in split_statements(sql):
                c.execute(s.sql)
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT code FROM t2") == [(10,)]


def test_keys_and_the_columns_they_reference_change_type_together(tmp_path: Path) -> None:
    # reactive-resume's user.id and the columns referencing it, uuid made text (its migration, written by hand,
    # drops the foreign keys first): `mizzle revert` of it, uuid again, failed under drizzle-orm with "foreign key
    # constraint account_user_id_user_id_fkey cannot be implemented", as did `generate` of the same change: the
    # keys stayed while the types on their two sides changed one ALTER at a time
    tables = """
user = sa.Table("user", md, sa.Column("id", {t}, primary_key=True))
account = sa.Table("account", md, sa.Column("id", {t}, primary_key=True),
    sa.Column("user_id", {t}, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False))
session = sa.Table("session", md, sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", {t}, sa.ForeignKey("user.id")))
"""
    with temp_database("mzretype") as url:
        step(tmp_path, url, tables.format(t="pg.UUID"))
        uid = "0b8f8e2a-4c55-4a6e-9a55-0f4f3e0c2d11"
        rows(url, f"INSERT INTO \"user\" VALUES ('{uid}') RETURNING id")
        rows(url, f"INSERT INTO account VALUES ('{uid}', '{uid}') RETURNING id")
        rows(url, f"INSERT INTO session VALUES (1, '{uid}') RETURNING id")
        step(tmp_path, url, tables.format(t="sa.Text"))
        step(tmp_path, url, tables.format(t="pg.UUID"))
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT user_id::text FROM account") == [(uid,)]


def test_fk_renamed_while_the_columns_it_joins_change_type(tmp_path: Path) -> None:
    # the case above with the foreign key renamed too (Tracecat's Alembic-made fk_case_dropdown_* keys, renamed to
    # its naming convention's names, showed a renamed key was not "staying"): RENAME CONSTRAINT kept it through the
    # ALTER COLUMN … TYPE, "foreign key constraint old_fk cannot be implemented" (42804); now renamed, then dropped
    # and made again as a kept one
    schema = '''
t1 = sa.Table("t1", md, sa.Column("id", {t}, primary_key=True))
t2 = sa.Table("t2", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("r", {t}),
              sa.ForeignKeyConstraint(["r"], ["t1.id"], name="{fk}"))
'''
    with temp_database("mzretype") as url:
        step(tmp_path, url, schema.format(t="sa.Integer", fk="old_fk"))
        rows(url, "INSERT INTO t1 VALUES (1) RETURNING id")
        rows(url, "INSERT INTO t2 VALUES (1, 1) RETURNING id")
        sql = step(tmp_path, url, schema.format(t="sa.Text", fk="new_fk"))
        assert 'DROP CONSTRAINT "new_fk"' in sql and 'ADD CONSTRAINT "new_fk"' in sql
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT r FROM t2") == [("1",)]


def test_a_renamed_primary_key_is_renamed_not_rebuilt(tmp_path: Path) -> None:
    # OpenStack models: a composite key named p1 → p2 was dropped and added again, with every foreign key
    # referencing it (two ACCESS EXCLUSIVE rebuilds, lint MZ203/MZ206); RENAME CONSTRAINT renames it and its index
    schema = '''
a = sa.Table("a", md, sa.Column("x", sa.Integer), sa.Column("y", sa.Integer), sa.PrimaryKeyConstraint("x", "y", name="p1"))
b = sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Integer), sa.Column("y", sa.Integer),
             sa.ForeignKeyConstraint(["x", "y"], ["a.x", "a.y"], name="b_a_fk"))
'''
    with temp_database("mzpk") as url:
        step(tmp_path, url, schema)
        rows(url, "INSERT INTO a VALUES (1, 2) RETURNING x")
        sql = step(tmp_path, url, schema.replace('name="p1"', 'name="p2"'))
        assert 'RENAME CONSTRAINT "p1" TO "p2"' in sql and "DROP CONSTRAINT" not in sql, sql
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT x, y FROM a") == [(1, 2)]


def test_dropped_table_frees_its_name_for_a_sequence(tmp_path: Path) -> None:
    with temp_database("mzord") as url:
        step(tmp_path, url, 'counter = sa.Table("counter", md, sa.Column("id", sa.Integer, primary_key=True))\n'
                            'keep = sa.Table("keep", md, sa.Column("id", sa.Integer, primary_key=True))\n')
        step(tmp_path, url, 'seq = sa.Sequence("counter", metadata=md)\n'
                            'keep = sa.Table("keep", md, sa.Column("id", sa.Integer, primary_key=True))\n')
        assert rows(url, "SELECT nextval('counter')") == [(1,)]



def test_a_new_tables_key_takes_the_name_a_renamed_key_leaves(tmp_path: Path) -> None:
    # Open WebUI 0.12.4: its Alembic history renames `config` to `config_old` (its key stays `config_pkey`) and makes a
    # new `config`, keyed `config_pkey1`. A migration from that database to its models (drop config_old, key
    # unnamed) renames config_pkey1 to config_pkey after the drop; `mizzle revert` of it made config_old again, with
    # its `config_pkey`, before renaming config's key back: "relation config_pkey already exists"
    with temp_database("mzord") as url:
        step(tmp_path, url, 'config = sa.Table("config", md, sa.Column("key", sa.Text), '
                            'sa.PrimaryKeyConstraint("key", name="config_pkey"))\n')
        rows(url, "INSERT INTO config VALUES ('k') RETURNING key")
        step(tmp_path, url, 'config = sa.Table("config", md, sa.Column("key", sa.Text), '
                            'sa.PrimaryKeyConstraint("key", name="config_pkey1"))\n'
                            'config_old = sa.Table("config_old", md, sa.Column("id", sa.Integer), '
                            'sa.PrimaryKeyConstraint("id", name="config_pkey"), sa.UniqueConstraint("id", name="u1"))\n'
                            'other = sa.Table("other", md, sa.Column("id", sa.Integer, primary_key=True))\n')
        # a unique constraint's and an index's name too, and an unnamed key's `<table>_pkey`
        step(tmp_path, url, 'config = sa.Table("config", md, sa.Column("key", sa.Text), '
                            'sa.PrimaryKeyConstraint("key", name="other_pkey"))\n'
                            'config_old = sa.Table("config_old", md, sa.Column("id", sa.Integer), '
                            'sa.PrimaryKeyConstraint("id", name="config_pkey2"), sa.UniqueConstraint("id", name="u2"))\n'
                            'other = sa.Table("other", md, sa.Column("id", sa.Integer), sa.Column("n", sa.Integer), '
                            'sa.PrimaryKeyConstraint("id", name="other_pkey1"))\n'
                            'fresh = sa.Table("fresh", md, sa.Column("id", sa.Integer), '
                            'sa.PrimaryKeyConstraint("id", name="config_pkey"), sa.UniqueConstraint("id", name="u1"))\n')
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT key FROM config") == [("k",)]

# -- 9, 10: serial and identity --------------------------------------------------------------------------------

def test_serial_to_plain_integer_keeps_values(tmp_path: Path) -> None:
    with temp_database("mzser") as url:
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Text))\n')
        rows(url, "INSERT INTO t (v) VALUES ('a'), ('b') RETURNING id")
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False), '
                            'sa.Column("v", sa.Text))\n')
        assert rows(url, "SELECT id, v FROM t ORDER BY id") == [(1, "a"), (2, "b")]
        assert rows(url, "SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace") == [(0,)]
        same_as_created(tmp_path, url)


def test_identity_added_to_a_nullable_column_and_dropped_again(tmp_path: Path) -> None:
    with temp_database("mzident") as url:
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))\n')
        rows(url, "INSERT INTO t (n) VALUES (5), (6) RETURNING id")
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), '
                            'sa.Column("n", sa.Integer, sa.Identity(start=100)))\n')
        same_as_created(tmp_path, url)
        rows(url, "INSERT INTO t DEFAULT VALUES RETURNING id")
        assert rows(url, "SELECT n FROM t ORDER BY id") == [(5,), (6,), (100,)]
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))\n')
        same_as_created(tmp_path, url)
        rows(url, "INSERT INTO t DEFAULT VALUES RETURNING id")
        assert rows(url, "SELECT n FROM t ORDER BY id") == [(5,), (6,), (100,), (None,)]


# -- 11: enum conversions --------------------------------------------------------------------------------------

def test_enum_to_another_enum_to_text_and_back(tmp_path: Path) -> None:
    e1 = 'e1 = sa.Enum("a", "b", name="e1", metadata=md)\n'
    e2 = 'e2 = sa.Enum("b", "a", "c", name="e2", metadata=md)\n'
    table = 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", {}, server_default="a"))\n'
    with temp_database("mzenum") as url:
        step(tmp_path, url, e1 + table.format("e1"))
        rows(url, "INSERT INTO t (v) VALUES ('a'), ('b') RETURNING id")
        for source in (e1 + e2 + table.format("e2"), table.format("sa.Text"), e2 + table.format("e2")):
            step(tmp_path, url, source)
            same_as_created(tmp_path, url)
            assert rows(url, "SELECT v::text FROM t ORDER BY id") == [("a",), ("b",)]


def test_column_leaves_an_enum_that_loses_a_value(tmp_path: Path) -> None:
    # found by the property test: the enum was rebuilt (DROP TYPE) while the column still used it
    with temp_database("mzenum") as url:
        step(tmp_path, url, 'e1 = sa.Enum("x", "y", name="e1", metadata=md)\n'
                            't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", e1))\n')
        rows(url, "INSERT INTO t (c) VALUES ('y') RETURNING id")
        step(tmp_path, url, 'e1 = sa.Enum("x", name="e1", metadata=md)\n'
                            't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", sa.Text))\n')
        assert rows(url, "SELECT c FROM t") == [("y",)]
        same_as_created(tmp_path, url)


def test_check_on_a_column_whose_type_changes(tmp_path: Path) -> None:
    # found by the property test: PostgreSQL stores `length((c)::text)` on a text column as `length(c)`, and
    # checks that form again after the type change ("function length(integer) does not exist")
    table = 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", {}), ' \
            'sa.CheckConstraint("length((c)::text) < 40", name="t_c_check"))\n'
    with temp_database("mzcheck") as url:
        step(tmp_path, url, table.format("sa.Text"))
        rows(url, "INSERT INTO t (c) VALUES ('12') RETURNING id")
        step(tmp_path, url, table.format("sa.Integer"))
        assert rows(url, "SELECT c FROM t") == [(12,)]
        same_as_created(tmp_path, url)


def test_partial_index_on_a_column_made_an_enum(tmp_path: Path) -> None:
    # coder's chat_messages.role, text made an enum under a partial index `WHERE role = 'system'`: the index was
    # kept (casts on literals compare equal), and PostgreSQL, rebuilding it in the form it stored, refused the type
    # change ("operator does not exist: chat_message_role = text"); it goes before, and is made again after
    table = ('role = pg.ENUM("system", "user", name="chat_message_role", metadata=md)\n'
             't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("role", {}))\n'
             'sa.Index("t_system_idx", t.c.id, postgresql_where=sa.text("role = {}"))\n')
    with temp_database("mzpartenum") as url:
        step(tmp_path, url, table.format("sa.Text", "'system'::text"))
        rows(url, "INSERT INTO t (id, role) VALUES (1, 'system') RETURNING id")
        sql = step(tmp_path, url, table.format("role", "'system'::chat_message_role"))
        assert sql.index('DROP INDEX "public"."t_system_idx"') < sql.index("SET DATA TYPE") \
            < sql.index('CREATE INDEX "t_system_idx"'), sql
        assert rows(url, "SELECT role::text FROM t") == [("system",)]
        same_as_created(tmp_path, url)



def test_renamed_expression_index_on_a_retyped_column(tmp_path: Path) -> None:
    # concourse's resource_caches: a unique index on md5(version), version text made jsonb and the index made again
    # as `…_uniq` on md5(version::text). The index read as renamed (casts compare equal) and the RENAME left the old
    # index for ALTER TYPE to rebuild in the form it stored: "function md5(jsonb) does not exist"
    table = ('t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("version", {}))\n'
             'sa.Index("{}", {}, unique=True)\n')
    with temp_database("mzrenidx") as url:
        step(tmp_path, url, table.format("sa.Text", "t_version_key", "sa.func.md5(t.c.version)"))
        rows(url, """INSERT INTO t (id, version) VALUES (1, '{"ref": "a"}') RETURNING id""")
        sql = step(tmp_path, url, table.format("pg.JSONB", "t_version_uniq", "sa.func.md5(sa.cast(t.c.version, sa.Text))"))
        assert sql.index('DROP INDEX "public"."t_version_key"') < sql.index("SET DATA TYPE") \
            < sql.index('CREATE UNIQUE INDEX "t_version_uniq"'), sql
        assert "RENAME" not in sql, sql
        same_as_created(tmp_path, url)


def test_a_column_renamed_whose_old_name_a_new_column_takes(tmp_path: Path) -> None:
    # concourse's build_events: `RENAME COLUMN build_id TO build_id_old`, then a new bigint `build_id`. With
    # `--rename ev.build_id=ev.build_id_old` generate retyped build_id in place and added an empty build_id_old (the
    # rows' ids in the other column than the source migration's) and said nothing; then it said "not applied". The
    # old name being given to a new column, the rename now applies: the ids move to build_id_old
    table = 'ev = sa.Table("ev", md, sa.Column("id", sa.Integer, primary_key=True), {})\n'
    with temp_database("mzrenreuse") as url:
        step(tmp_path, url, table.format('sa.Column("build_id", sa.Integer)'))
        rows(url, "INSERT INTO ev (id, build_id) VALUES (1, 42) RETURNING id")
        write_project(tmp_path, HEAD + table.format('sa.Column("build_id_old", sa.Integer), '
                                                    'sa.Column("build_id", sa.BigInteger)'))
        result = generate(fresh_config(tmp_path), renames={"ev.build_id": "ev.build_id_old"})
        assert not [w for w in result.warnings if "not applied" in w], result.warnings
        assert 'RENAME COLUMN "build_id" TO "build_id_old"' in result.sql and "SET DATA TYPE" not in result.sql
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        assert rows(url, "SELECT build_id_old, build_id FROM ev") == [(42, None)]
        assert not generate(fresh_config(tmp_path)).written
        same_as_created(tmp_path, url)


def test_a_rename_flag_that_was_not_applied_is_said(tmp_path: Path) -> None:
    # a --rename whose new name the code does not add: said, not ignored without a word
    table = 'ev = sa.Table("ev", md, sa.Column("id", sa.Integer, primary_key=True), {})\n'
    write_project(tmp_path, HEAD + table.format('sa.Column("build_id", sa.Integer)'))
    generate(fresh_config(tmp_path))
    write_project(tmp_path, HEAD + table.format('sa.Column("build_id", sa.BigInteger)'))
    result = generate(fresh_config(tmp_path), renames={"ev.build_id": "ev.build_id_old"})
    assert [w for w in result.warnings if w.startswith("--rename ev.build_id=ev.build_id_old not applied")], \
        result.warnings

# -- 12: generated → plain --------------------------------------------------------------------------------------

def test_generated_column_becomes_plain_and_keeps_its_values(tmp_path: Path) -> None:
    with temp_database("mzgen") as url:
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), '
                            'sa.Column("g", sa.Integer, sa.Computed("id * 10")))\n')
        rows(url, "INSERT INTO t (id) VALUES (1), (2) RETURNING id")
        sql = step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), '
                                  'sa.Column("g", sa.Integer))\n')
        assert "DROP EXPRESSION" in sql
        assert rows(url, "SELECT g FROM t ORDER BY id") == [(10,), (20,)]
        same_as_created(tmp_path, url)


# -- 13: no cast → refused, unless the schema code says how ---------------------------------------------------

def test_type_change_without_a_cast_is_refused_then_converted_as_told(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mzcast") as url:
        step(tmp_path, url, 'ev = sa.Table("ev", md, sa.Column("id", sa.Integer, primary_key=True), '
                            'sa.Column("at", sa.BigInteger), sa.Column("flag", sa.Integer))\n')
        rows(url, "INSERT INTO ev (at, flag) VALUES (86400, 1) RETURNING id")
        write_project(tmp_path, HEAD + 'ev = sa.Table("ev", md, sa.Column("id", sa.Integer, primary_key=True), '
                                       'sa.Column("at", sa.DateTime(timezone=True)), sa.Column("flag", sa.Boolean))\n')
        with pytest.raises(UsageError) as e:
            generate(fresh_config(tmp_path))
        assert e.value.exit_code == 2
        assert "ev.at from bigint to timestamp with time zone" in e.value.message
        assert '"using"' in str(e.value)
        r = run_mizzle(["generate"], cwd=tmp_path)
        assert r.code == 2 and "ev.at" in r.first_error_line, r.stderr
        assert len(list((tmp_path / "migrations").glob("*.sql"))) == 1  # nothing written
        # integer → boolean has a cast: only the bigint → timestamp needs the schema code's expression
        step(tmp_path, url, 'ev = sa.Table("ev", md, sa.Column("id", sa.Integer, primary_key=True), '
                            'sa.Column("at", sa.DateTime(timezone=True), info={"mizzle": {"using": "to_timestamp(at)"}}), '
                            'sa.Column("flag", sa.Boolean))\n')
        assert rows(url, "SELECT extract(epoch FROM at)::int, flag FROM ev") == [(86400, True)]
        same_as_created(tmp_path, url)


# -- 14: idempotent files rerun after any prefix ---------------------------------------------------------------

def test_idempotent_drop_of_a_table_with_foreign_keys_reruns(tmp_path: Path) -> None:
    first = '''
md = sa.MetaData(schema="analytics", info={"mizzle": {"schemas": ["analytics"]}})
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))
'''
    events = '''
events = sa.Table("events", md, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("user_id", sa.Integer, sa.ForeignKey("analytics.users.id")),
                  sa.Column("at", sa.BigInteger), sa.Column("g", sa.Integer, sa.Computed("id + 1")))
'''
    with temp_database("mzidem") as url:
        step(tmp_path, url, first + events, idempotent=True)
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("INSERT INTO analytics.users VALUES (1)")
            c.execute("INSERT INTO analytics.events (id, user_id, at) VALUES (1, 1, 0)")
        # a column conversion by the schema code's expression and a generated column made plain: rerunnable too
        changed = events.replace('sa.Column("at", sa.BigInteger)',
                                 'sa.Column("at", sa.DateTime, info={"mizzle": {"using": "to_timestamp(at)"}})')
        changed = changed.replace('sa.Computed("id + 1")', "")
        for source in (first + changed, first):
            write_project(tmp_path, HEAD + source)
            sql = generate(fresh_config(tmp_path), idempotent=True).sql
            statements = [s.sql for s in split_statements(sql)]
            with temp_database("mzprefix") as scratch:
                with psycopg.connect(scratch, autocommit=True) as c:
                    for s in split_statements(export_history(tmp_path)):
                        c.execute(s.sql)
                    for k in range(len(statements) + 1):  # a prefix ran, then the whole file
                        for s in statements[:k]:
                            c.execute(s)
                    for s in statements:
                        c.execute(s)
            mizzle.migrate(url=url, folder=tmp_path / "migrations")
        assert rows(url, "SELECT count(*) FROM pg_class WHERE relname = 'events'") == [(0,)]


def export_history(root: Path) -> str:
    """The SQL of every migration before the newest one."""
    files = sorted((root / "migrations").glob("*.sql"))
    return "\n--> statement-breakpoint\n".join(f.read_text() for f in files[:-1])


def test_idempotent_serial_to_identity_and_enum_rebuild_rerun(tmp_path: Path) -> None:
    # found by the property test: on a rerun, DROP DEFAULT hit the identity column, and DROP TYPE the enum
    # rebuilt by the first run, which a column added by the same file now uses
    with temp_database("mzidem") as url:
        step(tmp_path, url, 'e1 = sa.Enum("x", "y", name="e1", metadata=md)\n'
                            't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))\n', idempotent=True)
        rows(url, "INSERT INTO t DEFAULT VALUES RETURNING id")
        sql = step(tmp_path, url, 'e1 = sa.Enum("x", name="e1", metadata=md)\n'
                                  't = sa.Table("t", md, sa.Column("id", sa.Integer, sa.Identity(), primary_key=True), '
                                  'sa.Column("c", e1))\n', idempotent=True)
        with psycopg.connect(url, autocommit=True) as c:
            for s in split_statements(sql):
                c.execute(s.sql)
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT id, c FROM t") == [(1, None)]


def test_enum_rebuild_with_a_check_and_a_new_table_using_it(tmp_path: Path) -> None:
    # found by the property test: the table using the rebuilt enum was created before the rebuild (DROP TYPE
    # failed), and a check on a converted column was re-checked as PostgreSQL stored it (length(e1) does not exist)
    with temp_database("mzenum") as url:
        step(tmp_path, url, 'e1 = sa.Enum("x", "y", name="e1", metadata=md)\n'
                            't1 = sa.Table("t1", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", e1), '
                            'sa.CheckConstraint("length((c)::text) < 40", name="t1_c_check"))\n'
                            'u = sa.Table("u", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("d", e1))\n')
        rows(url, "INSERT INTO t1 (c) VALUES ('x') RETURNING id")
        rows(url, "INSERT INTO u (d) VALUES ('x') RETURNING id")
        sql = step(tmp_path, url, 'e1 = sa.Enum("x", name="e1", metadata=md)\n'
                                  't1 = sa.Table("t1", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", e1), '
                                  'sa.CheckConstraint("length((c)::text) < 40", name="t1_c_check"))\n'
                                  'u = sa.Table("u", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("d", sa.Text))\n'
                                  't2 = sa.Table("t2", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("b", e1))\n',
                   idempotent=True)
        with psycopg.connect(url, autocommit=True) as c:  # and again
            for s in split_statements(sql):
                c.execute(s.sql)
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT c::text FROM t1") == [("x",)] and rows(url, "SELECT d FROM u") == [("x",)]



def test_enum_rebuild_with_a_partial_index_on_a_converted_column(tmp_path: Path) -> None:
    # lmnr: reverting 0039 removed the value 'PLAYGROUND' from trace_type, and traces has a partial index
    # `WHERE trace_type = 'DEFAULT'::trace_type`: ALTER COLUMN … TYPE text rebuilt the index in the form stored, and
    # PostgreSQL refused it ("operator does not exist: text = trace_type"). The index is dropped before and made
    # again after, as a check is
    enum = 'e1 = sa.Enum({values}, name="e1", metadata=md)\n'
    t1 = ('t1 = sa.Table("t1", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", e1), '
          'sa.Column("at", sa.Integer), sa.Index("t1_at_x_idx", "at", postgresql_where=sa.text("c = \'x\'::e1")), '
          'sa.Index("t1_c_idx", "c"))\n')
    with temp_database("mzenumix") as url:
        step(tmp_path, url, enum.format(values='"x", "y", "z"') + t1)
        rows(url, "INSERT INTO t1 (c, at) VALUES ('x', 1), ('y', 2) RETURNING id")
        sql = step(tmp_path, url, enum.format(values='"x", "y"') + t1)
        assert 'DROP INDEX "public"."t1_at_x_idx"' in sql and "t1_c_idx" not in sql, sql
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT c::text, at FROM t1 ORDER BY id") == [("x", 1), ("y", 2)]

# -- issue 13 item B leftovers ------------------------------------------------------------------------------------

def test_identity_added_over_existing_values_continues_after_them(tmp_path: Path) -> None:
    # the identity's sequence starts at 1: without moving it past the column's values, the next insert takes a
    # value the column already holds (a duplicate key here)
    with temp_database("mzident") as url:
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))\n')
        rows(url, "INSERT INTO t (id) VALUES (1), (2), (7) RETURNING id")
        sql = step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, sa.Identity(), primary_key=True))\n')
        assert "setval" in sql
        same_as_created(tmp_path, url)
        assert rows(url, "INSERT INTO t DEFAULT VALUES RETURNING id") == [(8,)]


def test_generated_column_over_a_column_whose_type_changes(tmp_path: Path) -> None:
    # "cannot alter type of a column used by a generated column": the generated column goes first, and comes
    # back computed from the converted values, with the index and check on it
    table = ('t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", {}), '
             'sa.Column("g", sa.BigInteger, sa.Computed("a * 2")), sa.CheckConstraint("g >= 0", name="t_g_check"))\n'
             'sa.Index("t_g_idx", t.c.g)\n')
    with temp_database("mzgen") as url:
        step(tmp_path, url, table.format("sa.Integer"))
        rows(url, "INSERT INTO t (id, a) VALUES (1, 5) RETURNING id")
        step(tmp_path, url, table.format("sa.BigInteger"))
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT a, g FROM t") == [(5, 10)]


def test_generated_column_over_a_column_whose_type_changes_keeps_its_unique(tmp_path: Path) -> None:
    # arize-phoenix's agent_session_messages: `message_id` is a unique stored generated column, `(message ->> 'id')`,
    # whose expression holds the name of the key `id` (bigint in its Alembic-built database, Integer in its models);
    # the generated column went and came back, and its unique constraint, dropped along by DROP COLUMN, never came
    # back
    table = ('t = sa.Table("t", md, sa.Column("id", {}, primary_key=True), sa.Column("message", pg.JSONB), '
             'sa.Column("message_id", sa.String, sa.Computed(sa.column("message", pg.JSONB)["id"].as_string()), '
             'unique=True))\n')
    with temp_database("mzgen") as url:
        step(tmp_path, url, table.format("sa.Integer"))
        rows(url, """INSERT INTO t (id, message) VALUES (1, '{"id": "a"}') RETURNING id""")
        step(tmp_path, url, table.format("sa.BigInteger"))
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT message_id FROM t") == [("a",)]


def test_generated_column_with_a_new_expression_keeps_its_indexes_and_constraints(tmp_path: Path) -> None:
    # arize-phoenix's agent_session_messages: `is_compaction_message`, a stored generated column, is the predicate of
    # the partial index ix_agent_session_messages_compaction; a new expression drops the column and adds it again
    # (PostgreSQL 15 cannot change it), which took the index along, and nothing made it again (nor an index, unique
    # or check on the column)
    table = ('t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer), '
             'sa.Column("g", sa.Integer, sa.Computed("a * {}"), unique=True), '
             'sa.Column("f", sa.Boolean, sa.Computed("a > {}")), sa.CheckConstraint("g >= 0", name="t_g_check"))\n'
             'sa.Index("t_g_idx", t.c.g)\n'
             'sa.Index("t_f_part", t.c.id, postgresql_where=sa.text("f"))\n')
    with temp_database("mzgen") as url:
        step(tmp_path, url, table.format(2, 1))
        rows(url, "INSERT INTO t (id, a) VALUES (1, 5) RETURNING id")
        step(tmp_path, url, table.format(3, 6))
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT g, f FROM t") == [(15, False)]


def test_enum_rebuilt_under_a_column_a_generated_column_uses(tmp_path: Path) -> None:
    # found by the property test: removing an enum value converts its columns to text and back, which PostgreSQL
    # refuses while a stored generated column uses them; the generated column (and its index) goes first and
    # comes back computed again. Both a generated column over the enum column and one of the enum type itself.
    table = ('e2 = sa.Enum({}, name="e2", metadata=md)\n'
             't1 = sa.Table("t1", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", e2), '
             'sa.Column("g", sa.Boolean, sa.Computed("a IS NULL")), sa.Column("h", e2, sa.Computed("a")))\n'
             'sa.Index("t1_g_idx", t1.c.g)\n')
    for idempotent in (False, True):
        root = tmp_path / f"idempotent-{idempotent}"
        with temp_database("mzenumgen") as url:
            step(root, url, table.format('"x", "y"'), idempotent=idempotent)
            rows(url, "INSERT INTO t1 (id, a) VALUES (1, 'x'), (2, NULL) RETURNING id")
            sql = step(root, url, table.format('"x"'), idempotent=idempotent)
            assert 'DROP COLUMN "g"' in sql or 'DROP COLUMN IF EXISTS "g"' in sql
            if idempotent:
                with psycopg.connect(url, autocommit=True) as c:  # and again
                    for s in split_statements(sql):
                        c.execute(s.sql)
            same_as_created(root, url)
            assert rows(url, "SELECT id, a::text, g, h::text FROM t1 ORDER BY id") == [(1, "x", False, "x"),
                                                                                      (2, None, True, None)]


def test_idempotent_type_change_reruns_after_a_generated_column_over_it_was_added(tmp_path: Path) -> None:
    # found by the property test: on a rerun of the --idempotent file, g (added after the type change) uses a,
    # and the type change failed; it is skipped now while the column already has the new type
    with temp_database("mzgen") as url:
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.String(10)))\n')
        sql = step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), '
                                  'sa.Column("a", sa.String(20)), sa.Column("g", sa.Boolean, sa.Computed("a IS NULL")))\n',
                   idempotent=True)
        with psycopg.connect(url, autocommit=True) as c:
            for s in split_statements(sql):
                c.execute(s.sql)
        same_as_created(tmp_path, url)


def test_expression_index_around_a_type_change(tmp_path: Path) -> None:
    # the old index's expression does not apply to the new type (lower(integer)): it goes before the type
    # change, the new one is built after it
    with temp_database("mzix") as url:
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", sa.Text))\n'
                            'sa.Index("t_c_idx", sa.func.lower(t.c.c))\n')
        rows(url, "INSERT INTO t (id, c) VALUES (1, '42') RETURNING id")
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", sa.Integer))\n'
                            'sa.Index("t_c_idx", t.c.c + 1)\n')
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT c FROM t") == [(42,)]
        # the same index kept over a type change PostgreSQL can rebuild it for
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", sa.BigInteger))\n'
                            'sa.Index("t_c_idx", t.c.c + 1)\n')
        same_as_created(tmp_path, url)


def test_column_a_generated_column_uses_is_dropped(tmp_path: Path) -> None:
    # found by the property test: "cannot drop column a ... column g depends on column a"; g changes first
    # (here it becomes a plain column and keeps its values; dropped along, it goes first)
    with temp_database("mzgen") as url:
        step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer), '
                            'sa.Column("g", sa.Boolean, sa.Computed("a IS NULL")), sa.Column("h", sa.Integer, sa.Computed("a + 1")))\n')
        rows(url, "INSERT INTO t (id, a) VALUES (1, NULL), (2, 5) RETURNING id")
        sql = step(tmp_path, url, 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("g", sa.Boolean))\n')
        assert sql.index("DROP EXPRESSION") < sql.index('DROP COLUMN "a"')
        assert rows(url, "SELECT g FROM t ORDER BY id") == [(True,), (False,)]
        same_as_created(tmp_path, url)


def test_primary_key_of_a_long_table_name_is_dropped_by_its_real_name(tmp_path: Path) -> None:
    # PostgreSQL names the key makeObjectName(table, NULL, "pkey"): the table name cut so "_pkey" fits 63 bytes
    # ("<table[:58]>_pkey"), not "<table>_pkey" cut to 63 bytes
    long_t = "a_table_name_of_sixty_characters_for_the_primary_key_test_xy"
    with temp_database("mzpk") as url:
        step(tmp_path, url, f't = sa.Table("{long_t}", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("k", sa.Integer))\n')
        rows(url, f'INSERT INTO "{long_t}" (id, k) VALUES (1, 1) RETURNING id')
        sql = step(tmp_path, url, f't = sa.Table("{long_t}", md, sa.Column("id", sa.Integer, primary_key=True), '
                                  'sa.Column("k", sa.Integer, primary_key=True))\n')
        assert f'DROP CONSTRAINT "{long_t[:58]}_pkey"' in sql
        same_as_created(tmp_path, url)


# -- a standalone sequence handed to an identity of its name, and back ------------------------------------------

SEQ_KEY = ('t = sa.Table("t", md, sa.Column("id", sa.BigInteger, sa.Sequence("t_id_seq", optional=False), '
           'primary_key=True), sa.Column("v", sa.Text))\n')
IDENTITY_KEY = ('t = sa.Table("t", md, sa.Column("id", sa.BigInteger, sa.Identity(start=1, increment=1), '
                'primary_key=True), sa.Column("v", sa.Text))\n')


def test_sequence_key_becomes_an_identity_of_the_sequences_name(tmp_path: Path) -> None:
    # advanced-alchemy's BigIntBase (Sequence("<table>_id_seq")) swapped for its IdentityBase (Identity()): the
    # identity's sequence is `t_id_seq` too, so the standalone one must be gone first ("relation already exists")
    with temp_database("mzident") as url:
        step(tmp_path, url, SEQ_KEY)
        rows(url, "INSERT INTO t (id, v) SELECT nextval('t_id_seq'), v FROM (VALUES ('a'), ('b')) AS x(v) RETURNING id")
        step(tmp_path, url, IDENTITY_KEY)
        same_as_created(tmp_path, url)
        assert rows(url, "INSERT INTO t (v) VALUES ('c') RETURNING id") == [(3,)]
        step(tmp_path, url, SEQ_KEY)  # and back: the identity's sequence goes before the standalone one is made
        same_as_created(tmp_path, url)
        assert rows(url, "SELECT id, v FROM t ORDER BY id") == [(1, "a"), (2, "b"), (3, "c")]


def test_a_sequence_named_after_a_renamed_table_is_renamed_with_it(tmp_path: Path) -> None:
    # advanced-alchemy's BigIntBase keys a model on Sequence(f"{__tablename__}_id_seq"): renaming the table
    # (post → article) dropped post_id_seq and made article_id_seq at 1, so the next insert took id 1 again
    # (duplicate key); the sequence is renamed with the table now, and keeps its position
    table = ('{0} = sa.Table("{0}", md, sa.Column("id", sa.BigInteger, sa.Sequence("{0}_id_seq", optional=False), '
             'primary_key=True), sa.Column("title", sa.Text))\n')
    with temp_database("mzseqren") as url:
        step(tmp_path, url, table.format("post"))
        rows(url, "INSERT INTO post (id, title) SELECT nextval('post_id_seq'), 't' FROM generate_series(1, 3) RETURNING id")
        write_project(tmp_path, HEAD + table.format("article"))
        result = generate(fresh_config(tmp_path), renames={"post": "article"})
        assert 'ALTER SEQUENCE "public"."post_id_seq" RENAME TO "article_id_seq"' in result.sql, result.sql
        assert "DROP SEQUENCE" not in result.sql and "CREATE SEQUENCE" not in result.sql, result.sql
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        assert rows(url, "SELECT nextval('article_id_seq')") == [(4,)]
        assert not generate(fresh_config(tmp_path)).written
        same_as_created(tmp_path, url)


def test_a_sequence_dropped_while_another_is_made_is_asked_about_as_a_rename(tmp_path: Path) -> None:
    # a standalone Sequence renamed in the code was dropped and made again at its START without a word: the
    # values it had given came round again. It is a drop + add pair now, as a table's: --rename or exit 2
    seq = 'n = sa.Sequence("{}", metadata=md, start={})\n'
    with temp_database("mzseqren") as url:
        step(tmp_path, url, seq.format("ticket_no", 1000))
        rows(url, "SELECT nextval('ticket_no'), nextval('ticket_no')")
        write_project(tmp_path, HEAD + seq.format("ticket_number", 1))
        with pytest.raises(UsageError, match="--rename ticket_no=ticket_number"):
            generate(fresh_config(tmp_path))
        result = generate(fresh_config(tmp_path), renames={"ticket_no": "ticket_number"})
        assert 'ALTER SEQUENCE "public"."ticket_no" RENAME TO "ticket_number"' in result.sql, result.sql
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        assert rows(url, "SELECT nextval('ticket_number')") == [(1002,)]
        assert not generate(fresh_config(tmp_path)).written
        same_as_created(tmp_path, url)
        # and reverted: renamed back (its SQL states the rename; a snapshot has no field for it), not made again
        result, _ = revert(fresh_config(tmp_path), result.tag)
        assert 'ALTER SEQUENCE "public"."ticket_number" RENAME TO "ticket_no"' in result.sql, result.sql
        mizzle.migrate(url=url, folder=tmp_path / "migrations")
        assert rows(url, "SELECT nextval('ticket_no')") == [(1003,)]
