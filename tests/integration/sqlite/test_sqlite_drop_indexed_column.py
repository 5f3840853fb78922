"""A column dropped with the indexes on it is dropped by DROP INDEX, then ALTER TABLE … DROP COLUMN, as drizzle-kit
writes it: SQLite refuses only a column an index still holds. karakeep-app/karakeep's packages/db/drizzle, 0092
(bookmarks.lastSavedAt, in four indexes): `mizzle revert 0092_add_last_saved_at` rebuilt bookmarks from the
snapshot instead, copying every row and, the snapshot lacking what the team's hand-edited SQL had added
(`type` text NOT NULL DEFAULT "text"), leaving the table without that default. A column a foreign key or a
kept index uses still needs the rebuild."""

from __future__ import annotations

from pathlib import Path

from sqlite_support import execute, rows, write_project

from mizzle.commands.generate import generate
from mizzle.runner.migrate import migrate

BEFORE = """
import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("user", md, sa.Column("id", sa.Text, primary_key=True))
bookmarks = sa.Table(
    "bookmarks", md,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("userId", sa.Text, sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
    sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("lastSavedAt", sa.Integer, nullable=False, server_default="0"),
    sa.Column("ownerId", sa.Text, sa.ForeignKey("user.id")),
    sa.Index("bookmarks_userId_lastSavedAt_id_idx", "userId", "lastSavedAt", "id"),
    sa.Index("bookmarks_userId_archived_lastSavedAt_id_idx", "userId", "archived", "lastSavedAt", "id"),
    sa.Index("bookmarks_lastSavedAt_idx", "lastSavedAt"),
    sa.Index("bookmarks_recent_idx", "userId", sqlite_where=sa.text('"lastSavedAt" > 0')),
)
"""


def test_a_column_dropped_with_its_indexes_is_dropped_in_place(tmp_path: Path) -> None:
    root, db = tmp_path / "proj", tmp_path / "app.db"
    cfg = write_project(root, BEFORE)
    generate(cfg, name="one")
    migrate(url=f"sqlite:///{db}", folder=cfg.out_dir)
    execute(db, "INSERT INTO user VALUES ('u')", "INSERT INTO bookmarks (id, userId, lastSavedAt) VALUES ('b', 'u', 7)")
    cfg = write_project(root, BEFORE.replace('    sa.Column("lastSavedAt", sa.Integer, nullable=False, '
                                             'server_default="0"),\n', "")
                        .replace('    sa.Index("bookmarks_userId_lastSavedAt_id_idx", "userId", "lastSavedAt", "id"),\n'
                                 '    sa.Index("bookmarks_userId_archived_lastSavedAt_id_idx", "userId", "archived", '
                                 '"lastSavedAt", "id"),\n    sa.Index("bookmarks_lastSavedAt_idx", "lastSavedAt"),\n'
                                 '    sa.Index("bookmarks_recent_idx", "userId", '
                                 'sqlite_where=sa.text(\'"lastSavedAt" > 0\')),\n', ""))
    sql = generate(cfg, name="two").sql
    assert "__new_" not in sql, sql
    drops = [ln for ln in sql.splitlines() if ln.startswith(("DROP INDEX", "ALTER TABLE"))]
    assert len(drops) == 5 and drops[-1].startswith("ALTER TABLE `bookmarks` DROP COLUMN `lastSavedAt`;"), sql
    migrate(url=f"sqlite:///{db}", folder=cfg.out_dir)
    assert rows(db, "SELECT id, userId FROM bookmarks") == [("b", "u")]
    assert [r[1] for r in rows(db, "PRAGMA table_info(bookmarks)")] == ["id", "userId", "archived", "ownerId"]


def test_a_column_a_foreign_key_uses_is_still_dropped_by_a_rebuild(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    cfg = write_project(root, BEFORE)
    generate(cfg, name="one")
    cfg = write_project(root, BEFORE.replace('    sa.Column("ownerId", sa.Text, sa.ForeignKey("user.id")),\n', ""))
    assert "CREATE TABLE `__new_bookmarks`" in generate(cfg, name="two").sql
