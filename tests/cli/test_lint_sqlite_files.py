"""`mizzle lint FILE` in a SQLite project: the files a SQLite `generate` writes (backquoted names, `PRAGMA`,
`--> statement-breakpoint`) were parsed by PostgreSQL's parser, one MZ001 "syntax error" a statement and exit 0
(Trilium's db/schema.sql pulled, then upgraded: 43 false errors), where `mizzle lint` with no FILES refuses SQLite
in one line. Given FILES, a config that names a dialect without lint is refused the same way; a lone file with no
config is still linted."""

from __future__ import annotations

from pathlib import Path

SQLITE_MIGRATION = """ALTER TABLE `notes` ADD `blobId` text;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE INDEX `IDX_notes_blobId` ON `notes` (`blobId`);
"""


def test_lint_of_a_file_in_a_sqlite_project_is_refused(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = "schema.py"\nout = "migrations"\n')
    (tmp_path / "migrations").mkdir()
    sql = tmp_path / "migrations" / "0001_upgrade.sql"
    sql.write_text(SQLITE_MIGRATION)
    r = run_mizzle(["lint", str(sql)], cwd=tmp_path)
    assert r.code == 2, r.stdout + r.stderr
    assert "checks PostgreSQL migrations; the config says sqlite" in r.stderr, r.stderr
    assert "MZ001" not in r.stdout + r.stderr


def test_lint_of_a_lone_file_without_config_still_lints(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    sql = tmp_path / "0001.sql"
    sql.write_text("ALTER TABLE posts DROP COLUMN body;\n")
    r = run_mizzle(["lint", str(sql)], cwd=tmp_path)
    assert r.code == 0, r.stdout + r.stderr
    assert "MZ102" in r.stdout, r.stdout


def _sqlite_folder(out: Path) -> None:
    """A drizzle-kit SQLite folder (after Abdulmumin1/owostack's packages/db/migrations: backquoted names)."""
    import json

    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text("CREATE TABLE `plans` (\n\t`id` text PRIMARY KEY NOT NULL\n);\n"
                                       "--> statement-breakpoint\nALTER TABLE `plans` ADD `trial_days` integer;\n")
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "sqlite", "entries": [
        {"idx": 0, "version": "6", "when": 1772207012872, "tag": "0000_init", "breakpoints": True}]}))
    col = {"type": "text", "primaryKey": True, "notNull": True, "autoincrement": False}
    (out / "meta" / "0000_snapshot.json").write_text(json.dumps({
        "version": "6", "dialect": "sqlite", "id": "0b65bd7d-b388-4e09-bdf5-562c94da59b2",
        "prevId": "00000000-0000-0000-0000-000000000000",
        "tables": {"plans": {"name": "plans", "columns": {
            "id": {"name": "id", **col},
            "trial_days": {"name": "trial_days", "type": "integer", "primaryKey": False, "notNull": False,
                           "autoincrement": False}},
            "indexes": {}, "foreignKeys": {}, "compositePrimaryKeys": {}, "uniqueConstraints": {},
            "checkConstraints": {}}},
        "views": {}, "enums": {}, "_meta": {"schemas": {}, "tables": {}, "columns": {}}, "internal": {"indexes": {}}}))


def test_lint_of_a_sqlite_folder_under_a_postgresql_config_is_refused(  # type: ignore[no-untyped-def]
        tmp_path: Path, run_mizzle) -> None:
    # owostack's SQLite folder under a config saying postgresql: `mizzle lint` printed 125 MZ001 syntax errors (one
    # a statement, PostgreSQL's parser reading SQLite's backquotes) and exited 0; `check` says the journal is
    # SQLite's, and lint now says so in one line
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "migrations"\n')
    _sqlite_folder(tmp_path / "migrations")
    r = run_mizzle(["lint"], cwd=tmp_path)
    assert r.code == 2, r.stdout + r.stderr
    assert "sqlite" in r.stderr and "postgresql" in r.stderr, r.stderr
    assert "MZ001" not in r.stdout + r.stderr
