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
