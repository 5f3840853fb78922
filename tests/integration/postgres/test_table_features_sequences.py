"""Sequences `AS smallint|integer` and `OWNED BY` (issue 17 item 7): pulled (`Sequence(data_type=…)`, the owning
column's info owns_sequence), created, changed, dropped with their table, caught by drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from feature_accept import code_versions, pull_round_trip

pytestmark = pytest.mark.pg


def test_sequence_type_and_owner_are_pulled_and_exported(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    code = pull_round_trip(tmp_path, run_mizzle, [
        "CREATE SEQUENCE public.small_seq AS smallint",
        "CREATE SEQUENCE public.counter AS integer START 10",
        "CREATE TABLE public.t (id integer PRIMARY KEY, n integer DEFAULT nextval('public.counter'))",
        "ALTER SEQUENCE public.counter OWNED BY public.t.n",
        "CREATE SEQUENCE public.free_seq",
    ], expect_in_code=['sa.Sequence("small_seq", start=1, increment=1, minvalue=1, maxvalue=32767, cache=1, '
                       'data_type=sa.SmallInteger', 'data_type=sa.Integer',
                       'info={"mizzle": {"owns_sequence": "counter"}}'])
    assert code.count("data_type=") == 2


SEQ = "counter = sa.Sequence('counter'{a}, metadata=metadata)\n"
T = ("sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False), "
     "sa.Column('n', sa.Integer, server_default=sa.text(\"nextval('counter'::regclass)\"){o}))\n")


def test_sequence_type_and_owner_added_changed_and_dropped_with_the_table(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    owns = ', info={"mizzle": {"owns_sequence": "counter"}}'
    tbl = "CREATE TABLE public.t (id integer PRIMARY KEY, n integer DEFAULT nextval('public.counter'))"
    versions = [
        (SEQ.format(a="") + T.format(o=""), ["CREATE SEQUENCE public.counter", tbl]),
        (SEQ.format(a=", data_type=sa.Integer") + T.format(o=owns),
         ["CREATE SEQUENCE public.counter AS integer", tbl, "ALTER SEQUENCE public.counter OWNED BY public.t.n"]),
        (SEQ.format(a=", data_type=sa.SmallInteger") + T.format(o=""),
         ["CREATE SEQUENCE public.counter AS smallint", tbl]),
        (SEQ.format(a=", data_type=sa.SmallInteger") + T.format(o=owns),
         ["CREATE SEQUENCE public.counter AS smallint", tbl, "ALTER SEQUENCE public.counter OWNED BY public.t.n"]),
        ("", []),  # the table goes, and its sequence with it
    ]
    sqls = code_versions(tmp_path, run_mizzle, versions, hand_change=[])
    assert 'OWNED BY "public"."t"."n"' in sqls[1] and "AS integer" in sqls[1]
    assert "OWNED BY NONE" in sqls[2] and "AS smallint" in sqls[2]
    assert 'DROP SEQUENCE IF EXISTS "public"."counter"' in sqls[4]


def test_drift_sees_a_sequence_owner_changed_by_hand(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    code_versions(tmp_path, run_mizzle, [(SEQ.format(a=", data_type=sa.Integer") + T.format(o=""), [
        "CREATE SEQUENCE public.counter AS integer",
        "CREATE TABLE public.t (id integer PRIMARY KEY, n integer DEFAULT nextval('public.counter'))"])],
        hand_change=["ALTER SEQUENCE public.counter OWNED BY public.t.n"])


R = ("sa.Table('{t}', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False), "
     "sa.Column('{c}', sa.Integer, server_default=sa.text(\"nextval('counter'::regclass)\"), "
     "info={{\"mizzle\": {{\"owns_sequence\": \"counter\"{cr}}}}}){tr})\n")


def test_renames_carry_the_sequence_owner_over(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL keeps OWNED BY through a table or column rename (it points at the column, not at its name):
    the migration renames and says nothing of the owner, and the database is the one built with the new names."""
    def sql(t: str, c: str) -> list[str]:
        return ["CREATE SEQUENCE public.counter AS integer",
                f"CREATE TABLE public.{t} (id integer PRIMARY KEY, {c} integer DEFAULT nextval('public.counter'))",
                f"ALTER SEQUENCE public.counter OWNED BY public.{t}.{c}"]
    seq = SEQ.format(a=", data_type=sa.Integer")
    versions = [
        (seq + R.format(t="t", c="n", cr="", tr=""), sql("t", "n")),
        (seq + R.format(t="u", c="n", cr="", tr=', info={"mizzle": {"renamed_from": "t"}}'), sql("u", "n")),
        (seq + R.format(t="u", c="m", cr=', "renamed_from": "n"', tr=""), sql("u", "m")),
    ]
    sqls = code_versions(tmp_path, run_mizzle, versions, hand_change=["ALTER SEQUENCE public.counter OWNED BY NONE"])
    assert 'RENAME TO "u"' in sqls[1] and 'RENAME COLUMN "n" TO "m"' in sqls[2]
    assert "OWNED BY" not in sqls[1] + sqls[2], sqls[1] + sqls[2]
