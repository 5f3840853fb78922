"""An unquoted table name folds to lower case, so it misses a table whose name has capitals. codu-code/codu's
drizzle/0007_drop_communities_and_events.sql (by hand, after Prisma's "RSVP", "Membership", "Community", "Event"):

    DROP TABLE IF EXISTS RSVP;
    DROP TABLE IF EXISTS Membership;

PostgreSQL reads `rsvp` and `membership`, which do not exist, and does nothing: the tables stayed in every database
while the snapshot says they are gone. Lint said MZ101 "DROP TABLE public.rsvp deletes the table and its rows".
With the previous snapshot known, lint names the table the statement misses (MZ005) and reports no drop."""

from __future__ import annotations

from mizzle.lint import LintContext, lint_file
from mizzle.schema.model import Column, Schema, Table

BEFORE = Schema(tables=(Table("RSVP", columns=(Column("id", "integer"),)),
                        Table("users", columns=(Column("id", "integer"),))))


def findings(text: str, previous: Schema | None = BEFORE) -> dict[str, str]:
    return {f.rule: f.message for f in lint_file(text, LintContext(previous=previous, file="t.sql"))}


def test_an_unquoted_drop_of_a_capitalised_table_is_named_not_reported_as_a_drop() -> None:
    m = findings("DROP TABLE IF EXISTS RSVP;")
    assert "MZ101" not in m, m
    assert '"RSVP"' in m["MZ005"] and "does nothing" in m["MZ005"], m
    assert "fails" in findings("DROP TABLE RSVP;")["MZ005"]


def test_an_unquoted_alter_of_a_capitalised_table_is_named() -> None:
    m = findings("ALTER TABLE RSVP ADD COLUMN note text;")
    assert '"RSVP"' in m["MZ005"] and "fails" in m["MZ005"], m


def test_quoted_names_and_names_of_no_table_are_no_finding() -> None:
    assert "MZ005" not in findings('DROP TABLE "RSVP";')
    assert "MZ101" in findings('DROP TABLE "RSVP";')
    assert "MZ005" not in findings("DROP TABLE IF EXISTS users;")
    assert "MZ005" not in findings("DROP TABLE IF EXISTS nothing_like_it;")
    assert "MZ005" not in findings("DROP TABLE IF EXISTS RSVP;", previous=None)  # no snapshot: nothing known
    # a table the same file creates under the folded name
    assert "MZ005" not in findings("CREATE TABLE rsvp (id integer);\nDROP TABLE rsvp;", previous=None)


def test_without_a_snapshot_a_capitalised_table_the_file_makes_is_known() -> None:
    m = findings('CREATE TABLE "Event" (id integer);\nALTER TABLE Event ADD COLUMN at date;', previous=None)
    assert '"Event"' in m["MZ005"], m
    assert "MZ005" not in findings("CREATE TABLE rsvp (id integer);\nDROP TABLE rsvp;")
