"""The SQLite reader's keys for expressions PostgreSQL's parser cannot read (SQLite's own operators)."""

from __future__ import annotations

import pytest

from mizzle.dialects.sqlite.reader import expression_key

# Micsushi/flapstack's attachments_upload_provenance_check, in our own words: the snapshot holds drizzle-kit's
# rendering of the schema code's sql`` (names qualified with the table, lower-case keywords, wrapped in
# parentheses), the database the migration's hand-written text (backticks, upper case). SQLite's `IS 'upload'` and
# `NOT GLOB` are no PostgreSQL syntax, so the two were compared as text, and drift, pull + generate --check and
# verify reported the check changed.
SNAPSHOT = """
  (
    ("files"."kind" is null and "files"."size" is null)
    or ("files"."kind" is 'upload' and "files"."size" between 0 and 1024
        and "files"."sha" not glob '*[^0-9a-f]*')
  )
"""
DATABASE = """(`kind` IS NULL AND `size` IS NULL)
\tOR (`kind` IS 'upload' AND [size] BETWEEN 0 AND 1024
\t\tAND "sha" NOT GLOB '*[^0-9a-f]*')"""


def test_sqlite_only_syntax_is_compared_past_quotes_qualifiers_case_and_outer_parentheses() -> None:
    assert expression_key(SNAPSHOT) == expression_key(DATABASE)


@pytest.mark.parametrize("other", [
    DATABASE.replace("'upload'", "'Upload'"),  # a literal's case is its value
    DATABASE.replace("NOT GLOB", "GLOB"),
    DATABASE.replace("GLOB", "LIKE"),
    DATABASE.replace("1024", "2048"),
    DATABASE.replace("`size` IS NULL", "`sha` IS NULL"),
    DATABASE.replace("`kind` IS NULL AND", "`kind` IS NULL OR"),
])
def test_a_real_difference_stays_one(other: str) -> None:
    assert expression_key(SNAPSHOT) != expression_key(other)
