"""The SQLite runner: concurrent runs on one file apply each migration exactly once, a held lock or a busy
database makes `mizzle migrate --lock-timeout` exit 4 (never "database is locked"), failures roll back,
foreign key violations are caught, and the default URL is sqlite:///mizzle.db."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlite_support import rows

from mizzle.dburl import parse_url
from mizzle.dialects.sqlite.runner import SQLiteBackend, open_backend
from mizzle.runner.tracking import TrackingTable

WHEN = 1_700_000_000_000
SLOW = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
        "INSERT INTO {t} (v) SELECT i FROM n")


def write_folder(root: Path, migrations: list[list[str]]) -> Path:
    """A drizzle-kit style sqlite folder written by hand (no snapshots) and a mizzle.toml pointing at it."""
    out = root / "migrations"
    (out / "meta").mkdir(parents=True, exist_ok=True)
    entries = []
    for i, stmts in enumerate(migrations):
        tag = f"{i:04d}_m{i}"
        (out / f"{tag}.sql").write_text("--> statement-breakpoint\n".join(stmts), encoding="utf-8")
        entries.append({"idx": i, "version": "6", "when": WHEN + i, "tag": tag, "breakpoints": True})
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "sqlite", "entries": entries}))
    (root / "mizzle.toml").write_text('dialect = "sqlite"\nout = "migrations"\nurl = "sqlite:///app.db"\n')
    return out


def mizzle(args: list[str], cwd: Path, timeout: float = 120) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.Popen([sys.executable, "-m", "mizzle", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def run(args: list[str], cwd: Path) -> tuple[int, str, str]:
    p = mizzle(args, cwd)
    out, err = p.communicate(timeout=120)
    return p.returncode, out, err


def test_eight_concurrent_runners_apply_each_migration_once(tmp_path: Path) -> None:
    migrations = []
    for i in range(6):
        t = f"t{i}"
        migrations.append([f"CREATE TABLE {t} (id integer PRIMARY KEY, v integer)", SLOW.format(t=t)])
    write_folder(tmp_path, migrations)
    procs = [mizzle(["migrate"], tmp_path) for _ in range(8)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert all(code == 0 for code, _, _ in results), "\n".join(err for _, _, err in results)
    assert "database is locked" not in "".join(err for _, _, err in results)
    db = tmp_path / "app.db"
    created = [r[0] for r in rows(db, 'SELECT created_at FROM "__drizzle_migrations" ORDER BY created_at')]
    assert created == [WHEN + i for i in range(6)]
    assert rows(db, "SELECT count(*) FROM __mizzle_audit WHERE action = 'applied'") == [(6,)]
    for i in range(6):
        assert rows(db, f"SELECT count(*) FROM t{i}") == [(20000,)]
    applied = sum(out.count(": applied in") for _, out, _ in results)
    assert applied == 6


def _backend(db: Path) -> SQLiteBackend:
    return open_backend(parse_url(f"sqlite:///{db}"), TrackingTable(schema=None))


def test_lock_held_by_another_run_times_out_with_exit_4(tmp_path: Path) -> None:
    write_folder(tmp_path, [["CREATE TABLE a (id integer)"]])
    holder = _backend(tmp_path / "app.db")
    assert holder.acquire_lock(None, lambda _: None) == 0.0
    try:
        t0 = time.monotonic()
        code, _, err = run(["migrate", "--lock-timeout", "0.5"], tmp_path)
        assert code == 4, err
        assert time.monotonic() - t0 < 20
        first = next(line for line in err.splitlines() if line.startswith("error:"))
        assert "migration lock" in first and "not obtained within 0.5 s" in first and f"pid {os.getpid()}" in first
        assert not rows(tmp_path / "app.db", "SELECT name FROM sqlite_master WHERE name = 'a'")
    finally:
        holder.close()
    code, out, err = run(["migrate", "--lock-timeout", "5"], tmp_path)
    assert code == 0, err


def test_database_busy_with_a_writer_times_out_with_exit_4(tmp_path: Path) -> None:
    write_folder(tmp_path, [["CREATE TABLE a (id integer)"]])
    db = tmp_path / "app.db"
    app = sqlite3.connect(db, isolation_level=None)
    app.execute("CREATE TABLE app_data (x integer)")
    app.execute("BEGIN IMMEDIATE")
    app.execute("INSERT INTO app_data VALUES (1)")
    try:
        code, _, err = run(["migrate", "--lock-timeout", "0.5"], tmp_path)
        assert code == 4, err
        assert "database is locked" not in err and "another connection holds the database's write lock" in err
    finally:
        app.execute("COMMIT")
        app.close()
    code, _, err = run(["migrate"], tmp_path)
    assert code == 0, err


def test_failure_rolls_back_the_migration_and_keeps_earlier_ones(tmp_path: Path) -> None:
    write_folder(tmp_path, [["CREATE TABLE a (id integer)"],
                            ["CREATE TABLE b (id integer)", "INSERT INTO nowhere VALUES (1)"]])
    code, out, err = run(["migrate"], tmp_path)
    assert code == 1
    assert "0001_m1.sql failed at statement 2 of 2: no such table: nowhere" in err
    db = tmp_path / "app.db"
    assert {r[0] for r in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")} >= {"a"}
    assert not rows(db, "SELECT name FROM sqlite_master WHERE name = 'b'")
    assert rows(db, 'SELECT count(*) FROM "__drizzle_migrations"') == [(1,)]


def test_a_libsql_alter_column_says_it_is_turso_syntax(tmp_path: Path) -> None:
    # openstatus's folder (drizzle-kit for Turso): SQLite says only `near "ALTER": syntax error`
    write_folder(tmp_path, [["CREATE TABLE a (id integer, s text)"],
                            ['ALTER TABLE `a` ALTER COLUMN "s" TO "s" text NOT NULL']])
    code, out, err = run(["migrate"], tmp_path)
    assert code == 1
    assert 'near "ALTER": syntax error' in err and "hint: ALTER TABLE … ALTER COLUMN is libSQL's (Turso's)" in err
    write_folder(tmp_path / "other", [["CREATE TABLE a (id integer)"], ["ALTER TABLE a ALTERX COLUMN b"]])
    code, out, err = run(["migrate"], tmp_path / "other")
    assert code == 1 and "libSQL" not in err  # another syntax error: no such hint


def test_check_warns_offline_of_a_libsql_alter_column(tmp_path: Path) -> None:
    # `mizzle check` passed a Turso folder offline; migrate then failed on its ALTER COLUMN (session 19's known item)
    from mizzle.migrations.check import check_folder

    write_folder(tmp_path, [["CREATE TABLE a (id integer, s text)"],
                            ['ALTER TABLE `a` ALTER COLUMN "s" TO "s" text NOT NULL']])
    report = check_folder(tmp_path / "migrations", "sqlite")
    turso = [f for f in report.warnings if "libSQL" in f.message]  # a warning: right for Turso (drizzle-orm's libSQL
    assert [(Path(f.path).name, f.message.split(":")[0]) for f in turso] == [("0001_m1.sql", "statement 1")]  # migrator)
    assert "`mizzle migrate` will fail on it" in turso[0].message
    assert not any("libSQL" in f.message for f in report.errors)
    code, out, err = run(["check"], tmp_path)
    assert "statement 1: ALTER TABLE … ALTER COLUMN is libSQL's (Turso's)" in out + err


def test_foreign_key_violation_fails_the_migration(tmp_path: Path) -> None:
    write_folder(tmp_path, [
        ["CREATE TABLE p (id integer PRIMARY KEY)",
         "CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p(id) ON DELETE CASCADE)",
         "INSERT INTO p VALUES (1)", "INSERT INTO c VALUES (10, 1)"],
        # a rebuild of the parent keeps the child rows (DROP TABLE does not cascade: foreign keys are off)
        ["PRAGMA foreign_keys=OFF", "CREATE TABLE __new_p (id integer PRIMARY KEY, name text)",
         "INSERT INTO __new_p (id) SELECT id FROM p", "DROP TABLE p", "ALTER TABLE __new_p RENAME TO p",
         "PRAGMA foreign_keys=ON"],
        # a child row pointing nowhere is caught by foreign_key_check and rolled back
        ["INSERT INTO c VALUES (11, 99)"],
    ])
    code, out, err = run(["migrate"], tmp_path)
    assert code == 1, err
    assert "foreign key check failed" in err and "c → p" in err
    db = tmp_path / "app.db"
    assert rows(db, "SELECT id, p_id FROM c") == [(10, 1)]
    assert rows(db, 'SELECT count(*) FROM "__drizzle_migrations"') == [(2,)]


def test_default_url_is_mizzle_db_without_any_config(tmp_path: Path) -> None:
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_a.sql").write_text("CREATE TABLE a (id integer)")
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "sqlite", "entries": [
        {"idx": 0, "version": "6", "when": WHEN, "tag": "0000_a", "breakpoints": True}]}))
    code, out_, err = run(["migrate"], tmp_path)
    assert code == 0, err
    assert "sqlite:///mizzle.db" in out_
    assert rows(tmp_path / "mizzle.db", "SELECT name FROM sqlite_master WHERE name = 'a'") == [("a",)]
    code, out_, err = run(["status"], tmp_path)
    assert code == 0 and "0000_a" in out_ and "applied" in out_


def test_an_index_named_like_a_table_of_the_same_migration_is_named_a_collision(tmp_path: Path) -> None:
    # SQLite's `there is already a table named c` was not even read as "already exists"; the hint, when it came,
    # advised `baseline` or `--idempotent` for an object the same migration had made
    write_folder(tmp_path, [["CREATE TABLE `c` (`x` integer)", "CREATE INDEX `c` ON `c` (`x`)"]])
    import pytest

    from mizzle.errors import StatementFailed
    from mizzle.runner.migrate import migrate

    with pytest.raises(StatementFailed) as ei:
        migrate(url=f"sqlite:///{tmp_path / 'app.db'}", folder=tmp_path / "migrations")
    text = str(ei.value)
    assert "there is already a table named c" in text
    assert "statement 1 of this migration names c too; if it created it, two objects" in text
    assert "tables, views and indexes in one name space" in text and "baseline" not in text


def test_a_double_quoted_name_no_column_has_fails_its_migration(tmp_path: Path) -> None:
    """RSSNext/Folo's 0033, a drizzle-kit rebuild after a column rename: `INSERT INTO __new_ai_chat_messages
    ("chat_id") SELECT "chat_id" FROM ai_chat_messages` where the old table's column is still `room_id`. SQLite's
    double-quoted-string misfeature read "chat_id" as the text 'chat_id' and filled every row with it; drizzle-orm's
    better-sqlite3 refuses it. mizzle's runner refuses it too: the migration fails and rolls back, the rows intact."""
    write_folder(tmp_path, [
        ["CREATE TABLE `ai_chat_messages` (`id` integer PRIMARY KEY, `room_id` text)",
         "INSERT INTO `ai_chat_messages` VALUES (1, 'room-1')"],
        ["CREATE TABLE `__new_ai_chat_messages` (`id` integer PRIMARY KEY, `chat_id` text)",
         'INSERT INTO `__new_ai_chat_messages`("id", "chat_id") SELECT "id", "chat_id" FROM `ai_chat_messages`',
         "DROP TABLE `ai_chat_messages`",
         "ALTER TABLE `__new_ai_chat_messages` RENAME TO `ai_chat_messages`"],
    ])
    code, out, err = run(["migrate"], tmp_path)
    assert code != 0 and "no such column: chat_id" in err, (out, err)
    db = tmp_path / "app.db"
    assert rows(db, "SELECT id, room_id FROM ai_chat_messages") == [(1, "room-1")]
    assert rows(db, "SELECT count(*) FROM __drizzle_migrations") == [(1,)]
    # DDL keeps SQLite's default: an old schema's `DEFAULT "x"` still reads
    write_folder(tmp_path, [["CREATE TABLE `t` (`id` integer PRIMARY KEY, `s` text DEFAULT \"x\")",
                             "INSERT INTO `t` (`id`) VALUES (1)"]])
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nout = "migrations"\nurl = "sqlite:///app2.db"\n')
    code, out, err = run(["migrate"], tmp_path)
    assert code == 0, err
    assert rows(tmp_path / "app2.db", "SELECT s FROM t") == [("x",)]


def test_a_journal_mode_pragma_inside_a_migrations_transaction_is_not_run(tmp_path: Path) -> None:
    # wg-easy's 0001 opens with `PRAGMA journal_mode=WAL;` before its INSERTs. SQLite refuses the change inside
    # a transaction that has written nothing yet, and leaves the mode as it is inside one that has: drizzle-orm's
    # migrator, one transaction for the whole run, applies such a folder to a new database (the mode unchanged).
    # mizzle's transaction of its own for each migration failed at the pragma.
    write_folder(tmp_path, [["CREATE TABLE a (id integer PRIMARY KEY, v text)"],
                            ["PRAGMA journal_mode=WAL;", "INSERT INTO a (v) VALUES ('x')"]])
    code, out, err = run(["migrate"], tmp_path)
    assert code == 0, err
    db = tmp_path / "app.db"
    assert rows(db, "SELECT v FROM a") == [("x",)]
    assert rows(db, "PRAGMA journal_mode") == [("delete",)]
    code, out, err = run(["migrate", "--url", f"sqlite:///{tmp_path / 'b.db'}", "--transaction", "all"], tmp_path)
    assert code == 0, err


def test_a_journal_mode_pragma_of_a_no_transaction_migration_is_run(tmp_path: Path) -> None:
    write_folder(tmp_path, [["CREATE TABLE a (id integer PRIMARY KEY)"],
                            ["-- mizzle:no-transaction\nPRAGMA journal_mode=WAL;", "INSERT INTO a DEFAULT VALUES"]])
    code, out, err = run(["migrate"], tmp_path)
    assert code == 0, err
    assert rows(tmp_path / "app.db", "PRAGMA journal_mode") == [("wal",)]


def test_a_journal_mode_pragma_not_run_is_said(tmp_path: Path) -> None:
    """Nothing skipped silently: the pragma left out of the migration's transaction is named in a warning."""
    write_folder(tmp_path, [["CREATE TABLE a (id integer PRIMARY KEY, v text)"],
                            ["PRAGMA journal_mode=WAL;", "INSERT INTO a (v) VALUES ('x')"]])
    code, out, err = run(["migrate"], tmp_path)
    assert code == 0, err
    assert "`PRAGMA journal_mode=WAL` not run" in err, err


def test_a_drizzle_kit_rebuild_copying_a_column_it_adds_says_so(tmp_path: Path) -> None:
    # Abezzi/sofi-workout's 0003 and beilunyang/moemail's 0013 (drizzle-kit 0.x): a column added by a table rebuild
    # is in the SELECT of the copy too; SQLite (and drizzle-orm's migrator) fail with `no such column: position`
    # (moemail's adds four: each is named)
    write_folder(tmp_path, [["CREATE TABLE `rest_timer` (`id` integer PRIMARY KEY, `rest_time` integer NOT NULL)"],
                            ["PRAGMA foreign_keys=OFF",
                             "CREATE TABLE `__new_rest_timer` (`id` integer PRIMARY KEY, `position` integer, "
                             "`rest_time` integer NOT NULL, `type` text)",
                             'INSERT INTO `__new_rest_timer`("id", "position", "rest_time", "type") SELECT "id", '
                             '"position", "rest_time", "type" FROM `rest_timer`',
                             "DROP TABLE `rest_timer`", "ALTER TABLE `__new_rest_timer` RENAME TO `rest_timer`",
                             "PRAGMA foreign_keys=ON"]])
    code, out, err = run(["migrate"], tmp_path)
    assert code == 1
    assert "no such column: position" in err
    assert "hint: this table rebuild copies position, type from rest_timer, which has none of them" in err
    write_folder(tmp_path / "other", [["CREATE TABLE a (id integer)"], ["INSERT INTO a SELECT nope FROM a"]])
    code, out, err = run(["migrate"], tmp_path / "other")
    assert code == 1 and "rebuild" not in err  # another missing column: no such hint


def test_check_warns_offline_of_a_rebuild_copying_a_column_it_adds(tmp_path: Path) -> None:
    # the same folders, found by `mizzle check` before any database: the snapshot before 0001 has no position or
    # type on rest_timer (a column an earlier ADD COLUMN of the file makes is known)
    from mizzle.migrations.check import check_folder

    out = write_folder(tmp_path, [
        ["CREATE TABLE `rest_timer` (`id` integer PRIMARY KEY, `rest_time` integer NOT NULL)"],
        ["ALTER TABLE `rest_timer` ADD `note` text",
         "CREATE TABLE `__new_rest_timer` (`id` integer PRIMARY KEY, `position` integer, `rest_time` integer NOT "
         "NULL, `note` text, `type` text)",
         'INSERT INTO `__new_rest_timer`("id", "position", "rest_time", "note", "type") SELECT "id", "position", '
         '"rest_time", "note", "type" FROM `rest_timer`',
         "DROP TABLE `rest_timer`", "ALTER TABLE `__new_rest_timer` RENAME TO `rest_timer`"]])
    columns = {c: {"name": c, "type": "integer", "primaryKey": c == "id", "notNull": True, "autoincrement": False}
               for c in ("id", "rest_time")}
    snapshot = {"version": "6", "dialect": "sqlite", "id": "a1", "prevId": "00000000-0000-0000-0000-000000000000",
                "tables": {"rest_timer": {"name": "rest_timer", "columns": columns, "indexes": {},
                                          "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {},
                                          "checkConstraints": {}}},
                "views": {}, "enums": {}, "_meta": {"schemas": {}, "tables": {}, "columns": {}}, "internal": {}}
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps(snapshot))
    found = [f for f in check_folder(out, "sqlite").warnings if "rebuild copies" in f.message]
    assert [(Path(f.path).name, f.message.split(":")[0]) for f in found] == [("0001_m1.sql", "statement 3")], found
    assert "copies position, type from rest_timer, which has none of them" in found[0].message


def test_a_foreign_key_to_columns_that_are_not_a_key_does_not_fail_the_migration(tmp_path: Path) -> None:
    # tloncorp/tlon-apps' Expo folder (drizzle-kit 0.x, its only migration): activity_event_contact_group_pins
    # references activity_events(id), whose primary key is (id, bucket_id). SQLite takes the DDL and drizzle-orm's
    # migrator applies it; `PRAGMA foreign_key_check` fails with "foreign key mismatch", and mizzle rolled the
    # migration back ("recording it in __drizzle_migrations failed"), then every later one on such a database.
    # The other tables' keys are still checked, and the defect is named in a warning.
    write_folder(tmp_path, [["CREATE TABLE `events` (`id` text NOT NULL, `bucket` text NOT NULL, "
                             "PRIMARY KEY(`id`, `bucket`))",
                             "CREATE TABLE `pins` (`event_id` text NOT NULL REFERENCES `events`(`id`), `g` text)",
                             "CREATE TABLE `p` (`id` integer PRIMARY KEY)",
                             "CREATE TABLE `c` (`id` integer PRIMARY KEY, `p_id` integer REFERENCES `p`(`id`))"],
                            ["INSERT INTO `p` VALUES (1)", "INSERT INTO `c` VALUES (1, 1)"],
                            ["INSERT INTO `c` VALUES (2, 5)"]])
    code, out, err = run(["migrate", "--to", "0000_m0"], tmp_path)
    assert code == 0, err
    assert "pins" in err and "events" in err and "not its primary key" in err, err
    code, out, err = run(["migrate"], tmp_path)
    assert code == 1 and "foreign key check failed" in err and "c → p" in err, err
    assert rows(tmp_path / "app.db", "SELECT count(*) FROM __drizzle_migrations") == [(2,)]


REBUILD_T = ["PRAGMA foreign_keys=OFF", "CREATE TABLE `__new_t` (`id` text PRIMARY KEY NOT NULL, `v` integer NOT NULL)",
             'INSERT INTO `__new_t`("id", "v") SELECT "id", "v" FROM `t`', "DROP TABLE `t`",
             "ALTER TABLE `__new_t` RENAME TO `t`", "PRAGMA foreign_keys=ON"]


def test_a_rebuilt_tables_trigger_the_file_makes_again_is_the_files(tmp_path: Path) -> None:
    """Micsushi/flapstack's 0042: a drizzle-kit rebuild of agent_profile_evaluations, then the file's own
    CREATE TRIGGER of the append-only triggers the table had (its DROP TABLE took them, under drizzle-orm's
    migrator as under SQLite). mizzle's runner keeps a rebuilt table's triggers, so the file's CREATE TRIGGER
    failed with `trigger … already exists`, and migrate, verify and check --rebuild-snapshots refused a folder
    drizzle-orm applies. The trigger the file makes again replaces the kept one (its definition wins), in the
    same migration or a later one of the run, with or without IF NOT EXISTS."""
    old = "CREATE TRIGGER `t_no_update` BEFORE UPDATE ON `t` BEGIN SELECT RAISE(ABORT, 'old'); END;"
    new = "CREATE TRIGGER {ine}`t_no_update`\nBEFORE UPDATE ON `t`\nBEGIN SELECT RAISE(ABORT, 'new'); END;"
    for n, (ine, later) in enumerate([("", False), ("IF NOT EXISTS ", False), ("", True)]):
        root = tmp_path / str(n)
        root.mkdir()
        made_again = [new.format(ine=ine)]
        write_folder(root, [["CREATE TABLE `t` (`id` text PRIMARY KEY NOT NULL, `v` integer)", old,
                             "INSERT INTO `t` VALUES ('a', 1)"],
                            REBUILD_T + ([] if later else made_again)] + ([made_again] if later else []))
        code, out, err = run(["migrate"], root)
        assert code == 0, err
        db = root / "app.db"
        assert [r[0] for r in rows(db, "SELECT sql FROM sqlite_master WHERE type = 'trigger'")] == [
            new.format(ine="").rstrip(";")]  # SQLite keeps the text without IF NOT EXISTS
        with sqlite3.connect(db) as c:
            try:
                c.execute("UPDATE t SET v = 2")
                raise AssertionError("the trigger did not fire")
            except sqlite3.DatabaseError as e:
                assert "new" in str(e)
    # flapstack's 0043: two tables rebuilt, the other one dropped first (its rebuild saves and drops every trigger
    # of the database, t's among them), then t, then both renamed, then t's trigger made again
    root = tmp_path / "two"
    root.mkdir()
    write_folder(root, [["CREATE TABLE `t` (`id` text PRIMARY KEY NOT NULL, `v` integer)",
                         "CREATE TABLE `u` (`id` text PRIMARY KEY NOT NULL)", old],
                        ["CREATE TABLE `__new_t` (`id` text PRIMARY KEY NOT NULL, `v` integer NOT NULL)",
                         'INSERT INTO `__new_t`("id", "v") SELECT "id", "v" FROM `t`',
                         "CREATE TABLE `__new_u` (`id` text PRIMARY KEY NOT NULL, `w` text)",
                         'INSERT INTO `__new_u`("id") SELECT "id" FROM `u`', "DROP TABLE `u`", "DROP TABLE `t`",
                         "ALTER TABLE `__new_t` RENAME TO `t`", "ALTER TABLE `__new_u` RENAME TO `u`",
                         new.format(ine="")]])
    code, out, err = run(["migrate"], root)
    assert code == 0, err
    assert [r[0] for r in rows(root / "app.db", "SELECT sql FROM sqlite_master WHERE type = 'trigger'")] == [
        new.format(ine="").rstrip(";")]
    # a rebuild the file does not follow with the trigger keeps it, as before
    root = tmp_path / "kept"
    root.mkdir()
    write_folder(root, [["CREATE TABLE `t` (`id` text PRIMARY KEY NOT NULL, `v` integer)", old], REBUILD_T])
    code, out, err = run(["migrate"], root)
    assert code == 0, err
    assert rows(root / "app.db", "SELECT name FROM sqlite_master WHERE type = 'trigger'") == [("t_no_update",)]
