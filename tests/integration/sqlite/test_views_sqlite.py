"""SQLite's views (issue 16, part 2): a view over a table that is rebuilt (a column retyped), a view over that
view, a view changed (SQLite cannot replace one: dropped and made again) and dropped — each step applies, and
`generate --check`, `drift` and `verify` are clean after it. Functions and the other PostgreSQL kinds are
refused with one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_support import write_project

import mizzle
from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.commands.verify import verify
from mizzle.errors import SchemaLoadError

HEAD = """
import sqlalchemy as sa
from mizzle.pg import Function, View

metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("score", sa.{score}), sa.Column("active", sa.Boolean, nullable=False))
"""
STEPS = [
    HEAD.format(score="Integer") + """
active = View("active_users", 'select "id", "score" from "users" where "active"')
top = View("top_users", 'select "id" from "active_users" where "score" > 10')
""",
    # the column under both views retyped: the table is rebuilt, both views dropped before and made again after
    HEAD.format(score="Text") + """
active = View("active_users", 'select "id", "score" from "users" where "active"')
top = View("top_users", 'select "id" from "active_users" where "score" > 10')
""",
    # a view changed, the other dropped
    HEAD.format(score="Text") + """
active = View("active_users", 'select "id", "score", "active" from "users" where "active"')
""",
    HEAD.format(score="Text"),
]


def test_views_on_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    url = f"sqlite:///{db}"
    sqls = []
    for n, source in enumerate(STEPS, 1):
        cfg = write_project(tmp_path / "proj", source)
        result = generate(cfg, name=f"step{n}")
        assert result.changes, n
        sqls.append(result.sql_path.read_text())
        mizzle.migrate(url=url, folder=tmp_path / "proj" / "migrations")
        cfg = write_project(tmp_path / "proj", source)
        assert generate(cfg, check=True).changes == [], n
        d = drift(url=url, folder=tmp_path / "proj" / "migrations")
        assert not d.drifted, (n, d.changes)
        v = verify(cfg)
        assert v.ok, (n, v.first_divergence, v.code_changes)
    step2 = sqls[1]
    assert step2.index("DROP VIEW `top_users`") < step2.index("DROP VIEW `active_users`") \
        < step2.index("ALTER TABLE `__new_users` RENAME TO `users`") < step2.index("CREATE VIEW `active_users`") \
        < step2.index("CREATE VIEW `top_users`")


def test_sqlite_refuses_what_it_has_not(tmp_path: Path) -> None:
    cfg = write_project(tmp_path / "proj", HEAD.format(score="Integer") + 'f = Function("f", "SELECT 1", returns="int")\n')
    with pytest.raises(SchemaLoadError, match=r"^function f\(\) .*SQLite has plain views only"):
        generate(cfg, name="x")
