"""The model cache (sources/cache.py): `generate` answers from it only while every input is unchanged; a change to
any one of them — a schema file, a module it imports, an enum from another module, the config, a package version —
is seen, and a stale or damaged cache still gives the answer of a full import."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.errors import IntegrityError
from mizzle.sources import cache as cache_mod
from mizzle.sources import sqlalchemy as sa_source

ENUMS = '''import enum


class Status(enum.Enum):
    active = "active"
    banned = "banned"
'''

COLUMNS = '''import sqlalchemy as sa


def audit_columns():
    return [sa.Column("created_at", sa.DateTime, nullable=False)]
'''

SCHEMA = '''import sqlalchemy as sa

from cacheapp.columns import audit_columns
from cacheapp.enums import Status

md = sa.MetaData()
users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
                 sa.Column("status", sa.Enum(Status, name="status")), *audit_columns())
'''

CONFIG = 'dialect = "postgresql"\nschema = ["cacheapp/schema.py"]\nout = "migrations"\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # an edit within the same second must not hit a stale .pyc
    monkeypatch.delenv(cache_mod.DISABLE_ENV, raising=False)
    (tmp_path / "cacheapp").mkdir()
    (tmp_path / "cacheapp" / "__init__.py").write_text("")
    for name, text in {"enums.py": ENUMS, "columns.py": COLUMNS, "schema.py": SCHEMA}.items():
        (tmp_path / "cacheapp" / name).write_text(text)
    (tmp_path / "mizzle.toml").write_text(CONFIG)
    yield tmp_path
    # the loader put this root first on sys.path: a later test's `app` must not find this project's package
    forget_modules()
    while str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))


def forget_modules() -> None:
    for mod in [m for m in sys.modules if m == "cacheapp" or m.startswith("cacheapp.")]:
        del sys.modules[mod]


class Imports:
    """Counts the full schema imports (a cache miss) behind `generate`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = sa_source.load_schema

        def counting(*a, **k):  # type: ignore[no-untyped-def]
            self.count += 1
            return real(*a, **k)

        monkeypatch.setattr(sa_source, "load_schema", counting)


@pytest.fixture
def imports(monkeypatch: pytest.MonkeyPatch) -> Imports:
    return Imports(monkeypatch)


def run(root: Path, check: bool = True) -> list[str]:
    """`generate` as the command runs it: a fresh process has none of the project's modules imported."""
    forget_modules()
    try:
        result = generate(load_config(root / "mizzle.toml"), check=check)
    except IntegrityError as e:
        return [line.strip() for line in (e.details or "").splitlines()]
    return result.changes


