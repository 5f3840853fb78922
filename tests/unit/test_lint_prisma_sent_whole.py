"""A Prisma folder's migration.sql is sent to the server whole, in one query: a file of one CREATE INDEX
CONCURRENTLY runs in no transaction block, under Prisma and under `mizzle migrate` (Migration.sent_whole).
baptisteArno/typebot.io's packages/prisma/postgresql/migrations holds five such files
(20221020070833_add_typebot_id_index_in_result, …): migrate applied them, but `mizzle lint` called each an
error, MZ302 'cannot run inside the transaction this file runs in; put -- mizzle:no-transaction'."""

from __future__ import annotations

from pathlib import Path

from mizzle.lint import LintContext, lint_file

ONE = '-- CreateIndex\nCREATE INDEX CONCURRENTLY "Thing_ownerId_idx" ON "Thing"("ownerId");\n'
TWO = ONE + 'ALTER TABLE "Thing" ADD COLUMN "note" TEXT;\n'


def _file(root: Path, sql: str, prisma: bool) -> Path:
    folder = root / "migrations"
    (folder / "20240101000000_thing_index").mkdir(parents=True)
    path = folder / "20240101000000_thing_index" / "migration.sql"
    path.write_text(sql)
    if prisma:
        (folder / "migration_lock.toml").write_text('provider = "postgresql"\n')
    return path


def _rules(path: Path) -> list[str]:
    return [f.rule for f in lint_file(path)]


def test_a_prisma_file_of_one_concurrently_statement_is_no_mz302(tmp_path: Path) -> None:
    path = _file(tmp_path, ONE, prisma=True)
    assert "MZ302" not in _rules(path)
    # the text with its path as context (generate's and revert's lint of what they wrote) reads the same
    assert "MZ302" not in [f.rule for f in lint_file(ONE, LintContext(file=str(path)))]


def test_a_prisma_file_of_several_statements_is_still_mz302(tmp_path: Path) -> None:
    # they share the implicit transaction of one query, where PostgreSQL refuses it (so does mizzle migrate)
    assert "MZ302" in _rules(_file(tmp_path, TWO, prisma=True))


def test_the_same_file_outside_a_prisma_folder_is_still_mz302(tmp_path: Path) -> None:
    # drizzle-orm's migrator runs every pending migration of a drizzle-kit folder in one transaction
    assert "MZ302" in _rules(_file(tmp_path, ONE, prisma=False))
    assert "MZ302" in [f.rule for f in lint_file(ONE, LintContext(file="t.sql"))]


# Prisma Migrate's own SQL for an enum losing a value: the whole file between BEGIN and COMMIT (ghostfolio's
# 20221225084546_removed_rakuten_from_data_source, typebot.io's, linkwarden's, teable's: 22 in all)
WRAPPED = ('-- AlterEnum\nBEGIN;\nCREATE TYPE "Kind_new" AS ENUM (\'A\', \'B\');\n'
           'ALTER TABLE "Thing" ALTER COLUMN "kind" TYPE "Kind_new" USING ("kind"::text::"Kind_new");\n'
           'ALTER TYPE "Kind" RENAME TO "Kind_old";\nALTER TYPE "Kind_new" RENAME TO "Kind";\n'
           'DROP TYPE "Kind_old";\nCOMMIT;\n')


def test_a_prisma_file_wrapped_whole_in_begin_and_commit_is_no_mz304(tmp_path: Path) -> None:
    """Sent whole, its BEGIN opens the transaction the file runs in anyway and its COMMIT ends it: the file is one
    transaction under Prisma and under mizzle (which runs each migration of such a folder in a transaction of its
    own and leaves the BEGIN out). lint warned twice on each, of drizzle-orm's transaction, which does not run it."""
    assert "MZ304" not in _rules(_file(tmp_path, WRAPPED, prisma=True))


def test_begin_and_commit_elsewhere_are_still_mz304(tmp_path: Path) -> None:
    # in a drizzle-kit folder, the COMMIT ends drizzle-orm's transaction of the whole run
    assert "MZ304" in _rules(_file(tmp_path / "a", WRAPPED, prisma=False))
    # in a Prisma file, a COMMIT before the end splits the file in two transactions
    split = WRAPPED.replace('DROP TYPE "Kind_old";\nCOMMIT;\n', 'COMMIT;\nDROP TYPE "Kind_old";\n')
    assert "MZ304" in _rules(_file(tmp_path / "b", split, prisma=True))
    assert "MZ304" in _rules(_file(tmp_path / "c", 'ALTER TABLE "Thing" ADD COLUMN "n" TEXT;\n' + WRAPPED,
                                   prisma=True))
