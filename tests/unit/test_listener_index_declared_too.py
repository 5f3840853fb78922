"""A DDL listener making an index the code declares too: create_all fails on it (`relation … already exists`), so
the warning says to remove the listener instead of advising to declare the index that is declared. Found on
Faraday's faraday/server/models.py: `uix_vulnerability`, an expression unique index made by an after_create DDL on
the vulnerability table; declared as sa.Index as mizzle's warning advised, the warning still read "declare it as
sa.Index(…)" while the app's create_all (its tests') now failed on the listener."""

from __future__ import annotations

import sqlalchemy as sa

from mizzle.sources.sqlalchemy import schema_from_metadata


def _vulnerability(declared: bool) -> sa.MetaData:
    md = sa.MetaData()
    t = sa.Table("vulnerability", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))
    sa.event.listen(t, "after_create", sa.DDL("CREATE UNIQUE INDEX uix_vulnerability ON %(fullname)s (md5(name));")
                    .execute_if(dialect="postgresql"))
    if declared:
        sa.Index("uix_vulnerability", sa.func.md5(t.c.name), unique=True)
    return md


def test_a_listener_making_an_index_the_code_declares_says_to_remove_it() -> None:
    [line] = schema_from_metadata([_vulnerability(True)], dialect="postgresql").objects.unmanaged
    assert "the code declares index uix_vulnerability too" in line, line
    assert "remove the listener" in line and "declare it as sa.Index" not in line, line


def test_an_undeclared_index_is_still_to_be_declared() -> None:
    [line] = schema_from_metadata([_vulnerability(False)], dialect="postgresql").objects.unmanaged
    assert "declare it as sa.Index(" in line, line
