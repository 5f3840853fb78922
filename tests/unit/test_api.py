"""The Python API: `mizzle.<command>(...)` stays the API function even after the module implementing it has been
imported."""

import importlib
import subprocess
import sys

import mizzle

# each API function and the module implementing it (no longer a same-named submodule of the package)
API = {"generate": "mizzle.commands.generate", "rebase": "mizzle.migrations.rebase", "push": "mizzle.commands.push",
       "protect": "mizzle.commands.protect", "verify": "mizzle.commands.verify", "drift": "mizzle.commands.drift",
       "migrate": "mizzle.runner.migrate", "mark": "mizzle.runner.recovery"}


def test_api_names_survive_importing_their_modules() -> None:
    for name, module_name in API.items():
        importlib.import_module(module_name)
        attached = getattr(mizzle, name)
        assert callable(attached), name
        assert attached is getattr(mizzle.api, name), name


def test_generate_api_called_twice(tmp_path) -> None:
    (tmp_path / "schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\nsa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True))\n")
    (tmp_path / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "migrations"\n')
    code = ("import mizzle, mizzle.config as c\n"
            f"cfg = c.load_config({str(tmp_path / 'mizzle.toml')!r})\n"
            "first = mizzle.generate(config=cfg)\nsecond = mizzle.generate(config=cfg)\n"
            "print(bool(first.written), bool(second.written))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]


def test_two_projects_with_the_same_module_name_in_one_process(tmp_path) -> None:
    for name, table in (("a", "alpha"), ("b", "beta")):
        root = tmp_path / name
        (root / "app").mkdir(parents=True)
        (root / "app" / "__init__.py").write_text("")
        (root / "app" / "schema.py").write_text(
            f"import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
            f"sa.Table({table!r}, metadata, sa.Column('id', sa.Integer, primary_key=True))\n")
        (root / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    code = ("import mizzle.config as c\nfrom mizzle.commands.generate import export\n"
            "for name in 'abab':\n"
            f"    cfg = c.load_config({str(tmp_path)!r} + '/' + name + '/mizzle.toml')\n"
            "    print(export(cfg).replace(chr(10), ' '))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 4
    for line, table in zip(lines, ("alpha", "beta", "alpha", "beta"), strict=True):
        assert table in line and ({"alpha", "beta"} - {table}).pop() not in line, lines


def test_config_first_for_every_function(tmp_path, monkeypatch) -> None:
    """One convention (issue 12): the configuration first — a Config, a path to mizzle.toml, or None for the
    project's — and what the options leave out comes from it."""
    (tmp_path / "schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\nsa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True))\n")
    toml = tmp_path / "mizzle.toml"
    toml.write_text('dialect = "sqlite"\nschema = ["schema.py"]\nout = "migrations"\nurl = "sqlite:///app.db"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no configuration here: the path given is the one read
    assert mizzle.generate(str(toml)).written
    applied = mizzle.migrate(toml, dry_run=True)
    assert [m.tag for m in applied.migrations] == [p.stem for p in (tmp_path / "migrations").glob("*.sql")]
    assert not mizzle.generate(mizzle.api.load(toml), check=True).written
    # url and folder passed: no configuration read (the working directory has none, and none is needed)
    direct = mizzle.migrate(url=f"sqlite:///{tmp_path / 'other.db'}", folder=tmp_path / "migrations")
    assert len(direct.applied) == 1
    assert mizzle.rebase(toml, dry_run=True).renumbered == []
