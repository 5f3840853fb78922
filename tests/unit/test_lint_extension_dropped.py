"""MZ126: a DROP EXTENSION takes the extension's functions, types and operators with it. `generate` writes one for an
extension the schema code no longer declares: adopting mizzle on mealie's models after a pull dropped pg_trgm, and on
the full-stack FastAPI template's uuid-ossp, while lint said nothing (MZ101 names a DROP TABLE)."""

from __future__ import annotations

from mizzle.lint import LintContext, lint_file


def findings(text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in lint_file(text, LintContext(file="t.sql"))]


def test_a_dropped_extension_is_named() -> None:
    [(rule, message)] = findings('DROP EXTENSION "pg_trgm";')
    assert rule == "MZ126" and message.startswith("DROP EXTENSION pg_trgm removes its functions"), message
    assert "CASCADE every" not in message


def test_each_extension_of_one_drop_and_its_cascade_are_named() -> None:
    found = findings('DROP EXTENSION IF EXISTS citext, "uuid-ossp" CASCADE;')
    assert [r for r, _ in found] == ["MZ126", "MZ126"]
    assert "uuid-ossp" in found[1][1] and "CASCADE every column" in found[1][1]


def test_creating_an_extension_is_no_finding() -> None:
    assert findings('CREATE EXTENSION IF NOT EXISTS "pg_trgm";') == []
