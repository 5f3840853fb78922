"""Interop with drizzle-kit 0.31 / drizzle-orm on SQLite, both directions.

drizzle-kit → mizzle: the reference folder tests/interop/sqlite/out (4 steps: create, add/drop columns,
rebuilds, renames) is applied by mizzle's runner, gives the database the SQLAlchemy twin of its last
schema describes, and mizzle continuing that folder with the twin finds no changes.
mizzle → drizzle: the folder mizzle generates from the twin is applied by drizzle-orm's migrator, and
drizzle-kit continuing it with the TypeScript schema says "No schema changes". The tracking table each
tool writes is read by the other.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_support import db_model, model_diff, rows

from mizzle.commands.generate import generate, load_code_schema
from mizzle.config import load_config
from mizzle.runner.migrate import migrate, status

INTEROP = Path(__file__).parents[2] / "interop"
REFERENCE = INTEROP / "sqlite" / "out"
TWIN = INTEROP / "sqlite_pair" / "schema.py"
SCHEMA_TS = INTEROP / "sqlite" / "steps" / "step4" / "schema.ts"
DRIZZLE_KIT = INTEROP / "node_modules" / "drizzle-kit" / "bin.cjs"
NO_CHANGES = "No schema changes"
# drizzle-kit 0.31 bug (NOTES.md §9): after a rebuild it backticks an expression index column
BUGGY = 'CREATE UNIQUE INDEX `users_email_lower_idx` ON `users` (`lower("email")`);'
FIXED = 'CREATE UNIQUE INDEX `users_email_lower_idx` ON `users` (lower("email"));'


def project(root: Path, out: Path):  # type: ignore[no-untyped-def]
    (root / "twin").mkdir(parents=True, exist_ok=True)
    shutil.copy(TWIN, root / "twin" / "schema.py")
    (root / "mizzle.toml").write_text(f'dialect = "sqlite"\nschema = ["twin/schema.py"]\nout = "{out}"\n')
    for m in [m for m in sys.modules if m == "twin" or m.startswith("twin.")]:
        del sys.modules[m]
    return load_config(root / "mizzle.toml")


def reference_copy(dest: Path) -> Path:
    shutil.copytree(REFERENCE, dest)
    sql = dest / "0002_step3.sql"
    text = sql.read_text()
    assert BUGGY in text
    sql.write_text(text.replace(BUGGY, FIXED))
    return dest


def test_mizzle_applies_and_continues_drizzle_kit_folder(tmp_path: Path) -> None:
    folder = reference_copy(tmp_path / "D")
    db = tmp_path / "d.db"
    res = migrate(url=f"sqlite:///{db}", folder=folder)
    assert [m.tag for m in res.applied] == ["0000_step1", "0001_step2", "0002_step3", "0003_step4"]
    cfg = project(tmp_path / "proj", folder)
    code, _ = load_code_schema(cfg)
    assert model_diff(db_model(db), code) == []
    again = generate(cfg, name="again")
    assert not again.written, again.changes
    # drizzle-orm's table layout, ids NULL (SERIAL is no rowid alias), created_at = the journal's when
    tracked = rows(db, 'SELECT id, created_at FROM "__drizzle_migrations" ORDER BY created_at')
    assert [r[0] for r in tracked] == [None] * 4
    assert rows(db, "SELECT sql FROM sqlite_master WHERE name = '__drizzle_migrations'")[0][0].startswith(
        'CREATE TABLE "__drizzle_migrations" (\n\t\t\t\tid SERIAL PRIMARY KEY,')


@pytest.fixture(scope="module")
def node() -> str:
    node = shutil.which("node")
    missing = [m for m in ("drizzle-kit", "drizzle-orm", "better-sqlite3")
               if not (INTEROP / "node_modules" / m / "package.json").exists()]
    if node is None or missing:
        msg = f"SQLite interop needs node and `npm ci` in tests/interop (node: {node}, missing: {missing})"
        if os.environ.get("MIZZLE_ALLOW_SKIP_INTEROP") == "1":
            pytest.skip(msg)
        pytest.fail(msg + " (set MIZZLE_ALLOW_SKIP_INTEROP=1 to skip)", pytrace=False)
    assert node is not None
    return node


def drizzle_migrate(node: str, db: Path, folder: Path) -> None:
    p = subprocess.run([node, str(INTEROP / "migrate.mjs"), f"sqlite:{db}", str(folder)], cwd=INTEROP,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"drizzle-orm's migrator failed on {folder}:\n{p.stdout}\n{p.stderr}"


@pytest.mark.interop
def test_drizzle_kit_and_drizzle_orm_continue_mizzle_folder(node: str, tmp_path: Path) -> None:
    out = tmp_path / "M"
    cfg = project(tmp_path / "proj", out)
    result = generate(cfg, name="init")
    assert result.written
    # drizzle-kit, continuing mizzle's folder with the TypeScript schema, finds nothing to do
    cont = tmp_path / "M_copy"
    shutil.copytree(out, cont)
    before = sorted(p.name for p in cont.rglob("*"))
    p = subprocess.run([node, str(DRIZZLE_KIT), "generate", "--dialect", "sqlite", "--schema", str(SCHEMA_TS),
                        "--out", os.path.relpath(cont, INTEROP), "--name", "again"],
                       cwd=INTEROP, env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120)
    assert NO_CHANGES in p.stdout, f"drizzle-kit found changes:\n{p.stdout}\n{p.stderr[-2000:]}\n" + "".join(
        f"\n--- {f}\n{f.read_text()}" for f in cont.glob("*.sql") if f.name.startswith("0001"))
    assert sorted(p.name for p in cont.rglob("*")) == before
    # drizzle-orm's migrator applies it; mizzle then sees it applied and has nothing to do
    db = tmp_path / "m.db"
    drizzle_migrate(node, db, out)
    code, _ = load_code_schema(cfg)
    assert model_diff(db_model(db), code) == []
    st = status(url=f"sqlite:///{db}", folder=out)
    assert [s.state for s in st.states] == ["applied"] and not st.problems
    assert migrate(url=f"sqlite:///{db}", folder=out).nothing_to_do


@pytest.mark.interop
def test_mizzle_continues_database_migrated_by_drizzle_orm(node: str, tmp_path: Path) -> None:
    folder = reference_copy(tmp_path / "D")
    db = tmp_path / "d.db"
    drizzle_migrate(node, db, folder)
    st = status(url=f"sqlite:///{db}", folder=folder)
    assert [s.state for s in st.states] == ["applied"] * 4, [(s.tag, s.state) for s in st.states]
    assert migrate(url=f"sqlite:///{db}", folder=folder).nothing_to_do
    # the database drizzle-orm built equals the one mizzle builds from the same folder
    mine = tmp_path / "mine.db"
    migrate(url=f"sqlite:///{mine}", folder=folder)
    assert model_diff(db_model(mine), db_model(db)) == []


@pytest.mark.interop
def test_drizzle_kit_leaves_mizzles_own_tables_out_with_the_documented_filter(node: str, tmp_path: Path) -> None:
    """On SQLite mizzle's audit and progress tables sit beside the app's (on PostgreSQL they are in the tracking
    schema, which drizzle-kit 0.x does not read but 1.x does: test_interop1_pg.py); drizzle-kit leaves out only
    `__drizzle_migrations`, so its `pull` wrote them into the app's schema and its `push` (seen on dyad's folder
    migrated by mizzle) proposed `DROP TABLE __mizzle_audit`. docs/guides/drizzle-kit.md gives the filter that keeps them out."""
    out = tmp_path / "M"
    assert generate(project(tmp_path / "proj", out), name="init").written
    db = tmp_path / "m.db"
    migrate(url=f"sqlite:///{db}", folder=out)
    assert rows(db, "SELECT name FROM sqlite_master WHERE name = '__mizzle_audit'")

    def pulled(name: str, *extra: str) -> str:
        p = subprocess.run([node, str(DRIZZLE_KIT), "pull", "--dialect", "sqlite", "--url", str(db),
                            "--out", os.path.relpath(tmp_path / name, INTEROP), *extra],
                           cwd=INTEROP, env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stdout + p.stderr
        return (tmp_path / name / "schema.ts").read_text()

    assert 'sqliteTable("__mizzle_audit"' in pulled("unfiltered")
    filtered = pulled("filtered", "--tablesFilter", "!__mizzle_*")
    assert "__mizzle" not in filtered and 'sqliteTable("posts"' in filtered


@pytest.mark.interop
def test_check_warns_of_a_chunk_drizzle_orm_cannot_run_as_one_statement(node: str, tmp_path: Path) -> None:
    """emdash's 0006 (written by hand): `PRAGMA foreign_keys=OFF;` and a table rebuild with no statement-breakpoint
    between them. mizzle's runner applies it statement by statement; drizzle-orm's migrator runs each chunk as one
    prepared statement, which better-sqlite3 refuses, and `check` said ok. A trigger's body (statements between
    BEGIN and END) is one statement."""
    from mizzle.migrations.check import check_folder

    out = tmp_path / "M"
    assert generate(project(tmp_path / "proj", out), name="init").written
    (out / "0000_init.sql").write_text(
        "CREATE TABLE `a` (`id` integer PRIMARY KEY NOT NULL);\n--> statement-breakpoint\n"
        "CREATE TRIGGER `a_ai` AFTER INSERT ON `a` BEGIN SELECT 1; SELECT 2; END;\n--> statement-breakpoint\n"
        "PRAGMA foreign_keys=OFF;\nCREATE TABLE `b` (`id` integer); -- two in one chunk\n")
    warned = [f for f in check_folder(out, "sqlite").warnings if "statement-breakpoint" in f.message]
    assert len(warned) == 1 and warned[0].path == "0000_init.sql", warned
    assert warned[0].message.startswith("chunk 3 holds 2 statements"), warned[0].message
    p = subprocess.run([node, str(INTEROP / "migrate.mjs"), f"sqlite:{tmp_path / 'd.db'}", str(out)], cwd=INTEROP,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "more than one statement" in p.stderr, p.stdout + p.stderr
    assert migrate(url=f"sqlite:///{tmp_path / 'm.db'}", folder=out).applied  # mizzle runs them one by one



@pytest.mark.interop
def test_check_warns_of_a_chunk_holding_no_statement(node: str, tmp_path: Path) -> None:
    """ItzCrazyKns/Perplexica's 0001 and 0002 hold only `/* Do nothing */` (its own script runs the change), and an
    untouched `generate --custom` file only its comment; a trailing breakpoint leaves an empty chunk. drizzle-orm's
    migrator runs each chunk as a statement, which better-sqlite3 refuses ("The supplied SQL string contains no
    statements"); mizzle's runner skips it, and `check` said ok."""
    from mizzle.migrations.check import check_folder

    out = tmp_path / "M"
    assert generate(project(tmp_path / "proj", out), name="init").written
    first = (out / "0000_init.sql").read_text()
    (out / "0000_init.sql").write_text(first + "\n--> statement-breakpoint\n/* Do nothing */")
    warned = [f for f in check_folder(out, "sqlite").warnings if "no statement" in f.message]
    assert len(warned) == 1 and warned[0].path == "0000_init.sql", warned
    chunks = first.count("--> statement-breakpoint") + 2
    assert warned[0].message.startswith(f"chunk {chunks} holds no statement"), warned[0].message
    p = subprocess.run([node, str(INTEROP / "migrate.mjs"), f"sqlite:{tmp_path / 'd.db'}", str(out)], cwd=INTEROP,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "contains no statements" in p.stderr, p.stdout + p.stderr
    assert migrate(url=f"sqlite:///{tmp_path / 'm.db'}", folder=out).applied  # mizzle skips it


KEY_RENAMED = """
import sqlalchemy as sa
metadata = sa.MetaData({convention})
clients = sa.Table("clients", metadata, sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("identifier", sa.String(255), unique=True))
tokens = sa.Table("tokens", metadata, sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("client_id", sa.String(255), sa.ForeignKey("clients.identifier"{ondelete})))
"""


@pytest.mark.interop
def test_a_parents_renamed_unique_exists_before_the_rebuilt_child_referencing_it(node: str, tmp_path: Path) -> None:
    """JupyterHub 1.5 → 6.1 on SQLite: oauth_clients (not rebuilt) has its unique index on identifier renamed
    (uq_oauth_clients_identifier, from the naming convention 2.0 brought) while api_tokens, whose key references
    that column, is rebuilt. The old index was dropped first and the new one made after the last rebuild, so under
    drizzle-orm's migrator, foreign keys on, `INSERT INTO __new_api_tokens` failed with 'foreign key mismatch -
    "__new_api_tokens" referencing "oauth_clients"'. Such a unique is now made before the rebuilds."""
    (tmp_path / "keyrenamed").mkdir()
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["keyrenamed/schema.py"]\nout = "migrations"\n')
    steps = [("", ""), ('naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"}', ', ondelete="CASCADE"')]
    for n, (convention, ondelete) in enumerate(steps):
        (tmp_path / "keyrenamed" / "schema.py").write_text(KEY_RENAMED.format(convention=convention, ondelete=ondelete))
        for m in [m for m in sys.modules if m == "keyrenamed" or m.startswith("keyrenamed.")]:
            del sys.modules[m]
        assert generate(load_config(tmp_path / "mizzle.toml"), name=f"s{n}", no_renames=True).written
    sql = next((tmp_path / "migrations").glob("0001_*.sql")).read_text()
    assert "DROP INDEX `clients_identifier_unique`" in sql and "CREATE TABLE `__new_clients`" not in sql, sql
    assert sql.index("CREATE UNIQUE INDEX `uq_clients_identifier`") < sql.index("CREATE TABLE `__new_tokens`"), sql
    drizzle_migrate(node, tmp_path / "orm.db", tmp_path / "migrations")
    migrate(url=f"sqlite:///{tmp_path / 'mz.db'}", folder=tmp_path / "migrations")
    assert model_diff(db_model(tmp_path / "orm.db"), db_model(tmp_path / "mz.db")) == []