def first_generate(root: Path, imports: Imports) -> None:
    assert run(root, check=False)  # the migration creating users
    assert run(root) == []  # answered from the cache: no import
    assert imports.count == 1
    assert (root / ".mizzle" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_unchanged_schema_is_answered_without_importing(project: Path, imports: Imports) -> None:
    first_generate(project, imports)
    assert run(project) == [] and run(project, check=False) == []
    assert imports.count == 1
    assert len(list((project / "migrations").glob("*.sql"))) == 1


def test_a_changed_schema_file_is_seen(project: Path, imports: Imports) -> None:
    first_generate(project, imports)
    schema = project / "cacheapp" / "schema.py"
    schema.write_text(schema.read_text().replace('sa.Column("name", sa.Text)', 'sa.Column("name", sa.Text), '
                                                 'sa.Column("email", sa.Text)'))
    assert run(project) == ["+ column users.email text"]
    assert imports.count == 2
    assert run(project) == ["+ column users.email text"]  # the new model came from the cache, the folder is unchanged
    assert imports.count == 2


def test_a_changed_imported_module_is_seen(project: Path, imports: Imports) -> None:
    first_generate(project, imports)
    (project / "cacheapp" / "columns.py").write_text(COLUMNS.replace("nullable=False", "nullable=True"))
    changes = run(project)
    assert len(changes) == 1 and "users.created_at" in changes[0] and "null" in changes[0].lower()
    assert imports.count == 2


def test_a_changed_enum_from_another_module_is_seen(project: Path, imports: Imports) -> None:
    first_generate(project, imports)
    (project / "cacheapp" / "enums.py").write_text(ENUMS + '    pending = "pending"\n')
    changes = run(project)
    assert len(changes) == 1 and "status" in changes[0] and "pending" in changes[0]
    assert imports.count == 2


def test_a_changed_config_is_seen(project: Path, imports: Imports) -> None:
    first_generate(project, imports)
    (project / "cacheapp" / "more.py").write_text('import sqlalchemy as sa\nmd = sa.MetaData()\n'
                                             'tags = sa.Table("tags", md, sa.Column("id", sa.Integer, primary_key=True))\n')
    assert run(project) == [] and imports.count == 1  # a file no schema target names
    (project / "mizzle.toml").write_text(CONFIG.replace('["cacheapp/schema.py"]', '["cacheapp/schema.py", "cacheapp/more.py"]'))
    assert run(project) == ["+ table tags (1 columns)"]
    assert imports.count == 2


def test_a_new_file_matching_a_schema_glob_is_seen(project: Path, imports: Imports) -> None:
    (project / "mizzle.toml").write_text(CONFIG.replace('["cacheapp/schema.py"]', '["cacheapp/s*.py"]'))
    first_generate(project, imports)
    (project / "cacheapp" / "sessions.py").write_text('import sqlalchemy as sa\nmd = sa.MetaData()\nsessions = '
                                                 'sa.Table("sessions", md, sa.Column("id", sa.Integer, primary_key=True))\n')
    assert run(project) == ["+ table sessions (1 columns)"]


@pytest.mark.parametrize("dist", ["sqlalchemy", "mizzle"])
def test_a_changed_package_version_is_seen(project: Path, imports: Imports, monkeypatch: pytest.MonkeyPatch,
                                           dist: str) -> None:
    first_generate(project, imports)
    if dist == "sqlalchemy":
        real = cache_mod._version
        monkeypatch.setattr(cache_mod, "_version", lambda d: "99.0" if d == "sqlalchemy" else real(d))
    else:
        monkeypatch.setattr(cache_mod, "_mizzle_version", lambda: "99.0")
    assert run(project) == []
    assert imports.count == 2  # a new version: the model is built again
    assert run(project) == [] and imports.count == 2  # and cached for it


def test_the_verdict_belongs_to_one_state_of_the_folder(project: Path, imports: Imports) -> None:
    first_generate(project, imports)
    saved = project / "saved"
    shutil.copytree(project / "migrations", saved)
    schema = project / "cacheapp" / "schema.py"
    schema.write_text(schema.read_text().replace('sa.Column("name", sa.Text)', 'sa.Column("name", sa.Text), '
                                                 'sa.Column("email", sa.Text)'))
    assert run(project, check=False) == ["+ column users.email text"]
    assert run(project) == []
    shutil.rmtree(project / "migrations")
    shutil.copytree(saved, project / "migrations")  # the folder without that migration, the code with the column
    assert run(project) == ["+ column users.email text"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty header", "stale model"])
def test_a_damaged_or_stale_cache_gives_the_right_answer(project: Path, imports: Imports, damage: str) -> None:
    first_generate(project, imports)
    header, model = project / ".mizzle" / cache_mod.HEADER, project / ".mizzle" / cache_mod.MODEL
    stale = model.read_bytes()  # the model of users without email
    schema = project / "cacheapp" / "schema.py"
    schema.write_text(schema.read_text().replace('sa.Column("name", sa.Text)', 'sa.Column("name", sa.Text), '
                                                 'sa.Column("email", sa.Text)'))
    assert run(project) == ["+ column users.email text"]  # the cache now holds the model with email
    if damage == "garbage":
        model.write_bytes(b"\x80\x05not a pickle")
    elif damage == "truncated":
        model.write_bytes(model.read_bytes()[:100])
    elif damage == "empty header":
        header.write_text("")
    else:
        model.write_bytes(stale)  # a model that is not the one the header records
    assert run(project) == ["+ column users.email text"]
    assert imports.count == 3


def test_no_cache_when_disabled(project: Path, imports: Imports, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache_mod.DISABLE_ENV, "1")
    assert run(project, check=False) and run(project) == []
    assert imports.count == 2 and not (project / ".mizzle").exists()


def test_check_answered_from_the_cache_imports_neither_sqlalchemy_nor_the_model(project: Path) -> None:
    """What makes `generate --check` on an unchanged schema fast (issue 18): the cache's answer needs no schema
    import and no model classes. Run in a fresh interpreter, where nothing was imported before."""
    import os
    import subprocess

    generate(load_config(str(project / "mizzle.toml")))  # writes the migration, the cache and its verdict
    probe = ("import sys; sys.argv = ['mizzle', 'generate', '--check']\n"
             "from mizzle.cli import main\n"
             "import atexit\n"
             "atexit.register(lambda: print('MODULES', sorted(m for m in sys.modules if m.startswith(('sqlalchemy', "
             "'mizzle.schema.model', 'mizzle.schema.diff', 'mizzle.planning')))))\n"
             "main()\n")
    env = {k: v for k, v in os.environ.items() if k != cache_mod.DISABLE_ENV}
    out = subprocess.run([sys.executable, "-c", probe], cwd=project, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "No schema changes" in out.stdout and "MODULES []" in out.stdout, out.stdout + out.stderr


@pytest.mark.parametrize("where", ["libs", "venv/lib/python3/site-packages"])
def test_a_changed_module_outside_the_project_is_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      imports: Imports, where: str) -> None:
    # the models in a package beside the project (`../libs`, put on sys.path by the schema module), or in an
    # installed package upgraded since: the cache recorded project files only and answered "no changes" (a helper,
    # on letta-like layouts)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.delenv(cache_mod.DISABLE_ENV, raising=False)
    libs = tmp_path / where
    (libs / "sharedmodels_x").mkdir(parents=True)
    models = libs / "sharedmodels_x" / "__init__.py"
    models.write_text('import sqlalchemy as sa\nmd = sa.MetaData()\n'
                      't = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))\n')
    app = tmp_path / "app"
    app.mkdir()
    (app / "entry.py").write_text(f"import sys\nsys.path.insert(0, {str(libs)!r})\nfrom sharedmodels_x import md\n")
    (app / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["entry.py"]\nout = "migrations"\n')

    def run_app(check: bool = True) -> list[str]:
        for mod in [m for m in sys.modules if m in ("entry", "sharedmodels_x")]:
            del sys.modules[mod]
        try:
            return generate(load_config(app / "mizzle.toml"), check=check).changes
        except IntegrityError as e:
            return [line.strip() for line in (e.details or "").splitlines()]

    try:
        assert run_app(check=False) and run_app() == [] and imports.count == 1
        models.write_text(models.read_text().replace("primary_key=True)", 'primary_key=True), sa.Column("name", sa.Text)'))
        assert run_app() == ["+ column t.name text"]
        assert imports.count == 2
    finally:
        for mod in [m for m in sys.modules if m in ("entry", "sharedmodels_x")]:
            del sys.modules[mod]
        for p in (str(libs), str(app)):
            while p in sys.path:
                sys.path.remove(p)


def test_a_lazy_module_in_sys_modules_does_not_stop_generate(project: Path, imports: Imports,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # langflow registers modules whose every attribute raises ImportError (its `langflow.base.*` compatibility
    # modules): the cache read their __file__ with getattr, and generate failed on every run
    import types

    class Lazy(types.ModuleType):
        def __getattr__(self, name: str) -> object:
            raise ImportError(f"Cannot import {name} for backwards compatibility")

    monkeypatch.setitem(sys.modules, "mizzle_test_lazy_compat", Lazy("mizzle_test_lazy_compat"))
    first_generate(project, imports)  # written, and cached
    assert run(project) == [] and imports.count == 1


# -- what the import reads besides modules (sources/import_watch.py) -------------------------------------------------

READS = '''import json
import os
import pathlib

import sqlalchemy as sa

HERE = pathlib.Path(__file__).parent
md = sa.MetaData(schema=os.getenv("CACHEAPP_SCHEMA") or None)
for name in json.loads((HERE / "tables.json").read_text()):
    sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True))
for extra in sorted(HERE.glob("extra_*.sql")):  # one table a file, named by the file
    sa.Table(extra.stem[len("extra_"):], md, sa.Column("id", sa.Integer, primary_key=True))
try:  # an optional file, read where it is
    sa.Table((HERE / "optional.txt").read_text().strip(), md, sa.Column("id", sa.Integer, primary_key=True))
except FileNotFoundError:
    pass
if os.environ.get("CACHEAPP_WHOLE_ENV"):
    os.environ.setdefault("CACHEAPP_SET_BY_IMPORT", "1")  # a library setting a variable as it is imported
    settings = dict(os.environ)  # a settings object reading the whole environment
    if settings.get("CACHEAPP_AUDIT") == "on":
        sa.Table("audit", md, sa.Column("id", sa.Integer, primary_key=True))
'''


@pytest.fixture
def reads(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("CACHEAPP_SCHEMA", "CACHEAPP_WHOLE_ENV", "CACHEAPP_AUDIT", "CACHEAPP_SET_BY_IMPORT"):
        monkeypatch.delenv(name, raising=False)
    (project / "cacheapp" / "schema.py").write_text(READS)
    (project / "cacheapp" / "tables.json").write_text('["users"]')
    return project


def test_a_changed_data_file_the_schema_reads_is_seen(reads: Path, imports: Imports) -> None:
    first_generate(reads, imports)
    (reads / "cacheapp" / "tables.json").write_text('["users", "posts"]')
    assert run(reads) == ["+ table posts (1 columns)"]
    assert imports.count == 2
    (reads / "cacheapp" / "tables.json").write_text('["users"]')
    assert run(reads) == [] and imports.count == 3


def test_a_changed_environment_variable_the_schema_reads_is_seen(reads: Path, imports: Imports,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    first_generate(reads, imports)
    monkeypatch.setenv("CACHEAPP_UNREAD", "x")  # not read by the import: still answered from the cache
    assert run(reads) == [] and imports.count == 1
    monkeypatch.setenv("CACHEAPP_SCHEMA", "app")
    changes = run(reads)
    assert "+ table app.users (1 columns)" in changes and "- table users" in changes, changes
    assert imports.count == 2
    monkeypatch.delenv("CACHEAPP_SCHEMA")
    assert run(reads) == [] and imports.count == 3


def test_a_new_file_in_a_folder_the_schema_lists_is_seen(reads: Path, imports: Imports) -> None:
    first_generate(reads, imports)
    (reads / "cacheapp" / "extra_tags.sql").write_text("")
    assert run(reads) == ["+ table tags (1 columns)"]
    assert imports.count == 2


def test_a_file_the_schema_looked_for_and_now_finds_is_seen(reads: Path, imports: Imports) -> None:
    first_generate(reads, imports)
    (reads / "cacheapp" / "optional.txt").write_text("notes\n")
    assert run(reads) == ["+ table notes (1 columns)"]
    assert imports.count == 2


def test_the_whole_environment_read_makes_every_variable_count(reads: Path, imports: Imports,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CACHEAPP_WHOLE_ENV", "1")
    assert run(reads, check=False)
    monkeypatch.delenv("CACHEAPP_SET_BY_IMPORT")  # a new process: the environment as the import found it
    assert run(reads) == [] and imports.count == 1
    monkeypatch.setenv("CACHEAPP_AUDIT", "on")  # read only through the copy of the whole environment
    assert run(reads) == ["+ table audit (1 columns)"]
    assert imports.count == 2
    monkeypatch.delenv("CACHEAPP_SET_BY_IMPORT")
    assert run(reads) == ["+ table audit (1 columns)"] and imports.count == 2  # the same environment: a hit


def test_the_watch_only_observes(reads: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from mizzle.sources.import_watch import watch

    real = os.environ
    monkeypatch.setenv("CACHEAPP_SCHEMA", "s")
    with pytest.raises(ZeroDivisionError), watch() as seen:
        os.environ["CACHEAPP_SET_INSIDE"] = "1"  # a write goes to the real environment
        assert os.getenv("CACHEAPP_SCHEMA") == "s" and "CACHEAPP_NONE" not in os.environ
        (reads / "cacheapp" / "tables.json").read_text()
        1 / 0  # noqa: B018 - the import failing
    assert os.environ is real and real.pop("CACHEAPP_SET_INSIDE") == "1"
    assert {"CACHEAPP_SCHEMA", "CACHEAPP_NONE"} <= seen.env and not seen.env_all
    assert any(f.endswith("tables.json") for f in seen.files)
