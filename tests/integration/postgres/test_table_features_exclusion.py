"""Exclusion constraints (issue 17 item 1): pulled as `postgresql.ExcludeConstraint`, created, changed (drop and add)
and removed from schema code, caught by drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from feature_accept import code_versions, pull_round_trip

pytestmark = pytest.mark.pg


def test_exclusion_constraints_are_pulled_and_exported(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    code = pull_round_trip(tmp_path, run_mizzle, [
        "CREATE TABLE public.booking (id integer PRIMARY KEY, room integer, during tsrange, name text, "
        "CONSTRAINT booking_during_excl EXCLUDE USING gist (during WITH &&) WHERE (room > 0), "
        "CONSTRAINT booking_name_excl EXCLUDE USING btree (lower(name) WITH =) DEFERRABLE INITIALLY DEFERRED)",
        "CREATE TABLE public.slot (a int4range, b int4range)",
        "ALTER TABLE public.slot ADD EXCLUDE USING gist (a WITH &&, b WITH &&)",
    ], expect_in_code=['pg.ExcludeConstraint(("during", "&&"), name="booking_during_excl", using="gist", '
                       'where=sa.text("room > 0"))',
                       'pg.ExcludeConstraint((sa.text("lower(name)"), "="), name="booking_name_excl", using="btree", '
                       'deferrable=True, initially="DEFERRED")',
                       'name="slot_a_b_excl"'])
    assert code.count("ExcludeConstraint") == 3


T = ("sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False), "
     "sa.Column('r', pg.INT4RANGE), sa.Column('s', pg.INT4RANGE){x})\n")
SQL = "CREATE TABLE public.t (id integer PRIMARY KEY, r int4range, s int4range{x})"


def test_exclusion_added_changed_and_removed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    versions = [
        (T.format(x=""), [SQL.format(x="")]),
        (T.format(x=", pg.ExcludeConstraint(('r', '&&'), using='gist')"),
         [SQL.format(x=", EXCLUDE USING gist (r WITH &&)")]),
        (T.format(x=", pg.ExcludeConstraint(('r', '&&'), ('s', '&&'), name='t_r_excl', using='gist', "
                    "where=sa.text('id > 0'))"),
         [SQL.format(x=", CONSTRAINT t_r_excl EXCLUDE USING gist (r WITH &&, s WITH &&) WHERE (id > 0)")]),
        (T.format(x=""), [SQL.format(x="")]),
    ]
    sqls = code_versions(tmp_path, run_mizzle, versions, hand_change=[
        "ALTER TABLE public.t ADD CONSTRAINT t_s_excl EXCLUDE USING gist (s WITH &&)"])
    assert 'ADD CONSTRAINT "t_r_excl" EXCLUDE USING gist ("r" WITH &&)' in sqls[1]
    assert 'DROP CONSTRAINT "t_r_excl"' in sqls[2] and "WHERE (id > 0)" in sqls[2]


def test_exclusion_index_parameters_are_pulled_and_exported(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """INCLUDE columns and storage parameters of the constraint's index: read, written as info, rebuilt."""
    code = pull_round_trip(tmp_path, run_mizzle, [
        "CREATE TABLE public.booking (id integer PRIMARY KEY, room integer, during tsrange, note text, "
        "CONSTRAINT booking_during_excl EXCLUDE USING gist (during WITH &&) INCLUDE (room, note) "
        "WITH (fillfactor=70, buffering=on) WHERE (room > 0))",
        # an operator class on an expression element (and on a column)
        "CREATE TABLE public.person (name text, code text, "
        "EXCLUDE USING btree ((lower(name)) text_pattern_ops WITH =, code text_pattern_ops WITH =))",
    ], expect_in_code=['sa.literal_column("(lower(name))")', 'ops={"(lower(name))": "text_pattern_ops", '
                       '"code": "text_pattern_ops"}','info={"mizzle": {"include": ["room", "note"], "with": {"fillfactor": "70", '
                       '"buffering": "on"}}}'])
    assert code.count("ExcludeConstraint") == 2


def test_exclusion_index_parameters_added_changed_and_removed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    x = ", pg.ExcludeConstraint(('r', '&&'), name='t_r_excl', using='gist'{i})"
    s = ", CONSTRAINT t_r_excl EXCLUDE USING gist (r WITH &&){i}"
    versions = [
        (T.format(x=x.format(i="")), [SQL.format(x=s.format(i=""))]),
        (T.format(x=x.format(i=", info={'mizzle': {'include': ['id'], 'with': {'fillfactor': 80}}}")),
         [SQL.format(x=s.format(i=" INCLUDE (id) WITH (fillfactor=80)"))]),
        (T.format(x=x.format(i=", info={'mizzle': {'include': ['id', 's'], 'with': {'fillfactor': 60}}}")),
         [SQL.format(x=s.format(i=" INCLUDE (id, s) WITH (fillfactor=60)"))]),
        (T.format(x=x.format(i="")), [SQL.format(x=s.format(i=""))]),
    ]
    sqls = code_versions(tmp_path, run_mizzle, versions, hand_change=[
        "ALTER TABLE public.t DROP CONSTRAINT t_r_excl",
        "ALTER TABLE public.t ADD CONSTRAINT t_r_excl EXCLUDE USING gist (r WITH &&) WITH (fillfactor=50)"])
    assert 'EXCLUDE USING gist ("r" WITH &&) INCLUDE ("id") WITH (fillfactor=80)' in sqls[1]
    assert 'DROP CONSTRAINT "t_r_excl"' in sqls[2] and 'INCLUDE ("id","s") WITH (fillfactor=60)' in sqls[2]
    assert 'DROP CONSTRAINT "t_r_excl"' in sqls[3] and "INCLUDE" not in sqls[3]
