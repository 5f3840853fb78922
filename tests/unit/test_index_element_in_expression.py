"""drizzle-kit 0.x keeps an index column written as sql`` whole in its snapshot row, operator class included:
`.using("gist", sql`lower(${t.name}) || ' ' || lower(${t.acronym}) gist_trgm_ops`)` is the row
`{"expression": "lower(\"name\") || ' ' || lower(\"acronym\") gist_trgm_ops", "isExpression": true}`. Not being a
function call, that text is no index element PostgreSQL takes (its SQL gets parentheses around the expression, by
hand). Read whole as the expression, verify, drift and generate --check found the index differing from the database
at every step after it (`columns ((lower("name") || ' ' || lower("acronym") gist_trgm_ops)) → (((lower(name::text)
|| ' '::text) || lower(acronym::text))) gist_trgm_ops)`: a tournament-platform folder's trigram index). No server."""

from __future__ import annotations

from mizzle.dialects.postgres.expressions import split_index_element


def test_an_operator_class_after_an_expression_that_is_no_function_call_is_the_elements() -> None:
    e, asc, nulls, opclass, collation = split_index_element("""lower("name") || ' ' || lower("acronym") gist_trgm_ops""")
    assert (asc, nulls, opclass, collation) == (None, None, "gist_trgm_ops", None)
    assert e == "lower(name) || ' ' || lower(acronym)"


def test_an_operator_class_and_an_ordering_after_such_an_expression() -> None:
    got = split_index_element("""coalesce("a", '') || "b" public.gin_trgm_ops desc nulls last""")
    assert got[1:4] == (False, "last", "public.gin_trgm_ops")


def test_an_ordering_inside_the_text_of_a_cast_still_splits() -> None:
    assert split_index_element('"published"::timestamptz(3) desc')[1] is False


def test_text_no_split_makes_an_element_of_stays_whole() -> None:
    for text in ('"a" + "b"', "a || ' x y ' || b", "lower(x) ||"):
        assert split_index_element(text) == (text, None, None, None, None)
