"""DEFERRABLE / INITIALLY DEFERRED on primary keys and unique constraints (issue 17 item 2): pulled, declared with
`deferrable=` / `initially=`, changed by drop and add, caught by drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from feature_accept import code_versions, pull_round_trip

pytestmark = pytest.mark.pg


def test_deferrable_keys_are_pulled_and_exported(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    code = pull_round_trip(tmp_path, run_mizzle, [
        "CREATE TABLE public.a (id integer PRIMARY KEY DEFERRABLE INITIALLY DEFERRED, "
        "code text CONSTRAINT a_code_key UNIQUE DEFERRABLE, n int)",
        "CREATE TABLE public.b (x int, y int, CONSTRAINT b_pk PRIMARY KEY (x, y) DEFERRABLE INITIALLY IMMEDIATE, "
        "CONSTRAINT b_y_key UNIQUE NULLS NOT DISTINCT (y) DEFERRABLE INITIALLY DEFERRED)",
        "CREATE TABLE public.c (id int PRIMARY KEY, a_n int UNIQUE)",
    ], expect_in_code=['sa.PrimaryKeyConstraint("id", deferrable=True, initially="DEFERRED")',
                       'name="a_code_key", deferrable=True, initially="IMMEDIATE"',
                       'postgresql_nulls_not_distinct=True, deferrable=True, initially="DEFERRED"'])
    assert code.count("deferrable=True") == 4


T = ("sa.Table('t', metadata, sa.Column('id', sa.Integer, autoincrement=False), sa.Column('code', sa.Text), "
     "sa.PrimaryKeyConstraint('id'{pk}), sa.UniqueConstraint('code', name='t_code_key'{uq}))\n")
SQL = "CREATE TABLE public.t (id integer, code text, PRIMARY KEY (id){pk}, CONSTRAINT t_code_key UNIQUE (code){uq})"


def test_deferrable_added_changed_and_removed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    versions = [
        (T.format(pk="", uq=""), [SQL.format(pk="", uq="")]),
        (T.format(pk=", deferrable=True", uq=", deferrable=True, initially='DEFERRED'"),
         [SQL.format(pk=" DEFERRABLE", uq=" DEFERRABLE INITIALLY DEFERRED")]),
        (T.format(pk=", deferrable=True, initially='DEFERRED'", uq=", deferrable=True"),
         [SQL.format(pk=" DEFERRABLE INITIALLY DEFERRED", uq=" DEFERRABLE")]),
        (T.format(pk="", uq=""), [SQL.format(pk="", uq="")]),
    ]
    sqls = code_versions(tmp_path, run_mizzle, versions,
                         hand_change=["ALTER TABLE public.t DROP CONSTRAINT t_code_key",
                                      "ALTER TABLE public.t ADD CONSTRAINT t_code_key UNIQUE (code) DEFERRABLE"])
    assert "DEFERRABLE INITIALLY DEFERRED" in sqls[1] and "DEFERRABLE INITIALLY DEFERRED" in sqls[2]
