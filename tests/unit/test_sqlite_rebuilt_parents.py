"""The warning `generate` prints for a SQLite table rebuilt while other tables reference it (dialects/sqlite/rebuild.py
rebuilt_parents)."""

from __future__ import annotations

from mizzle.dialects.sqlite.rebuild import RebuildTable, rebuilt_parents
from mizzle.schema.model import Column, ForeignKey, Schema, Table


def test_a_table_referencing_it_twice_is_named_once() -> None:
    """Pagure's issue_to_issue references issues twice (parent_issue_id, child_issue_id), both ON DELETE CASCADE:
    the warning for rebuilding issues said "deletes the rows of issue_to_issue that reference it" twice."""
    issues = Table("issues", columns=(Column("uid", "text", not_null=True), Column("title", "text")))
    link = Table("issue_to_issue", columns=(Column("parent_issue_id", "text"), Column("child_issue_id", "text")),
                 foreign_keys=(ForeignKey("p_fk", ("parent_issue_id",), "issues", ("uid",), on_delete="cascade"),
                               ForeignKey("c_fk", ("child_issue_id",), "issues", ("uid",), on_delete="cascade")))
    old = Schema(dialect="sqlite", tables=(issues, link))
    [line] = rebuilt_parents([RebuildTable(issues.key, issues, issues)], old)
    assert line.count("deletes the rows of issue_to_issue") == 1, line
