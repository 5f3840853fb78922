"""push compares the code with the live database in the spellings drift and generate take as the code's own
(`declared_forms`): before, a `server_default="now()"` (the string: the server evaluates it once, when it stores
the default) was pushed again on every push, as a serial kept through its table's rename was (see
test_serial_renamed_table)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pgtools import temp_database

from mizzle.commands.push import push
from mizzle.config import load_config

pytestmark = pytest.mark.pg


def test_a_second_push_of_a_frozen_now_default_finds_nothing(pg_available: bool, tmp_path: Path) -> None:
    (tmp_path / "push_frozen_schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "         sa.Column('at', sa.DateTime, server_default='now()'))\n")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nnaming = "postgresql"\n'
                                          'schema = ["push_frozen_schema.py"]\n')
    try:
        with temp_database("mzpush") as url:
            assert push(load_config(tmp_path / "mizzle.toml"), url=url).applied
            again = push(load_config(tmp_path / "mizzle.toml"), url=url, dry_run=True)
            assert again.changes == [] and again.statements == [], again.changes
    finally:
        sys.modules.pop("push_frozen_schema", None)
