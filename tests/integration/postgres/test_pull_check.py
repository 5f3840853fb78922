"""pull's round-trip check reads the written module without SQLAlchemy first (dialects/postgres/pull_check.py): on real
databases — the four real-world drizzle folders migrated, and test_pull_pg's database of every kind of object —
that reading must give exactly the model SQLAlchemy's loading gives, and a module that says less than the
database must not pass it."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pg_history
import psycopg
import pytest
from pg_project import fresh_config, write_project
from pgtools import admin, drain_drops, temp_database

import mizzle
from mizzle.commands.generate import generate
from mizzle.commands.pull_code import write_module
from mizzle.dialects.postgres.pull_check import Unreadable, read_module, same_model
from mizzle.dialects.postgres.snapshot import ROOT_ID, schema_from_snapshot, snapshot_from_schema
from mizzle.schema.model import Schema
from mizzle.sources.database import introspect_url, scope_for
from mizzle.sources.sqlalchemy import load_schema

pytestmark = pytest.mark.pg

REALWORLD = Path(__file__).resolve().parents[4] / "shared" / "realworld" / "drizzle"
if not REALWORLD.is_dir():
    REALWORLD = Path("/work/shared/realworld/drizzle")


def _both_readings(model: Schema, tmp: Path) -> tuple[Schema, Schema]:
    text = write_module(model)
    path = tmp / "pulled_check_module.py"
    path.write_text(text)
    try:
        full, _ = load_schema((str(path),), tmp, naming="drizzle")
    finally:
        for name in [n for n, m in sys.modules.items() if getattr(m, "__file__", None) == str(path)]:
            del sys.modules[name]
    return read_module(text, model.dialect), full


def _copy_folder(src: Path, dest: Path) -> Path:
    """The folder with what its journal does not list left out (dokploy's stray .sql and .backup)."""
    tags = {e["tag"] for e in json.loads((src / "meta" / "_journal.json").read_text())["entries"]}
    shutil.copytree(src, dest, ignore=lambda d, names: [
        n for n in names if n.endswith(".backup") or (n.endswith(".sql") and n[:-4] not in tags)])
    return dest


@pytest.mark.parametrize("name", ["dokploy", "homarr", "kan", "lmnr"])
def test_fast_reading_equals_sqlalchemy_on_realworld(name: str, tmp_path: Path) -> None:
    journals = sorted((REALWORLD / name).rglob("_journal.json"))
    if not journals:
        pytest.skip(f"{REALWORLD / name} is not here")
    folder = _copy_folder(journals[0].parent.parent, tmp_path / "folder")
    with temp_database("mzpchk") as url:
        mizzle.migrate(url=url, folder=folder)
        model = introspect_url(url, scope_for())
    fast, full = _both_readings(model, tmp_path)
    assert fast == full
    # and so pull's check passes without loading SQLAlchemy (an extension's version, which pull does not pin,
    # is left open by the module: the same model by diff, not by ==)
    assert same_model(write_module(model), model)
    snap, side = snapshot_from_schema(model, prev_id=ROOT_ID)  # what pull compares with: the baseline's snapshot
    assert same_model(write_module(model), schema_from_snapshot(snap, {"snapshots": {snap["id"]: side}}))


def test_fast_reading_equals_sqlalchemy_on_every_kind(tmp_path: Path) -> None:
    from test_pull_pg import EXTRA

    source = tmp_path / "source"
    with temp_database("mzpchk") as url:
        for n in range(1, 8):
            write_project(source, pg_history.step(n))
            generate(fresh_config(source), name=f"step{n}", renames=pg_history.RENAMES.get(n, {}))
        mizzle.migrate(url=url, folder=source / "migrations")
        with psycopg.connect(url, autocommit=True) as c:
            for s in EXTRA:
                c.execute(s)
        model = introspect_url(url, scope_for())
    fast, full = _both_readings(model, tmp_path)
    assert fast == full


def test_a_module_saying_less_does_not_pass(tmp_path: Path) -> None:
    with temp_database("mzpchk") as url:
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL DEFAULT 'x', "
                      "at timestamptz(3))")
            c.execute("COMMENT ON COLUMN notes.body IS 'the text'")
        model = introspect_url(url, scope_for())
    text = write_module(model)
    assert same_model(text, model)
    assert not same_model(text.replace(', comment="the text"', ""), model)  # a field the writer forgot
    assert not same_model(text.replace('server_default="x"', 'server_default="y"'), model)
    assert not same_model(text.replace("timezone=True", "timezone=False"), model)
    odd = text.replace("metadata = sa.MetaData()", "metadata = sa.MetaData()\nsa.event.listen(metadata, 'x', 1)")
    with pytest.raises(Unreadable):  # a line it does not know: the SQLAlchemy check decides
        read_module(odd, "postgresql")
    assert not same_model(odd, model)


