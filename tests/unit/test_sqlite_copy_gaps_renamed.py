"""`mizzle check` on a SQLite folder mizzle wrote: a migration that renames columns of a table and then rebuilds it
(todo.sr.ht's tracker: `default_anonymous_perms` → `default_access` and `default_committer_perms` → `visibility`,
then a rebuild for another change) copies the new names from the table, where the RENAME COLUMN earlier in the
file put them. check knew only the snapshot before the file and its ADD COLUMNs: it warned that the copy reads
columns the table lacks and advised taking them out of the INSERT and SELECT, which would lose their values."""

from __future__ import annotations

from mizzle.dialects.sqlite.runner import copy_gaps

BEFORE = {"tables": {"tracker": {"columns": {c: {} for c in ("id", "default_anonymous_perms", "default_committer_perms",
                                                             "name")}}}}


def _copy(*cols: str) -> str:
    names = ", ".join(f'"{c}"' for c in cols)
    return f"INSERT INTO `__new_tracker`({names}) SELECT {names} FROM `tracker`"


def test_a_column_renamed_earlier_in_the_file_is_the_tables() -> None:
    statements = ['ALTER TABLE `tracker` RENAME COLUMN "default_anonymous_perms" TO "default_access"',
                  'ALTER TABLE `tracker` RENAME COLUMN `default_committer_perms` TO `visibility`',
                  "PRAGMA foreign_keys=OFF",
                  "CREATE TABLE `__new_tracker` (`id` integer PRIMARY KEY, `visibility` text, `name` text, "
                  "`default_access` integer)",
                  _copy("id", "visibility", "name", "default_access")]
    assert copy_gaps(statements, BEFORE) == []


def test_the_old_name_of_a_renamed_column_is_gone() -> None:
    statements = ['ALTER TABLE "tracker" RENAME "default_anonymous_perms" TO "default_access"',
                  _copy("id", "default_anonymous_perms", "name")]
    ((i, advice),) = copy_gaps(statements, BEFORE)
    assert i == 1 and "copies default_anonymous_perms from tracker, which has no such column" in advice


def test_a_column_added_by_the_rebuild_is_still_found() -> None:
    ((i, advice),) = copy_gaps([_copy("id", "name", "position")], BEFORE)
    assert i == 0 and "copies position from tracker" in advice
