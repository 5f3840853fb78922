"""A serial column of a table drizzle-kit renamed (found in latitude-llm's folder: provider_api_keys and two more):
`ALTER TABLE … RENAME TO` keeps the sequence's old name, `"oldKeys_id_seq"`, so the column reads as `bigint DEFAULT
nextval('"oldKeys_id_seq"')` with that sequence owned by it, while drizzle-kit's snapshot still says `bigserial`.
verify, drift and generate after pull reported `+ sequence oldKeys_id_seq` and a changed column; the rebuilt
snapshot said bigint, a default and a sequence."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pgtools import temp_database, url_for
from serial_renames import check_kept_serial, folder_of

from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.commands.pull import pull
from mizzle.commands.push import push
from mizzle.commands.verify import verify
from mizzle.config import load_config
from mizzle.runner.migrate import migrate

pytestmark = pytest.mark.pg


def _snapshot(i: int, table: str) -> dict:  # type: ignore[type-arg]
    return {"id": f"00000000-0000-0000-0000-00000000000{i + 1}", "prevId": f"00000000-0000-0000-0000-00000000000{i}",
            "version": "7", "dialect": "postgresql",
            "tables": {f"public.{table}": {"name": table, "schema": "", "columns": {
                "id": {"name": "id", "type": "bigserial", "primaryKey": True, "notNull": True},
                "n": {"name": "n", "type": "serial", "primaryKey": False, "notNull": True}},
                "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {}, "policies": {},
                "checkConstraints": {}, "isRLSEnabled": False}},
            "enums": {}, "schemas": {}, "sequences": {}, "roles": {}, "policies": {}, "views": {},
            "_meta": {"columns": {}, "schemas": {}, "tables": {}}}


def test_a_serial_kept_through_a_table_rename_is_no_difference(pg_available: bool, tmp_path: Path) -> None:
    folder = folder_of(tmp_path / "proj",
                       'CREATE TABLE "oldKeys" ("id" bigserial PRIMARY KEY NOT NULL, "n" serial NOT NULL);',
                       'ALTER TABLE "oldKeys" RENAME TO "new_keys";', [_snapshot(0, "oldKeys"), _snapshot(1, "new_keys")])
    check_kept_serial(tmp_path, folder, "oldKeys_id_seq", "serial_renamed_schema")


def test_a_table_made_again_beside_its_renamed_self_keeps_its_own_sequence(pg_available: bool, tmp_path: Path) -> None:
    """Authelia: `ALTER TABLE t RENAME TO t_old; CREATE TABLE t (id serial …)` gives the new table `t_id_seq1` (the
    name `t_id_seq` is the old table's). That is the new table's own sequence, not a renamed table's serial:
    generate wrote nothing for the column and a snapshot saying `integer`, so drift and verify failed after it."""
    import psycopg

    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "serial_remade_schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True), sa.Column('x', sa.Integer))\n")
    (proj / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\nschema = ["serial_remade_schema.py"]\n')
    try:
        assert generate(load_config(proj / "mizzle.toml"), name="init").written
        with temp_database("mzser") as src:
            migrate(url=src, folder=proj / "drizzle")
            with psycopg.connect(src, autocommit=True) as c:
                c.execute("ALTER TABLE t RENAME TO t_old; ALTER TABLE t_old DROP CONSTRAINT t_pkey;"
                          "CREATE TABLE t (id serial PRIMARY KEY, x int, y int); DROP TABLE t_old")
            pulled = tmp_path / "pulled"
            pulled.mkdir()
            (pulled / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["schema.py"]\nout = "drizzle"\n')
            pull(load_config(pulled / "mizzle.toml"), src, mark=False)
            assert "t_id_seq1" in (pulled / "schema.py").read_text()
        sys.modules.pop("serial_remade_schema", None)
        (proj / "serial_remade_schema.py").write_text((pulled / "schema.py").read_text())
        config = load_config(proj / "mizzle.toml")
        sql = generate(config, name="remade", no_renames=True).sql
        assert "t_id_seq1" in sql, sql
        with temp_database("mzser") as url:
            migrate(url=url, folder=proj / "drizzle")
            assert not drift(url=url, folder=proj / "drizzle").changes
        sys.modules.pop("serial_remade_schema", None)
        assert not generate(load_config(proj / "mizzle.toml"), check=True).changes
        assert verify(config, url=url_for("postgres")).ok
    finally:
        sys.modules.pop("serial_remade_schema", None)


def test_push_takes_a_serial_kept_through_a_table_rename_as_the_code_s_serial(pg_available: bool, tmp_path: Path) -> None:
    """manila's Alembic history renamed share_export_locations to share_instance_export_locations: its `id` serial
    kept `share_export_locations_id_seq`. drift and generate take that for the model's `Integer` key (a serial),
    but push saw `integer → serial`, made a second sequence, dropped the kept one and dropped and re-added every
    foreign key to the column; a second push did it all again on a database the first one had not touched."""
    import psycopg

    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "serial_pushed_schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('locations', metadata, sa.Column('id', sa.Integer, primary_key=True), sa.Column('path', sa.Text))\n"
        "sa.Table('meta', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "         sa.Column('location_id', sa.Integer, sa.ForeignKey('locations.id')))\n")
    (proj / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\nnaming = "postgresql"\n'
                                      'schema = ["serial_pushed_schema.py"]\n')
    try:
        with temp_database("mzser") as url:
            with psycopg.connect(url, autocommit=True) as c:
                c.execute("CREATE TABLE old_locations (id serial PRIMARY KEY, path text);"
                          "ALTER TABLE old_locations RENAME TO locations;"
                          "ALTER TABLE locations RENAME CONSTRAINT old_locations_pkey TO locations_pkey;"
                          "CREATE TABLE meta (id serial PRIMARY KEY, location_id integer"
                          " CONSTRAINT meta_location_id_fkey REFERENCES locations(id));"
                          "INSERT INTO locations (path) VALUES ('a'), ('b')")
            result = push(load_config(proj / "mizzle.toml"), url=url, dry_run=True)
            assert result.changes == [] and result.statements == [], result.changes
    finally:
        sys.modules.pop("serial_pushed_schema", None)


def test_serial_to_bigserial_alters_the_sequence_a_renamed_table_kept(pg_available: bool, tmp_path: Path) -> None:
    """Pagure's Alembic history renamed deploykeys to sshkeys: its `id` serial kept `deploykeys_id_seq`. After pull
    and a migration to the models (which name the key `sshkeys_pkey`), a model changing the key to BigInteger
    generated `ALTER SEQUENCE "public"."sshkeys_id_seq" AS bigint`, which PostgreSQL rejects (no such sequence)."""
    import psycopg

    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\nnaming = "postgresql"\n'
                                      'schema = ["serial_widened_schema.py"]\n')
    code = ("import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
            "sa.Table('sshkeys', metadata, sa.Column('id', sa.{t}, primary_key=True), sa.Column('k', sa.Text))\n")
    try:
        with temp_database("mzser") as url:
            with psycopg.connect(url, autocommit=True) as c:
                c.execute("CREATE TABLE deploykeys (id serial PRIMARY KEY, k text);"
                          "ALTER TABLE deploykeys RENAME TO sshkeys")
            pull(load_config(proj / "mizzle.toml"), url)
            for step, t in (("models", "Integer"), ("widen", "BigInteger")):
                sys.modules.pop("serial_widened_schema", None)
                (proj / "serial_widened_schema.py").write_text(code.format(t=t))
                result = generate(load_config(proj / "mizzle.toml"), name=step)
                assert "sshkeys_id_seq" not in result.sql, result.sql
                assert not any("default" in c for c in result.changes), result.changes
                migrate(url=url, folder=proj / "drizzle")
                assert not drift(url=url, folder=proj / "drizzle").changes
            with psycopg.connect(url) as c:
                row = c.execute("SELECT data_type FROM information_schema.sequences "
                                "WHERE sequence_name = 'deploykeys_id_seq'").fetchone()
            assert row == ("bigint",)
            sys.modules.pop("serial_widened_schema", None)
            assert not generate(load_config(proj / "mizzle.toml"), check=True).changes
    finally:
        sys.modules.pop("serial_widened_schema", None)
