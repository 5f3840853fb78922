"""The real `mizzle generate` / `export` commands: outputs, exit codes, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pg_history

SIMPLE = '''
import sqlalchemy as sa
md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text))
'''


def project(root: Path, files: dict[str, str], schema: str = '["app/*.py"]') -> Path:
    (root / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = {schema}\nout = "migrations"\n')
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def test_generate_then_nothing_to_do(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE})
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "0000_init.sql" in r.stdout and "+ table users" in r.stdout
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert (r.code, r.stdout.strip()) == (0, "No schema changes")
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert r.code == 0
    assert len(list((tmp_path / "migrations").glob("*.sql"))) == 1


def test_generate_check_exits_3_and_writes_nothing(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE})
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    assert r.code == 3
    assert "not yet in a migration" in r.first_error_line
    assert "+ table users" in r.stderr
    assert not (tmp_path / "migrations").exists()
    # the count is of the lines listed: an index made again (a drop and a create) is one line
    project(tmp_path, {"app/schema.py": SIMPLE + 'sa.Index("users_name", users.c.name)\n'})
    assert run_mizzle(["generate"], cwd=tmp_path).code == 0
    project(tmp_path, {"app/schema.py": SIMPLE + 'sa.Index("users_name", users.c.name, users.c.id)\n'})
    r = run_mizzle(["generate", "--check"], cwd=tmp_path)
    listed = [line for line in r.stderr.splitlines() if line.startswith("  ")]
    assert r.code == 3 and len(listed) == 1 and "has 1 change(s)" in r.first_error_line, r.stderr


def test_generate_json(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE})
    r = run_mizzle(["generate", "--json"], cwd=tmp_path)
    data = json.loads(r.stdout)
    assert data["written"] is True and data["tag"].startswith("0000_") and data["statements"] == 1
    assert data["changes"] == ["+ table users (2 columns)"]


def test_custom_migration(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE})
    assert run_mizzle(["generate"], cwd=tmp_path).code == 0
    r = run_mizzle(["generate", "--custom", "--name", "backfill"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    text = (tmp_path / "migrations" / "0001_backfill.sql").read_text()
    assert text.startswith("-- Custom SQL migration file")
    snaps = [json.loads(p.read_text()) for p in sorted((tmp_path / "migrations/meta").glob("*_snapshot.json"))]
    assert snaps[1]["prevId"] == snaps[0]["id"] and snaps[1]["tables"] == snaps[0]["tables"]
    assert run_mizzle(["generate"], cwd=tmp_path).stdout.strip() == "No schema changes"


def test_export_prints_ddl(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE})
    r = run_mizzle(["export"], cwd=tmp_path)
    assert r.code == 0
    assert 'CREATE TABLE "public"."users"' in r.stdout
    assert not (tmp_path / "migrations").exists()


def test_export_names_the_ddl_listeners_it_leaves_out(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # Faraday's models make uix_vulnerability by an after_create DDL on vulnerability: generate named it, export
    # printed the DDL without the index and said nothing
    project(tmp_path, {"app/schema.py": SIMPLE + "\nsa.event.listen(users, 'after_create', "
                                               "sa.DDL('CREATE UNIQUE INDEX uix_users ON %(fullname)s (lower(name))'))\n"})
    r = run_mizzle(["export"], cwd=tmp_path)
    assert r.code == 0 and "uix_users" not in r.stdout, r.stdout
    assert "warning: not managed by mizzle (not in this export): DDL CREATE UNIQUE INDEX uix_users" in r.stderr, r.stderr
    out = json.loads(run_mizzle(["export", "--json"], cwd=tmp_path).stdout)
    [line] = out["warnings"]
    assert line.startswith("not managed by mizzle (not in this export): DDL CREATE UNIQUE INDEX uix_users"), out


def test_import_error_names_file_and_exception(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE + "\nraise RuntimeError('boom at import')\n"})
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 2
    assert "app/schema.py" in r.first_error_line and "RuntimeError: boom at import" in r.first_error_line
    assert "Traceback" not in r.stderr


def test_syntax_error_in_schema(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": "def broken(:\n"})
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 2 and "SyntaxError" in r.first_error_line and "schema.py" in r.first_error_line


def test_duplicate_table_names_both_files(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/a.py": SIMPLE, "app/b.py": SIMPLE})
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 2
    line = r.first_error_line
    assert "public.users is defined twice" in line and "app/a.py" in line and "app/b.py" in line


def test_one_table_in_two_declarative_bases_of_one_module_names_both(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    # Home Assistant's recorder db_schema.py (2025.4) keeps `LegacyBase` beside `Base` for its own data migrations,
    # with a second `events` table: the error named db_schema.py twice and no way out. It names the two MetaData and
    # how to read only one: a module of the project's own that imports it.
    two_bases = ("import sqlalchemy as sa\nfrom sqlalchemy.orm import DeclarativeBase\n\n"
                 "class Base(DeclarativeBase):\n    pass\n\n\nclass LegacyBase(DeclarativeBase):\n    pass\n\n\n"
                 "class Events(Base):\n    __tablename__ = 'events'\n    id = sa.Column(sa.Integer, primary_key=True)\n\n\n"
                 "class LegacyEvents(LegacyBase):\n    __tablename__ = 'events'\n"
                 "    id = sa.Column(sa.Integer, primary_key=True)\n")
    project(tmp_path, {"app/schema.py": two_bases}, schema='["app/schema.py"]')
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 2
    assert "public.events is defined twice: in app/schema.py (Base.metadata) and in app/schema.py " \
           "(LegacyBase.metadata)" in r.stderr.replace(str(tmp_path) + "/", ""), r.stderr
    assert "from app.schema import Base" in r.stderr, r.stderr
    (tmp_path / "app" / "managed.py").write_text("from app.schema import Base  # noqa: F401\n")
    cfg = tmp_path / "mizzle.toml"
    cfg.write_text(cfg.read_text().replace("app/schema.py", "app/managed.py"))
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 0 and "+ table events" in r.stdout, r.stderr


def test_same_metadata_imported_by_two_modules_is_not_a_duplicate(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/base.py": SIMPLE,
                       "app/more.py": "import sqlalchemy as sa\nfrom app.base import md, users\n"
                                      "posts = sa.Table('posts', md, sa.Column('id', sa.Integer, primary_key=True))\n"})
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "+ table posts" in r.stdout and "+ table users" in r.stdout


def test_sqlmodel_metadata_is_found(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/models.py": (
        "from sqlmodel import Field, SQLModel\n"
        "class Hero(SQLModel, table=True):\n"
        "    id: int | None = Field(default=None, primary_key=True)\n"
        "    name: str = Field(index=True)\n")})
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "+ table hero" in r.stdout and "+ index ix_hero_name" in r.stdout


def test_no_schema_configured(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\n')
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 2 and "no schema configured" in r.first_error_line


def test_schema_glob_matches_nothing(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {}, schema='["nowhere/*.py"]')
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 2 and "matched no files" in r.first_error_line


def test_malformed_journal_names_the_file(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE})
    assert run_mizzle(["generate"], cwd=tmp_path).code == 0
    (tmp_path / "migrations/meta/_journal.json").write_text('{"entries": [')
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 3 and "_journal.json" in r.first_error_line and "malformed JSON" in r.first_error_line


def test_malformed_snapshot_names_the_file(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE})
    assert run_mizzle(["generate"], cwd=tmp_path).code == 0
    (tmp_path / "migrations/meta/0000_snapshot.json").write_text('{"tables": {"public.users": 7}}')
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 3 and "malformed snapshot" in r.first_error_line


def test_missing_latest_snapshot(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE})
    assert run_mizzle(["generate"], cwd=tmp_path).code == 0
    (tmp_path / "migrations/meta/0000_snapshot.json").unlink()
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 3 and "0000_snapshot.json" in r.first_error_line and "--rebuild-snapshots" in r.stderr


def test_stray_file_in_meta_is_a_warning(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE})
    assert run_mizzle(["generate"], cwd=tmp_path).code == 0
    (tmp_path / "migrations/meta/notes.txt").write_text("hello")
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 0 and "warning: stray file" in r.stderr and "notes.txt" in r.stderr


def test_ambiguous_rename_without_terminal_exits_2_with_flags(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE})
    assert run_mizzle(["generate"], cwd=tmp_path).code == 0
    (tmp_path / "app/schema.py").write_text(SIMPLE.replace('"name"', '"full_name"').replace('"users"', '"people"'))
    r = run_mizzle(["generate"], cwd=tmp_path, timeout=30)
    assert r.code == 2
    assert "ambiguous" in r.first_error_line
    assert "--rename users=people" in r.stderr
    assert len(list((tmp_path / "migrations").glob("*.sql"))) == 1
    r = run_mizzle(["generate", "--rename", "users=people"], cwd=tmp_path)
    # the table is resolved; its column pair is still ambiguous
    assert r.code == 2 and "--rename people.name=people.full_name" in r.stderr
    r = run_mizzle(["generate", "--rename", "users=people", "--rename", "people.name=people.full_name"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    sql = next(iter(sorted((tmp_path / "migrations").glob("0001_*.sql")))).read_text()
    assert 'RENAME TO "people"' in sql and 'RENAME COLUMN "name" TO "full_name"' in sql and "DROP" not in sql
    # --no-renames: every pair is a drop and an add
    (tmp_path / "app/schema.py").write_text(SIMPLE.replace('"name"', '"nick"').replace('"users"', '"people"'))
    r = run_mizzle(["generate", "--no-renames", "--json"], cwd=tmp_path)
    assert r.code == 0 and "- column people.full_name" in json.loads(r.stdout)["changes"]


def test_bad_rename_flag(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": SIMPLE})
    r = run_mizzle(["generate", "--rename", "nonsense"], cwd=tmp_path)
    assert r.code == 2 and "--rename expects OLD=NEW" in r.first_error_line


def test_bad_config(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mizzle.toml").write_text('dialect = "oracle"\n')
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 2 and "dialect" in r.first_error_line and "oracle" in r.first_error_line
    (tmp_path / "mizzle.toml").write_text('dialect = \n')
    r = run_mizzle(["generate"], cwd=tmp_path)
    assert r.code == 2 and "invalid TOML" in r.first_error_line


def test_full_history_through_the_cli(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    project(tmp_path, {"app/schema.py": pg_history.step(1)})
    assert run_mizzle(["generate", "--name", "s1"], cwd=tmp_path).code == 0
    (tmp_path / "app/schema.py").write_text(pg_history.step(2))
    r = run_mizzle(["generate", "--name", "s2"], cwd=tmp_path)
    assert r.code == 0, r.stderr
    assert "~ enum mood: + value 'meh' before 'sad'" in r.stdout
