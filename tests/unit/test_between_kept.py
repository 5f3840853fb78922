"""`betweens_kept`: an AND nested first in an AND (a NOT BETWEEN's OR first in an OR) that is a BETWEEN's two
comparisons, in the server's unpretty text, is written as the BETWEEN again (no other text makes that tree)."""

from __future__ import annotations

import pytest

from mizzle.dialects.postgres.expressions import betweens_kept, expression_key, faithful


@pytest.mark.parametrize(("plain", "kept"), [
    ("((a >= 1) AND (a <= 5)) AND (b > 0)", "(a BETWEEN 1 AND 5) AND (b > 0)"),
    ("(((a < 1) OR (a > 5)) OR (b IS NULL))", "((a NOT BETWEEN 1 AND 5) OR (b IS NULL))"),
    ("((s = 'x AND (y') OR (((d >= '2020-01-01'::date) AND (d <= (now() + '1 day'::interval))) AND (s <> ''::text)))",
     "((s = 'x AND (y') OR ((d BETWEEN '2020-01-01'::date AND (now() + '1 day'::interval)) AND (s <> ''::text)))"),
])
def test_a_betweens_comparisons_nested_first_are_written_as_the_between(plain: str, kept: str) -> None:
    assert betweens_kept(plain) == kept
    assert expression_key(kept) == expression_key(plain)


@pytest.mark.parametrize("plain", [
    "((a >= 1) AND (b <= 5)) AND (b > 0)",  # two expressions: a row comparison's, not a BETWEEN's
    "(b > 0) AND ((a >= 1) AND (a <= 5))",  # nested in second place: the parentheses keep it
    "((a >= 1) AND (a <= 5))",
    "((a > 1) AND (a <= 5)) AND (b > 0)",
])
def test_anything_else_is_left_as_printed(plain: str) -> None:
    assert betweens_kept(plain) == plain


def test_faithful_takes_the_between_over_the_pretty_text() -> None:
    assert faithful("a >= 1 AND a <= 5 AND b > 0", "(((a >= 1) AND (a <= 5)) AND (b > 0))") == \
        "(a BETWEEN 1 AND 5) AND (b > 0)"
    assert faithful("a >= 1 AND b > 0", "((a >= 1) AND (b > 0))") == "a >= 1 AND b > 0"
