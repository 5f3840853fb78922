"""A view reading `*` in a drizzle-kit folder: drizzle-kit's snapshot keeps the query as written (`select * from
users`), the server writes the `*` out as the columns `users` has when the view is made. A later migration adding a
column to `users` (the view left alone) made verify and drift report `~ view …: definition` on every snapshot after
it: the `*` was written out as the later snapshot's columns, the new one too. Now as those of the snapshot of the
migration whose SQL made the view. The shape is drizzle-kit 0.31's for `pgView('star_view', {…}).as(sql\\`select *
from users\\`)` and a join reading `u.*`, checked with drizzle-kit; a view made otherwise than its snapshot says
is still reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from pg_project import fresh_config, write_project
from pgtools import apply_sql, temp_database, url_for

from mizzle.commands.drift import drift
from mizzle.commands.generate import generate
from mizzle.commands.verify import verify
from mizzle.runner.migrate import migrate

pytestmark = pytest.mark.pg

MODELS = """import sqlalchemy as sa
from mizzle.pg import View
metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
                 sa.Column("active", sa.Boolean)COLUMN)
posts = sa.Table("posts", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("user_id", sa.Integer),
                 sa.Column("title", sa.Text))
star_view = View("star_view", "select * from users")
t_star_view = View("t_star_view", "select u.*, p.title from users u left join posts p on p.user_id = u.id")
"""


def _folder(root: Path) -> Path:
    """Two migrations: the tables and views, then a column added to `users`; no sidecar (drizzle-kit's folder)."""
    write_project(root, MODELS.replace("COLUMN", ""))
    generate(fresh_config(root), name="init")
    write_project(root, MODELS.replace("COLUMN", ', sa.Column("email", sa.Text)'))
    generate(fresh_config(root), name="email")
    out = root / "migrations"
    (out / "meta" / "_mizzle.json").unlink(missing_ok=True)
    (second,) = out.glob("0001_*.sql")
    assert "VIEW" not in second.read_text(), second.read_text()  # the views are left alone
    return out


def test_a_star_is_written_out_as_the_columns_when_the_view_was_made(pg_available: bool, tmp_path: Path) -> None:
    out = _folder(tmp_path)
    result = verify(fresh_config(tmp_path), scratch_url=url_for("postgres"))
    assert [s.changes for s in result.steps] == [[], []], result.to_json()
    with temp_database("mzstar") as url:
        migrate(url=url, folder=out)
        assert drift(url=url, folder=out).changes == []
        # made again by hand after the column was added: its `*` now has `email`, which the snapshot's had not
        apply_sql(url, "CREATE OR REPLACE VIEW star_view AS SELECT * FROM users")
        (line,) = drift(url=url, folder=out).changes
        assert line.startswith("~ view star_view: definition") and "email" in line.partition("→")[2], line


def test_a_view_made_otherwise_than_its_snapshot_says_still_differs(pg_available: bool, tmp_path: Path) -> None:
    out = _folder(tmp_path)
    (first,) = out.glob("0000_*.sql")
    text = first.read_text()
    first.write_text(text.replace("select * from users", "select id, name, active from users where active"))
    result = verify(fresh_config(tmp_path), scratch_url=url_for("postgres"))
    assert [len(s.changes) for s in result.steps] == [1, 1], result.to_json()
    assert all(s.changes[0].startswith("~ view star_view: definition") for s in result.steps), result.to_json()
