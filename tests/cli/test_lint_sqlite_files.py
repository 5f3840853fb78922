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
