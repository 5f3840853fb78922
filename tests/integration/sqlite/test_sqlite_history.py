"""SQLite end to end: a 7-step schema history generated with `generate`, applied with the runner to a real
database file, with rows inserted before every step and checked after it (rows survive table rebuilds).

After every step the introspected database equals the model of the schema code, generate finds nothing
more to do, and a trigger and a view on the rebuilt tables survive. At the end the whole folder replayed
into a new database gives the same model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_support import db_model, execute, model_diff, rows, write_project

from mizzle.commands.generate import generate, load_code_schema
from mizzle.runner.migrate import migrate

PRELUDE = """
import sqlalchemy as sa
md = sa.MetaData()
"""

USERS_1 = """
users = sa.Table(
    "users", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(255), nullable=False, unique=True),
    sa.Column("name", sa.Text, server_default="anon"),
    sa.Column("age", sa.Integer),
    sa.Column("score", sa.Float, server_default="1.5"),
    sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime, server_default=sa.func.current_timestamp()),
    sa.Column("legacy", sa.Text),
    sa.CheckConstraint("age >= 0", name="users_age_check"),
    sa.Index("users_legacy_idx", "legacy"),
    sa.Index("users_email_lower_idx", sa.func.lower(sa.text("email")), unique=True),
    sa.Index("users_active_idx", "created_at", sqlite_where=sa.text("is_active = 1")),
    sqlite_autoincrement=True,
)
"""

STEPS: list[str] = []

# 1. create
STEPS.append(PRELUDE + USERS_1 + """
posts = sa.Table(
    "posts", md,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("body", sa.Text),
    sa.Column("editor_id", sa.Integer),
    sa.Index("posts_user_idx", "user_id"),
)
tags = sa.Table("tags", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("label", sa.Text, nullable=False))
post_tags = sa.Table(
    "post_tags", md,
    sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.Integer, sa.ForeignKey("tags.id"), primary_key=True),
)
""")

# 2. add columns: nullable; NOT NULL with a default; with a new index
STEPS.append(STEPS[-1].replace(
    '    sa.Column("legacy", sa.Text),\n',
    '    sa.Column("legacy", sa.Text),\n    sa.Column("bio", sa.Text),\n'
    '    sa.Column("login_count", sa.Integer, nullable=False, server_default="0"),\n').replace(
    '    sa.Column("editor_id", sa.Integer),\n',
    '    sa.Column("editor_id", sa.Integer),\n'
    '    sa.Column("views", sa.Integer, nullable=False, server_default="0", index=True),\n'))

# 3. renames, declared in the schema code: users.name → full_name, tags → labels
STEPS.append(STEPS[-1].replace(
    'sa.Column("name", sa.Text, server_default="anon")',
    'sa.Column("full_name", sa.Text, server_default="anon", info={"mizzle": {"renamed_from": "name"}})').replace(
    'tags = sa.Table("tags", md,', 'tags = sa.Table("labels", md,').replace(
    'sa.Column("label", sa.Text, nullable=False))',
    'sa.Column("label", sa.Text, nullable=False), info={"mizzle": {"renamed_from": "tags"}})').replace(
    'sa.ForeignKey("tags.id")', 'sa.ForeignKey("labels.id")'))

# 4. type changes → rebuild of posts (text → integer) and users (real → integer)
STEPS.append(STEPS[-1].replace('sa.Column("body", sa.Text)', 'sa.Column("body", sa.Integer)').replace(
    'sa.Column("score", sa.Float, server_default="1.5")', 'sa.Column("score", sa.Integer, server_default="2")'))

# 5. drop an indexed column and its index → DROP INDEX, then ALTER TABLE … DROP COLUMN, as drizzle-kit writes it
# (no rebuild: SQLite refuses only a column an index still holds)
STEPS.append(STEPS[-1].replace('    sa.Column("legacy", sa.Text),\n', "").replace(
    '    sa.Index("users_legacy_idx", "legacy"),\n', ""))

# 6. nullability: users.age becomes NOT NULL with a default (old NULLs take it); posts.title nullable
STEPS.append(STEPS[-1].replace('sa.Column("age", sa.Integer)',
                               'sa.Column("age", sa.Integer, nullable=False, server_default="18")').replace(
    'sa.Column("title", sa.String(200), nullable=False)', 'sa.Column("title", sa.String(200))'))

# 7. a foreign key added to an existing column of an existing table → rebuild
STEPS.append(STEPS[-1].replace('sa.Column("editor_id", sa.Integer)',
                               'sa.Column("editor_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"))'))

EXPECTED_REBUILDS = {4: {"posts", "users"}, 6: {"posts", "users"}, 7: {"posts"}}


def _insert_rows(db: Path, step: int) -> None:
    """Rows written by the application between migrations, in the columns that exist at that step."""
    name_col = "name" if step <= 2 else "full_name"
    tags = "tags" if step <= 2 else "labels"
    n = step * 10
    legacy = ", legacy" if step <= 4 else ""
    legacy_v = f", 'old{n}'" if step <= 4 else ""
    age = "NULL" if step <= 5 else "30"
    execute(db,
            f"INSERT INTO users (email, {name_col}, age{legacy}) VALUES ('u{n}@x', 'user {n}', {age}{legacy_v})",
            f"INSERT INTO posts (id, user_id, title, body) VALUES ({n}, last_insert_rowid(), 't{n}', '{n}')",
            f"INSERT INTO {tags} (id, label) VALUES ({n}, 'tag{n}')",
            f"INSERT INTO post_tags (post_id, tag_id) VALUES ({n}, {n})")


def test_sqlite_history_round_trip(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    db = root / "app.db"
    url = f"sqlite:///{db}"
    for i, source in enumerate(STEPS, start=1):
        cfg = write_project(root, source)
        result = generate(cfg, name=f"step{i}")
        assert result.written, f"step {i}: generate found no changes"
        sql = result.sql
        rebuilt = {line.split("`")[1][len("__new_"):] for line in sql.splitlines()
                   if line.startswith("CREATE TABLE `__new_")}
        assert rebuilt == EXPECTED_REBUILDS.get(i, set()), f"step {i}:\n{sql}"
        if rebuilt:
            assert sql.index("PRAGMA foreign_keys=OFF") < sql.index("CREATE TABLE `__new_")
            assert "PRAGMA foreign_keys=ON" in sql
        before = {t: rows(db, f"SELECT count(*) FROM {t}")[0][0] for t in ("users", "posts", "post_tags")} \
            if db.exists() else {}
        res = migrate(url=url, folder=cfg.out_dir)
        assert [m.tag for m in res.applied] == [result.tag]
        # the database is what the schema code describes
        code, _ = load_code_schema(cfg)
        assert model_diff(db_model(db), code) == [], f"step {i}:\n{sql}"
        assert not generate(cfg, check=False).written, f"step {i}: generate found changes right after migrating"
        # rows written before this step are all still there (no cascade from a rebuild's DROP TABLE)
        for t, n in before.items():
            assert rows(db, f"SELECT count(*) FROM {t}")[0][0] == n, f"step {i}: rows of {t} lost"
        if i == 1:
            execute(db, "CREATE TRIGGER users_touch AFTER UPDATE OF email ON users BEGIN "
                        "UPDATE users SET bio = 'touched' WHERE id = NEW.id AND 0; END",
                    "CREATE VIEW user_posts AS SELECT u.email, p.title FROM users u JOIN posts p ON p.user_id = u.id")
        _insert_rows(db, i)

    # values survived the conversions
    assert rows(db, "SELECT body, typeof(body) FROM posts WHERE id = 10") == [(10, "integer")]
    assert rows(db, "SELECT age FROM users WHERE email = 'u10@x'") == [(18,)]  # NULL → the new default
    assert rows(db, "SELECT full_name FROM users WHERE email = 'u20@x'") == [("user 20",)]
    assert rows(db, "SELECT count(*) FROM post_tags")[0][0] == 7
    # the trigger and the view outlived three rebuilds of users and posts
    kinds = dict(rows(db, "SELECT name, type FROM sqlite_master WHERE name IN ('users_touch', 'user_posts')"))
    assert kinds == {"users_touch": "trigger", "user_posts": "view"}
    assert rows(db, "SELECT count(*) FROM user_posts")[0][0] == 7
    assert rows(db, "PRAGMA foreign_key_check") == []

    # replaying the whole folder into a new file gives the same database
    fresh = tmp_path / "fresh.db"
    res = migrate(url=f"sqlite:///{fresh}", folder=cfg.out_dir)
    assert len(res.applied) == len(STEPS)
    assert model_diff(db_model(fresh), db_model(db)) == []


def test_not_null_column_without_default_on_rows_fails_and_rolls_back(tmp_path: Path) -> None:
    """A rebuild that cannot keep the rows (new NOT NULL column, no default) fails cleanly: exit 1, nothing
    half-done, rows intact."""
    from mizzle.errors import StatementFailed

    root = tmp_path / "proj"
    db = root / "app.db"
    cfg = write_project(root, PRELUDE + 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))\n')
    generate(cfg, name="one")
    migrate(url=f"sqlite:///{db}", folder=cfg.out_dir)
    execute(db, "INSERT INTO t (id) VALUES (1)")
    cfg = write_project(root, PRELUDE + 't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), '
                                        'sa.Column("x", sa.Integer, nullable=False))\n')
    generate(cfg, name="two")
    with pytest.raises(StatementFailed) as e:
        migrate(url=f"sqlite:///{db}", folder=cfg.out_dir)
    assert "NOT NULL" in str(e.value)
    assert rows(db, "SELECT * FROM t") == [(1,)]
    assert [r[1] for r in rows(db, "PRAGMA table_info(t)")] == ["id"]
    assert rows(db, "SELECT name FROM sqlite_master WHERE name LIKE '__new_%'") == []
