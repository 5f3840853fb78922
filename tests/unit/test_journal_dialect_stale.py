"""A journal whose `dialect` is stale: drizzle-kit writes that field once, when it makes the journal, and never reads
it again (nor does drizzle-orm's migrator). sadmann7/shadcn-table moved from PlanetScale (MySQL) to Neon
(PostgreSQL) and kept its journal, `"dialect": "mysql"`, over three PostgreSQL migrations whose snapshots say
`"pg"`; drizzle-kit 0.31 `check`/`up`/`generate` and drizzle-orm's migrator work on it, while mizzle refused
every command (check, migrate, verify, drift, check --rebuild-snapshots). The snapshots decide; a journal that
disagrees with them and with the configuration is still refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mizzle.errors import UsageError
from mizzle.migrations.check import check_folder
from mizzle.runner.migrate import load_folder

REFERENCE = Path(__file__).parents[1] / "interop" / "pg" / "out"  # written by drizzle-kit 0.31 (PostgreSQL)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    dest = tmp_path / "drizzle"
    shutil.copytree(REFERENCE, dest)
    jp = dest / "meta" / "_journal.json"
    data = json.loads(jp.read_text())
    data["dialect"] = "mysql"
    jp.write_text(json.dumps(data, indent=2))
    return dest


def test_check_warns_when_the_snapshots_agree_with_the_configuration(folder: Path) -> None:
    report = check_folder(folder, "postgresql")
    assert report.ok, [str(f) for f in report.errors]
    warned = [f for f in report.warnings if f.path == "meta/_journal.json" and "'mysql'" in f.message]
    assert len(warned) == 1 and "snapshots" in warned[0].message, [str(f) for f in report.warnings]


def test_check_without_configuration_reads_the_snapshots_dialect(folder: Path) -> None:
    report = check_folder(folder)
    assert report.ok, [str(f) for f in report.errors]
    assert any("'mysql'" in f.message for f in report.warnings)


def test_load_folder_goes_by_the_snapshots(folder: Path) -> None:
    migrations, stray, _ = load_folder(folder, "postgresql")
    assert migrations and not stray


def test_a_journal_the_snapshots_do_not_back_is_still_refused(folder: Path) -> None:
    with pytest.raises(UsageError, match="mysql journal"):
        load_folder(folder, "sqlite")
    assert any("journal dialect" in f.message for f in check_folder(folder, "sqlite").errors)
    for p in (folder / "meta").glob("*_snapshot.json"):
        p.unlink()
    with pytest.raises(UsageError, match="mysql journal"):
        load_folder(folder, "postgresql")
    assert any("journal dialect" in f.message for f in check_folder(folder, "postgresql").errors)


def test_fix_sets_the_field_the_snapshots_back(folder: Path) -> None:
    from mizzle.migrations.check import fix_folder

    report = fix_folder(folder, "postgresql")
    assert any("dialect" in r and "'mysql'" in r for r in report.repairs), report.repairs
    assert json.loads((folder / "meta" / "_journal.json").read_text())["dialect"] == "postgresql"
    assert report.after is not None
    assert not [f for f in report.after.warnings if "dialect" in f.message], [str(f) for f in report.after.warnings]


def test_fix_leaves_a_journal_the_snapshots_do_not_back(folder: Path) -> None:
    from mizzle.migrations.check import fix_folder

    report = fix_folder(folder, "sqlite")
    assert not any("dialect" in r for r in report.repairs), report.repairs
    assert json.loads((folder / "meta" / "_journal.json").read_text())["dialect"] == "mysql"


def test_a_folder_of_another_dialect_is_one_error_not_one_a_statement() -> None:
    # Abdulmumin1/owostack's SQLite folder checked under dialect = "postgresql": the journal's dialect was named,
    # then each of its 125 statements "does not parse" (PostgreSQL's parser reading SQLite's backquotes)
    sqlite_folder = Path(__file__).parents[1] / "interop" / "sqlite" / "out"  # written by drizzle-kit (SQLite)
    errors = [str(f) for f in check_folder(sqlite_folder, "postgresql").errors]
    assert len(errors) == 1 and "journal dialect is 'sqlite'" in errors[0], errors
    assert check_folder(sqlite_folder, "sqlite").ok
