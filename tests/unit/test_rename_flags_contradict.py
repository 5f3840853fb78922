"""Two --rename flags for one old name (or one new name) contradict each other. Endurain's notifications table
replaced `message` with `type` and `options`: generate listed both `--rename notifications.message=notifications.options`
and `--rename notifications.message=notifications.type` as candidates, and passing both was accepted, the first
silently dropped (the flags were kept in a dict by old name), so the migration renamed `message` to `type` without a
word about `options`."""

from __future__ import annotations

import pytest

from mizzle.commands.generate import parse_rename_flags
from mizzle.errors import UsageError


def test_one_old_name_renamed_twice_is_refused() -> None:
    with pytest.raises(UsageError) as e:
        parse_rename_flags(["n.message=n.options", "n.message=n.type"])
    msg = str(e.value)
    assert "n.message" in msg and "n.options" in msg and "n.type" in msg


def test_two_old_names_renamed_to_one_is_refused() -> None:
    with pytest.raises(UsageError) as e:
        parse_rename_flags(["n.a=n.c", "n.b=n.c"])
    msg = str(e.value)
    assert "n.a" in msg and "n.b" in msg and "n.c" in msg


def test_the_same_flag_twice_and_distinct_flags_are_fine() -> None:
    assert parse_rename_flags(["n.a=n.b", "n.a=n.b", "users=people"]) == {"n.a": "n.b", "users": "people"}
    assert parse_rename_flags([" n.a = n.b "]) == {"n.a": "n.b"}


def _table(*cols: str):  # type: ignore[no-untyped-def]
    from mizzle.schema import model as m

    t = m.Table("n", columns=(m.Column("id", "integer", not_null=True), *(m.Column(c, "varchar") for c in cols)))
    return m.make_schema("postgresql", tables=[t])


def test_two_columns_declaring_one_renamed_from_are_refused() -> None:
    """The same in the schema code: `type` and `options` both with info={"mizzle": {"renamed_from": "message"}}
    renamed message to one of them (the one sorted last) and added the other, without a word."""
    from mizzle.errors import SchemaLoadError
    from mizzle.schema.diff import Renames, diff

    declared = {("column", "public", "n", "type"): "message", ("column", "public", "n", "options"): "message"}
    with pytest.raises(SchemaLoadError) as e:  # an error in the code, exit 2 (under --check too), not a question
        diff(_table("message"), _table("type", "options"), Renames(declared=declared))
    msg = str(e.value)
    assert "message" in msg and "type" in msg and "options" in msg and "renamed_from" in msg


def test_one_column_declaring_renamed_from_is_a_rename() -> None:
    from mizzle.schema.changes import RenameColumn
    from mizzle.schema.diff import Renames, diff

    cs = diff(_table("message"), _table("type", "options"),
              Renames(declared={("column", "public", "n", "type"): "message"}))
    assert [(c.old, c.new) for c in cs.changes if isinstance(c, RenameColumn)] == [("message", "type")]
