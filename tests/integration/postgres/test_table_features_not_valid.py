"""NOT VALID checks and foreign keys, NO INHERIT checks (issue 17 item 6): pulled (`postgresql_not_valid=True`,
info no_inherit), kept, validated by VALIDATE CONSTRAINT when the code drops NOT VALID, caught by drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from feature_accept import code_versions, pull_round_trip

pytestmark = pytest.mark.pg


def test_not_valid_and_no_inherit_are_pulled_and_exported(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    code = pull_round_trip(tmp_path, run_mizzle, [
        "CREATE TABLE public.p (id integer PRIMARY KEY)",
        "CREATE TABLE public.c (id integer PRIMARY KEY, p_id integer, n integer, m integer)",
        "INSERT INTO public.p VALUES (1)",
        "INSERT INTO public.c VALUES (1, 2, -1, 5)",
        "ALTER TABLE public.c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES public.p(id) NOT VALID",
        "ALTER TABLE public.c ADD CONSTRAINT c_n_check CHECK (n > 0) NOT VALID",
        "ALTER TABLE public.c ADD CONSTRAINT c_m_check CHECK (m > 0) NO INHERIT",
        "ALTER TABLE public.c ADD CONSTRAINT c_mn_check CHECK (m > n) NO INHERIT NOT VALID",
    ], expect_in_code=['name="c_p_fk", postgresql_not_valid=True', 'name="c_n_check", postgresql_not_valid=True',
                       'name="c_m_check", info={"mizzle": {"no_inherit": True}}',
                       'name="c_mn_check", postgresql_not_valid=True, info={"mizzle": {"no_inherit": True}}'])
    assert code.count("not_valid") == 3


T = ("sa.Table('p', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False))\n"
     "sa.Table('c', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False), "
     "sa.Column('p_id', sa.Integer), sa.Column('n', sa.Integer), "
     "sa.ForeignKeyConstraint(['p_id'], ['p.id'], name='c_p_fk'{fk}), "
     "sa.CheckConstraint('n > 0', name='c_n_check'{ck}))\n")
SQL = ["CREATE TABLE public.p (id integer PRIMARY KEY)",
       "CREATE TABLE public.c (id integer PRIMARY KEY, p_id integer, n integer)"]


def _sql(fk: str, ck: str) -> list[str]:
    return [*SQL, f"ALTER TABLE public.c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES public.p(id){fk}",
            f"ALTER TABLE public.c ADD CONSTRAINT c_n_check CHECK (n > 0){ck}"]


def test_not_valid_added_validated_and_no_inherit(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    nv = ", postgresql_not_valid=True"
    versions = [
        (T.format(fk="", ck=""), _sql("", "")),
        (T.format(fk=nv, ck=nv), _sql(" NOT VALID", " NOT VALID")),  # dropped and added NOT VALID
        (T.format(fk="", ck=""), _sql("", "")),  # validated
        (T.format(fk="", ck=', info={"mizzle": {"no_inherit": True}}'), _sql("", " NO INHERIT")),
    ]
    sqls = code_versions(tmp_path, run_mizzle, versions,
                         hand_change=["ALTER TABLE public.c DROP CONSTRAINT c_p_fk",
                                      "ALTER TABLE public.c ADD CONSTRAINT c_p_fk FOREIGN KEY (p_id) "
                                      "REFERENCES public.p(id) NOT VALID"])
    assert sqls[2].count("VALIDATE CONSTRAINT") == 2 and "DROP CONSTRAINT" not in sqls[2], sqls[2]
    assert "NO INHERIT" in sqls[3]


def test_a_new_table_keeps_its_not_valid_check(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    body = ("sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False), "
            "sa.Column('n', sa.Integer), sa.CheckConstraint('n > 0', name='t_n_check', postgresql_not_valid=True))\n")
    code_versions(tmp_path, run_mizzle, [(body, [
        "CREATE TABLE public.t (id integer PRIMARY KEY, n integer)",
        "ALTER TABLE public.t ADD CONSTRAINT t_n_check CHECK (n > 0) NOT VALID"])],
        hand_change=["ALTER TABLE public.t VALIDATE CONSTRAINT t_n_check"])
