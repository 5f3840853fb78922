"""UNLOGGED tables (issue 17 item 5): pulled as `prefixes=["UNLOGGED"]`, created UNLOGGED, switched with SET LOGGED /
SET UNLOGGED, caught by drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from feature_accept import code_versions, execute, pull_round_trip
from pgtools import temp_database

pytestmark = pytest.mark.pg


def test_unlogged_tables_are_pulled_and_exported(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    code = pull_round_trip(tmp_path, run_mizzle, [
        "CREATE UNLOGGED TABLE public.cache (k text PRIMARY KEY, v jsonb)",
        "CREATE INDEX cache_v ON public.cache USING gin (v)",
        "CREATE TABLE public.kept (id integer PRIMARY KEY)",
    ], expect_in_code=['prefixes=["UNLOGGED"]'])
    assert code.count("UNLOGGED") == 1


T = "sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False){p})\n"
SQL = "CREATE {u}TABLE public.t (id integer PRIMARY KEY)"


def test_unlogged_added_and_removed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    versions = [
        (T.format(p=""), [SQL.format(u="")]),
        (T.format(p=", prefixes=['UNLOGGED']"), [SQL.format(u="UNLOGGED ")]),
        (T.format(p=""), [SQL.format(u="")]),
        (T.format(p=", prefixes=['UNLOGGED']") + T.replace("'t'", "'t2'").format(p=", prefixes=['UNLOGGED']"),
         [SQL.format(u="UNLOGGED "), SQL.format(u="UNLOGGED ").replace("public.t ", "public.t2 ")]),
    ]
    sqls = code_versions(tmp_path, run_mizzle, versions, hand_change=["ALTER TABLE public.t2 SET LOGGED"])
    assert 'ALTER TABLE "public"."t" SET UNLOGGED' in sqls[1] and 'SET LOGGED' in sqls[2]
    assert 'CREATE UNLOGGED TABLE "public"."t2"' in sqls[3]


# coder's migration 000412 makes its tailnet tables unlogged, the tables referencing tailnet_coordinators first:
# mizzle wrote SET UNLOGGED in name order, and PostgreSQL refused the first ("could not change table
# tailnet_coordinators to unlogged because it references logged table tailnet_peers")
FAMILY = ("sa.Table('coordinators', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False){p})\n"
          "sa.Table('peers', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False),\n"
          "         sa.Column('c', sa.Integer, sa.ForeignKey('coordinators.id')){p})\n"
          "sa.Table('tunnels', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False),\n"
          "         sa.Column('p', sa.Integer, sa.ForeignKey('peers.id')){p})\n")
FAMILY_SQL = ["CREATE {u}TABLE public.coordinators (id integer PRIMARY KEY)",
              "CREATE {u}TABLE public.peers (id integer PRIMARY KEY, c integer REFERENCES public.coordinators)",
              "CREATE {u}TABLE public.tunnels (id integer PRIMARY KEY, p integer REFERENCES public.peers)"]


def test_referenced_tables_change_logging_in_an_order_postgresql_accepts(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    versions = [(FAMILY.format(p=p), [s.format(u=u) for s in FAMILY_SQL])
                for p, u in (("", ""), (", prefixes=['UNLOGGED']", "UNLOGGED "), ("", ""))]
    sqls = code_versions(tmp_path, run_mizzle, versions)
    made = [line.split('"')[3] for line in sqls[1].splitlines() if "SET UNLOGGED" in line]
    assert made == ["tunnels", "peers", "coordinators"], sqls[1]
    back = [line.split('"')[3] for line in sqls[2].splitlines() if "SET LOGGED" in line]
    assert back == ["coordinators", "peers", "tunnels"], sqls[2]


def test_a_sequence_a_rebuild_would_make_otherwise_logged_is_listed(tmp_path: Path) -> None:
    # coder's workspace_agent_startup_logs_id_seq, owned by the renamed workspace_agent_logs and made unlogged by
    # its table's SET UNLOGGED: pull writes it as a sequence of its own, which a rebuild makes logged; nothing said so
    from mizzle.commands.pull import pull
    from mizzle.config import load_config

    with temp_database("mzunlseq") as src:
        execute(src, "CREATE UNLOGGED TABLE u1 (id serial, j int GENERATED ALWAYS AS IDENTITY)",
                "CREATE TABLE u2 (id serial)", "ALTER TABLE u2 SET UNLOGGED",  # theirs, as a rebuild makes them
                "CREATE TABLE logs (id int)", "CREATE SEQUENCE startup_logs_id_seq OWNED BY logs.id",
                "ALTER TABLE logs SET UNLOGGED", "CREATE UNLOGGED SEQUENCE free", "CREATE SEQUENCE kept",
                "CREATE UNLOGGED TABLE u3 (id serial)", "ALTER SEQUENCE u3_id_seq SET LOGGED")
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        result = pull(load_config(tmp_path / "mizzle.toml"), src, mark=False)
        listed = [w for w in result.unmanaged if "sequence persistence" in w]
        assert len(listed) == 1 and listed[0].endswith(
            "public.free unlogged, public.startup_logs_id_seq unlogged, public.u3_id_seq logged"), result.unmanaged
