"""Column collations (issue 17 item 9): pulled, declared with `collation=` (or info for a type SQLAlchemy gives none),
kept through type changes, diffed, and caught by drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from feature_accept import code_versions, pull_round_trip

pytestmark = pytest.mark.pg


def test_collations_are_pulled_and_exported(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    code = pull_round_trip(tmp_path, run_mizzle, prelude=["CREATE EXTENSION citext"], sql=[
        'CREATE TABLE public.t (id integer PRIMARY KEY, name text COLLATE "C", code varchar(20) COLLATE "POSIX", '
        'tags text[] COLLATE "C", plain text, icu text COLLATE "und-x-icu", ci citext COLLATE "C")',
        'CREATE INDEX t_name ON public.t (name)',
    ], expect_in_code=['sa.Text(collation="C")', 'sa.String(20, collation="POSIX")',
                       'pg.ARRAY(sa.Text(collation="C"))', '"collation": "C"'])
    assert code.count("collation") == 5


V0 = "sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False), {cols})\n"
SQL0 = "CREATE TABLE public.t (id integer PRIMARY KEY, {cols})"


def test_collations_added_changed_and_removed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    versions = [
        (V0.format(cols="sa.Column('name', sa.Text), sa.Column('code', sa.String(20))"),
         [SQL0.format(cols="name text, code varchar(20)")]),
        (V0.format(cols="sa.Column('name', sa.Text(collation='C')), sa.Column('code', sa.String(20, collation='C'))"),
         [SQL0.format(cols='name text COLLATE "C", code varchar(20) COLLATE "C"')]),
        # another collation; a type change keeps the column's collation
        (V0.format(cols="sa.Column('name', sa.Text(collation='POSIX')), "
                        "sa.Column('code', sa.String(40, collation='C'))"),
         [SQL0.format(cols='name text COLLATE "POSIX", code varchar(40) COLLATE "C"')]),
        (V0.format(cols="sa.Column('name', sa.Text), sa.Column('code', sa.String(40))"),
         [SQL0.format(cols="name text, code varchar(40)")]),
    ]
    sqls = code_versions(tmp_path, run_mizzle, versions,
                         hand_change=['ALTER TABLE public.t ALTER COLUMN name TYPE text COLLATE "C"'])
    assert 'SET DATA TYPE varchar(40) COLLATE "C"' in sqls[2]
