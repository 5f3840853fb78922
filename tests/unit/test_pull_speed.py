"""The speed tricks on `pull`'s path (issue 18) must give what the plain computation gives."""

from __future__ import annotations

import gc

import pytest
from pglast import parse_sql

from mizzle import collector
from mizzle.dialects.postgres import expressions


def _parsed_answer(expr: str) -> str:
    """column_default's answer from the parser alone (its code before the plain forms were settled without it)."""
    try:
        parse_sql(f"CREATE TABLE t (c int DEFAULT {expr})")
        return expr
    except Exception:  # noqa: BLE001
        try:
            parse_sql(f"CREATE TABLE t (c int DEFAULT ({expr}))")
        except Exception:  # noqa: BLE001
            return expr
        return f"({expr})"


PLAIN = ["'new'", "0", "-1.5", "now()", "false", "NULL", "'{}'", "'it''s'", "'{}'::jsonb", "'x'::character varying",
         "'a'::public.state[]", "0::numeric(12, 2)", "'2020-01-01'::timestamp(3) with time zone",
         "'1'::double precision", "gen_random_uuid()::text", "'{a}'::text[][]", "x()"]
NOT_PLAIN = ["now() at time zone 'utc'", "now()::timestamp at time zone utc", "0 isnull", "1 + 2", "'x' || 'y'",
             "nextval('s'::regclass)", "'x'::text collate \"C\"", "(now())", "'a' 'b'", "E'x'",
             "'x'::\"Mood\"", "true and false", "current_timestamp"]


@pytest.mark.parametrize("expr", PLAIN + NOT_PLAIN)
def test_plain_defaults_are_answered_as_the_parser_answers(expr: str) -> None:
    expressions.column_default.cache_clear()
    assert expressions.column_default(expr) == _parsed_answer(expr)
    assert bool(expressions._PLAIN_DEFAULT.fullmatch(expr)) == (expr in PLAIN)


def test_pause_freezes_after_only_in_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    if not gc.isenabled():
        pytest.skip("the collector is off in this process")
    before = gc.get_freeze_count()
    with collector.paused(freeze_after=True):
        kept = [[i] for i in range(100)]
    assert gc.isenabled() and gc.get_freeze_count() == before  # a library call: nothing frozen
    monkeypatch.setattr(collector, "freeze_imported_objects", True)
    try:
        with collector.paused(freeze_after=True):
            assert not gc.isenabled()
            kept += [[i] for i in range(100)]
        assert gc.isenabled() and gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()
