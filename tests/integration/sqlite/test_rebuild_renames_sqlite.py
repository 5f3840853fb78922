"""SQLite: `check --rebuild-snapshots` keeps the renames a migration's SQL states (ALTER TABLE … RENAME TO …,
RENAME [COLUMN] … TO …) in the rebuilt snapshot's `_meta`, as generate wrote them (fiberplane/fpx's folder renames
a table and columns by hand: the rebuilt snapshots had none, and `revert` then dropped and added the column)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_support import write_project

from mizzle.commands.generate import generate
from mizzle.commands.revert import revert
from mizzle.commands.verify import rebuild_snapshots
from mizzle.dialects.sqlite import DIALECT
from mizzle.migrations.authored import AuthoredTexts
from mizzle.migrations.folder import MigrationFolder

V1 = """
import sqlalchemy as sa
metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Text))
"""


def test_a_rebuilt_sqlite_snapshot_keeps_the_renames_its_sql_states(tmp_path: Path) -> None:
    generate(write_project(tmp_path, V1), name="init")
    generate(write_project(tmp_path, V1.replace('"a"', '"b"')), name="ren", renames={"t.a": "t.b"})
    folder = MigrationFolder(tmp_path / "migrations", "sqlite")
    path = folder.migrations()[1].snapshot_path
    assert path is not None
    written = json.loads(path.read_text())["_meta"]
    assert written["columns"]
    path.unlink()
    rebuild_snapshots(write_project(tmp_path, V1.replace('"a"', '"b"')))
    assert json.loads(path.read_text())["_meta"] == written
    result, _ = revert(write_project(tmp_path, V1.replace('"a"', '"b"')), folder.migrations()[1].tag, no_renames=True)
    assert 'RENAME COLUMN "b" TO "a"' in result.sql and "DROP COLUMN" not in result.sql, result.sql


def test_the_renames_sqlite_sql_states_are_read_in_every_spelling() -> None:
    texts = AuthoredTexts()
    DIALECT.authored_sql.read("ALTER TABLE `app_routes` RENAME TO `routes`;--> statement-breakpoint\n"
                          'alter table "x" rename column "to" to "b";\nALTER TABLE [y] RENAME c TO d;\n'
                          "ALTER TABLE z ADD COLUMN rename_me integer;", texts)
    assert texts.renamed_tables == {"public.app_routes": "public.routes"}
    assert texts.renamed_columns == {"public.x.to": "public.x.b", "public.y.c": "public.y.d"}


def test_a_folder_whose_snapshots_leave_renames_out_keeps_them_out(tmp_path: Path) -> None:
    # drizzle-kit 0.31 writes `_meta` empty whatever it renames: a snapshot rebuilt in such a folder is written so
    generate(write_project(tmp_path, V1), name="init")
    generate(write_project(tmp_path, V1.replace('"a"', '"b"')), name="ren", renames={"t.a": "t.b"})
    generate(write_project(tmp_path, V1.replace('"a"', '"c"')), name="ren2", renames={"t.b": "t.c"})
    folder = MigrationFolder(tmp_path / "migrations", "sqlite")
    second, third = (m.snapshot_path for m in folder.migrations()[1:])
    assert second is not None and third is not None
    snap = json.loads(second.read_text())
    second.write_text(json.dumps({**snap, "_meta": {"columns": {}, "schemas": {}, "tables": {}}}))
    written = json.loads(third.read_text())["_meta"]
    assert written["columns"]
    third.unlink()
    rebuild_snapshots(write_project(tmp_path, V1.replace('"a"', '"c"')))
    assert json.loads(third.read_text())["_meta"] == {"columns": {}, "schemas": {}, "tables": {}}


def test_a_rebuilt_sqlite_snapshot_does_not_take_a_table_rebuild_for_a_rename(tmp_path: Path) -> None:
    # securedrop's journalists, next release: a column renamed and another made NOT NULL, which SQLite rebuilds
    # (`CREATE TABLE __new_t …; ALTER TABLE __new_t RENAME TO t`); the rebuilt snapshot recorded `__new_t → t` as a
    # table rename that generate never wrote
    generate(write_project(tmp_path, V1), name="init")
    v2 = V1.replace('"a"', '"b"').replace("sa.Text)", "sa.Text, nullable=False)")
    generate(write_project(tmp_path, v2), name="ren", renames={"t.a": "t.b"})
    folder = MigrationFolder(tmp_path / "migrations", "sqlite")
    path = folder.migrations()[1].snapshot_path
    assert path is not None
    assert "`__new_t` RENAME TO `t`" in folder.migrations()[1].sql_path.read_text()
    written = json.loads(path.read_text())["_meta"]
    assert written["columns"] and not written["tables"]
    path.unlink()
    rebuild_snapshots(write_project(tmp_path, v2))
    assert json.loads(path.read_text())["_meta"] == written


def test_revert_undoes_a_drop_and_an_add_as_its_migration_wrote_them(tmp_path: Path) -> None:
    # securedrop's journalists, next release: last_token renamed (--rename), pw_salt dropped and locked_until added
    # (--no-renames). Reverting it asked again whether locked_until was pw_salt renamed (exit 2 without a terminal),
    # though the migration says what it did: its SQL renames one column and drops and adds the others
    generate(write_project(tmp_path, V1), name="init")
    v2 = V1.replace('"a"', '"b"').replace("sa.Text))", "sa.Text), sa.Column(\"c\", sa.Text))")
    generate(write_project(tmp_path, V1.replace("sa.Text))", "sa.Text), sa.Column(\"old\", sa.LargeBinary))")),
             name="salt")
    generate(write_project(tmp_path, v2), name="v2", renames={"t.a": "t.b"}, no_renames=True)
    folder = MigrationFolder(tmp_path / "migrations", "sqlite")
    result, warnings = revert(write_project(tmp_path, v2), folder.migrations()[2].tag)
    assert 'RENAME COLUMN "b" TO "a"' in result.sql, result.sql
    assert sorted(result.changes) == sorted(["- column t.c", "+ column t.old blob", "~ column t.b → a (rename)"]), \
        result.changes
    assert warnings == ["data loss: - column t.c"]



def test_a_drizzle_kit_sqlite_folder_rebuilt_whole_keeps_the_renames_in_meta(tmp_path: Path) -> None:
    # drizzle-kit 0.31's SQLite generate fills `_meta` (tests/interop/NOTES.md: only pg's is left empty); with every
    # snapshot of such a folder deleted, the rebuilt ones had `_meta` empty (karakeep's 0013 renames bookmarkAssets2,
    # homarr's 0016 renames 18 columns: both folders drizzle-kit's, both lost them)
    generate(write_project(tmp_path, V1), name="init")
    generate(write_project(tmp_path, V1.replace('"a"', '"b"')), name="ren", renames={"t.a": "t.b"})
    folder = MigrationFolder(tmp_path / "migrations", "sqlite")
    folder.sidecar_path.unlink(missing_ok=True)  # no sidecar: a folder drizzle-kit wrote
    paths = [m.snapshot_path for m in folder.migrations()]
    assert paths[0] is not None and paths[1] is not None
    written = json.loads(paths[1].read_text())["_meta"]
    assert written["columns"]
    for path in paths:
        assert path is not None
        path.unlink()
    rebuild_snapshots(write_project(tmp_path, V1.replace('"a"', '"b"')))
    assert json.loads(paths[1].read_text())["_meta"] == written


def test_a_table_or_column_moved_aside_and_dropped_is_no_rename() -> None:
    # homarr's 0001 rebuilds `user` by hand (renamed to __user_old, made again, the old one dropped), its 0006 renames
    # `section` away and back; karakeep's 0029 makes assets_new and renames it to assets, its 0075 renames tagStyle
    # to tagStyle_old, adds tagStyle and drops tagStyle_old. The rebuilt snapshots' `_meta` had user → __user_old
    # and __user_old → user, assets_new → assets, tagStyle → tagStyle_old: renames no migration made
    texts = AuthoredTexts()
    DIALECT.authored_sql.read(
        "ALTER TABLE `user` RENAME TO `__user_old`;\n--> statement-breakpoint\n"
        "CREATE TABLE `user` (`id` text PRIMARY KEY NOT NULL);\n--> statement-breakpoint\n"
        "INSERT INTO `user` SELECT `id` FROM `__user_old`;\n--> statement-breakpoint\n"
        "DROP TABLE `__user_old`;\n--> statement-breakpoint\n"
        "ALTER TABLE `user` RENAME TO `__user_old`;\n--> statement-breakpoint\n"
        "ALTER TABLE `__user_old` RENAME TO `user`;\n--> statement-breakpoint\n"
        "CREATE TABLE `assets_new` (`id` text PRIMARY KEY NOT NULL);--> statement-breakpoint\n"
        "DROP TABLE `assets`;--> statement-breakpoint\n"
        "ALTER TABLE `assets_new` RENAME TO `assets`;--> statement-breakpoint\n"
        "-- Using rename/add/drop pattern to avoid DROP TABLE which triggers cascade deletes\n"
        "ALTER TABLE `user` RENAME COLUMN `tagStyle` TO `tagStyle_old`;--> statement-breakpoint\n"
        "ALTER TABLE `user` ADD COLUMN `tagStyle` text DEFAULT 'titlecase-spaces';--> statement-breakpoint\n"
        "UPDATE `user` SET `tagStyle` = `tagStyle_old`;--> statement-breakpoint\n"
        "ALTER TABLE `user` DROP COLUMN `tagStyle_old`;", texts)
    assert texts.renamed_tables == {} and texts.renamed_columns == {}
    DIALECT.authored_sql.read("ALTER TABLE `user` RENAME TO `user_archive`;\nCREATE TABLE `user` (`id` text);\n"
                              "ALTER TABLE t RENAME COLUMN a TO b;\nALTER TABLE t RENAME COLUMN b TO c;\n"
                              "ALTER TABLE t ADD COLUMN a text;", texts)
    assert texts.renamed_tables == {"public.user": "public.user_archive"}
    assert texts.renamed_columns == {"public.t.a": "public.t.c"}


def test_a_table_rebuild_that_moves_a_column_under_a_new_name_is_a_rename() -> None:
    # homarr's 0016 (drizzle-kit): `userId` renamed to `user_id` inside the rebuild of `account`, by the column
    # lists of its INSERT … SELECT, with no RENAME COLUMN; drizzle-kit's snapshot records the rename, the rebuilt
    # one recorded none. A column copied under its own name, one the new table keeps too, a value that is no
    # column, a column of another table and a rebuild under another name are no renames.
    texts = AuthoredTexts()
    DIALECT.authored_sql.read(
        "CREATE TABLE `__new_a` (`user_id` text, `kind` text, `n` integer, `copy` text, `x` text, `board` text);\n"
        "--> statement-breakpoint\n"
        'INSERT INTO `__new_a`("user_id", "kind", "n", "copy", "x", "board") SELECT "userId", "kind", 0, "kind", '
        'null, (SELECT b.id FROM b WHERE b.a = "a"."userId") FROM `a`;--> statement-breakpoint\n'
        "DROP TABLE `a`;--> statement-breakpoint\nALTER TABLE `__new_a` RENAME TO `a`;\n"
        "CREATE TABLE `c_new` (`d` text);\nINSERT INTO c_new (d) SELECT c.e FROM c;\n"
        "DROP TABLE c;\nALTER TABLE c_new RENAME TO c2;\n"
        "INSERT INTO f (g) SELECT h FROM f2;\nINSERT INTO k (m) SELECT k2.m2 FROM k;", texts)
    assert texts.renamed_columns == {"public.a.userId": "public.a.user_id"}
    assert texts.renamed_tables == {}
