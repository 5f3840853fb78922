"""Which statements the PostgreSQL runner sends outside a transaction: decided at the start of each statement,
never by a word inside a string literal, a quoted name or a dollar-quoted body."""

import pytest

from mizzle.dialects.postgres.runner import PostgresBackend

CASES = {
    "CREATE INDEX CONCURRENTLY i ON t (a)": True,
    "create unique index concurrently if not exists i on t(a)": True,
    "-- build it online\nDROP INDEX CONCURRENTLY IF EXISTS i": True,
    "REINDEX INDEX CONCURRENTLY i": True,
    "ALTER TABLE p DETACH PARTITION c CONCURRENTLY": True,
    "VACUUM t": True,
    "CREATE DATABASE x": True,
    "SET LOCAL lock_timeout = '5s'; CREATE INDEX CONCURRENTLY i ON t (a)": True,
    "ALTER TABLE t ADD CONSTRAINT c CHECK (a <> 'concurrently')": False,
    'ALTER TABLE "CONCURRENTLY" ADD COLUMN x integer': False,
    "REFRESH MATERIALIZED VIEW CONCURRENTLY v": False,  # allowed in a transaction
    "DO $$ BEGIN PERFORM 'x; VACUUM'; END $$": False,
    "DO $body$ BEGIN EXECUTE 'VACUUM'; END $body$": False,
    "ALTER TYPE e ADD VALUE 'x'": False,
}


@pytest.mark.parametrize("sql,outside", list(CASES.items()))
def test_must_run_outside_transaction(sql: str, outside: bool) -> None:
    assert PostgresBackend.must_run_outside_transaction(None, sql) is outside  # type: ignore[arg-type]
