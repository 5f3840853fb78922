"""The dialect registry: which names exist, how they are spelled, and the object each implemented one gives."""

from __future__ import annotations

import typing

import pytest

from mizzle import dialects
from mizzle.dialects.base import Dialect
from mizzle.errors import UsageError


def test_aliases_name_one_dialect() -> None:
    assert [dialects.canonical(n) for n in ("postgres", "pg", "postgresql", "turso", "sqlite")] == \
        ["postgresql", "postgresql", "postgresql", "sqlite", "sqlite"]
    assert dialects.get("pg") is dialects.get("postgresql")
    assert dialects.get("turso").name == "sqlite"


def test_a_known_dialect_without_an_implementation_is_a_usage_error() -> None:
    assert "mysql" in dialects.KNOWN and "mysql" not in dialects.IMPLEMENTED
    with pytest.raises(UsageError, match=r"the mysql dialect is not implemented .*implemented: postgresql, sqlite"):
        dialects.get("mysql")
    with pytest.raises(UsageError, match=r"unknown dialect 'oracle'"):
        dialects.get("oracle")
    assert dialects.find("mysql") is None and dialects.find("sqlite") is dialects.get("sqlite")


def _members(protocol: type) -> set[str]:
    return {n for n in vars(protocol) if not n.startswith("_")} | set(typing.get_type_hints(protocol))


@pytest.mark.parametrize("name", dialects.IMPLEMENTED)
def test_each_implemented_dialect_has_every_hook(name: str) -> None:
    d = dialects.get(name)
    missing = sorted(m for m in _members(Dialect) if not hasattr(d, m))
    assert not missing, f"{name} lacks {missing}"
    assert d.name == name and d.journal_version == dialects.JOURNAL_VERSIONS[name]


def test_capabilities_follow_the_dialect() -> None:
    pg, lite = dialects.get("postgresql"), dialects.get("sqlite")
    assert (pg.online, pg.idempotent, pg.lint, pg.embedded) == (True, True, True, False)
    assert (lite.online, lite.idempotent, lite.lint, lite.embedded) == (False, False, False, True)
