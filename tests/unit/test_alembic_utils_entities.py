"""Functions, triggers and extensions the schema code registers with alembic_utils (`register_entities`), as Polar's
models do (`PGFunction("generate_customer_short_id", …)` called by a column's server default, search-vector
triggers, `PGExtension("citext")` for its CITEXT columns): Alembic's autogenerate makes them, mizzle's migrations
did not, without a word — the first migration then failed on a fresh database (`type "citext" does not exist`,
`function generate_customer_short_id() does not exist`). Each one not also declared with mizzle.pg is named now.

alembic_utils is not a dependency of mizzle: its registry is stood in for by a module of the same attributes
(`registry.entities()`; an entity's `schema`, `signature` and, for a trigger, `on_entity`)."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from mizzle.pg import Extension, Function
from mizzle.sources.loader import FoundMetaData
from mizzle.sources.sqlalchemy import schema_from_metadata


@dataclass
class PGFunction:
    schema: str
    signature: str
    definition: str


@dataclass
class PGTrigger:
    schema: str
    signature: str
    on_entity: str
    definition: str


@dataclass
class PGExtension:
    schema: str
    signature: str


class _Registry:
    def __init__(self, entities: list[object]) -> None:
        self._entities = entities

    def entities(self) -> list[object]:
        return list(self._entities)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("alembic_utils.replaceable_entity")
    module.registry = _Registry([  # type: ignore[attr-defined]
        PGExtension("public", "citext"),
        PGFunction("public", "generate_customer_short_id(creation_timestamp timestamp with time zone "
                             "DEFAULT clock_timestamp())", "RETURNS bigint AS $$ … $$ LANGUAGE plpgsql"),
        PGTrigger("public", "customers_search_vector_trigger", "public.customers",
                  "BEFORE INSERT OR UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION customers_sv()")])
    monkeypatch.setitem(sys.modules, "alembic_utils.replaceable_entity", module)


def _metadata() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("customers", md, sa.Column("id", sa.Integer, primary_key=True))
    return md


def test_each_registered_entity_is_named(registered: None) -> None:
    lines = schema_from_metadata([_metadata()]).objects.unmanaged
    assert len(lines) == 3
    ext, fn, trg = lines
    assert ext.startswith("extension public.citext, registered with alembic_utils' register_entities: ")
    assert "mizzle.pg.Extension" in ext
    assert fn.startswith("function public.generate_customer_short_id(creation_timestamp timestamp with time zone")
    assert "mizzle.pg.Function" in fn and "mizzle pull" in fn
    assert trg.startswith("trigger public.customers_search_vector_trigger on public.customers, registered with ")
    assert "mizzle.pg.Trigger" in trg


def test_one_declared_with_mizzle_pg_is_not_named(registered: None) -> None:
    found = FoundMetaData(_metadata(), "app/schema.py", (
        Extension("citext"), Function("generate_customer_short_id", "BEGIN RETURN 1; END", returns="bigint")))
    lines = schema_from_metadata([found]).objects.unmanaged
    assert [line.split(",")[0] for line in lines] == ["trigger public.customers_search_vector_trigger on public.customers"]


def test_nothing_without_alembic_utils(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "alembic_utils.replaceable_entity", raising=False)
    assert schema_from_metadata([_metadata()]).objects.unmanaged == ()