OBJECTS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE DOMAIN qty AS integer DEFAULT 1 CHECK (VALUE > 0)",
    "CREATE TYPE pair AS (a int, b varchar(10))",
    "CREATE TABLE t (id serial PRIMARY KEY, q qty, p pair, name text, owner text)",
    "CREATE TABLE s.u (id int PRIMARY KEY)",
    "CREATE FUNCTION f(a int DEFAULT 3, OUT b int) LANGUAGE sql STABLE AS 'SELECT a'",
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.name := lower(NEW.name);\n"
    "  RETURN NEW;\nEND\n$$",
    "CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1'",
    "CREATE VIEW v AS SELECT id, q, (p).a FROM t WHERE name LIKE 'x%'",
    "CREATE MATERIALIZED VIEW mv AS SELECT id FROM t",
    "CREATE UNIQUE INDEX mv_id ON mv (id)",
    "CREATE TRIGGER tr BEFORE INSERT OR UPDATE OF name ON t FOR EACH ROW EXECUTE FUNCTION touch()",
    "ALTER TABLE t ENABLE ROW LEVEL SECURITY", "ALTER TABLE s.u ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE s.u FORCE ROW LEVEL SECURITY",
    "CREATE POLICY own ON t AS RESTRICTIVE FOR UPDATE TO mzpchk_reader USING (owner = current_user) "
    "WITH CHECK (owner = current_user)",
    "CREATE POLICY see ON s.u FOR SELECT USING (true)",
    "GRANT SELECT, INSERT ON t TO mzpchk_reader", "GRANT USAGE ON SCHEMA s TO mzpchk_reader",
    "GRANT USAGE ON SEQUENCE t_id_seq TO mzpchk_reader", "GRANT UPDATE ON t TO mzpchk_reader WITH GRANT OPTION",
]


def test_fast_reading_knows_every_mizzle_pg_line(tmp_path: Path) -> None:
    """Extensions, RLS, policies, grants, views (materialized, with an index), functions (a body over several
    lines), procedures, triggers, domains and composite types: the fast reading is the SQLAlchemy one, and pull's
    check is decided by it (a changed policy or view is not the same model)."""
    try:
        with temp_database("mzpchk") as url:
            with psycopg.connect(url, autocommit=True) as c:
                c.execute("DO $$BEGIN CREATE ROLE mzpchk_reader; EXCEPTION WHEN duplicate_object THEN NULL; END$$")
                c.execute("CREATE SCHEMA s")
                for sql in OBJECTS:
                    c.execute(sql)
            model = introspect_url(url, scope_for())
    finally:
        with admin() as c:
            drain_drops()  # the databases queued for dropping hold grants to it
            c.execute("DROP ROLE IF EXISTS mzpchk_reader")
    text = write_module(model)
    for line in ("Policy(", "enable_rls(", "Grant(", "View(", "Function(", "Procedure(", "Trigger(", "Domain(",
                 "CompositeType(", "Extension(", "ViewIndex(", 'Role("mzpchk_reader")'):
        assert line in text
    fast, full = _both_readings(model, tmp_path)
    assert fast == full
    assert same_model(text, model)
    assert not same_model(text.replace('using="owner = CURRENT_USER"', 'using="owner <> CURRENT_USER"'), model)
    assert not same_model(text.replace("enable_rls(t)\n", ""), model)
    assert not same_model(text.replace("x%", "y%"), model)


def test_fast_reading_knows_index_comments(tmp_path: Path) -> None:
    """Supabase auth's migrations comment their indexes (`comment on index auth.users_email_partial_key is 'Auth: A
    partial unique index …'`): pull writes them as info={"mizzle": {"comment": …}}, a keyword the fast reading did
    not know, so every pull of that schema imported it through SQLAlchemy. Both readings agree now; an info holding
    anything else is still left to SQLAlchemy."""
    with temp_database("mzpchk") as url:
        with psycopg.connect(url, autocommit=True) as c:
            for s in ["CREATE TABLE users (id int PRIMARY KEY, email text, is_sso_user boolean NOT NULL DEFAULT false)",
                      "CREATE UNIQUE INDEX users_email_partial_key ON users (email) WHERE is_sso_user = false",
                      "COMMENT ON INDEX users_email_partial_key IS 'Auth: a partial unique index'",
                      "CREATE INDEX users_id_email ON users (id, email)"]:
                c.execute(s)
        model = introspect_url(url, scope_for())
    fast, full = _both_readings(model, tmp_path)
    assert fast == full and ("index", "users_email_partial_key", "Auth: a partial unique index") in \
        fast.tables[0].comments
    assert same_model(write_module(model), model)
    text = write_module(model).replace('{"comment": ', '{"other": ')
    with pytest.raises(Unreadable):
        read_module(text, "postgresql")
