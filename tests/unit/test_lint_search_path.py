"""An unqualified name is made in, and looked up in, the first schema of the file's `SET search_path`, as
PostgreSQL does. An old pg_dump's file (the airlines demo's `SET search_path = bookings, pg_catalog;` before its
unqualified `CREATE TABLE`s) and postgres_air's scripts mix that with qualified names: lint took every unqualified
name for `public`, so an index on the table the file had just made, named with its schema, was MZ204 (an index
built on an existing table without CONCURRENTLY)."""

from __future__ import annotations

from mizzle.lint import LintContext, lint_file
from mizzle.schema.model import Column, Schema, Table


def rules(text: str, previous: Schema | None = None) -> dict[str, str]:
    return {f.rule: f.message for f in lint_file(text, LintContext(previous=previous, file="t.sql"))}


def test_a_table_made_unqualified_under_a_search_path_is_new_when_named_with_its_schema() -> None:
    text = """CREATE SCHEMA air;
SET search_path = air, public;
CREATE TABLE flight (id integer PRIMARY KEY, dep char(3));
CREATE INDEX flight_dep ON air.flight (dep);
"""
    assert "MZ204" not in rules(text), rules(text)
    assert "MZ204" in rules(text.replace("SET search_path = air, public;\n", ""))


def test_an_unqualified_name_is_looked_up_in_the_search_path_until_it_is_reset() -> None:
    before = Schema(tables=(Table("orders", schema="shop", columns=(Column("id", "integer"),)),))
    found = rules('SET search_path TO "$user", shop;\nCREATE INDEX orders_id ON orders (id);', before)
    assert "shop.orders" in found["MZ204"], found
    reset = rules("SET search_path = shop;\nRESET search_path;\nCREATE INDEX o ON orders (id);", before)
    assert "public.orders" in reset["MZ204"], reset
