"""A drizzle-kit-style folder (no meta/_mizzle.json) whose second migration is SQL written by hand, and the schema
code `pull` writes from the database that folder built: the set-up of the tests of what `generate` takes as made by
a folder's own SQL (tests/integration/postgres/test_generate_folder_*.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from mizzle.commands.generate import generate
from mizzle.commands.pull import pull
from mizzle.config import load_config


def point_at(project: Path, module: str) -> None:
    """`project`'s mizzle.toml (its dialect: the folder's name) reading the schema module `module`, which is imported
    afresh next time."""
    (project / "mizzle.toml").write_text(f'dialect = "{project.name}"\nschema = ["{module}.py"]\nout = "drizzle"\n')
    sys.modules.pop(module, None)


def folder_with_hand_sql(project: Path, module: str, tables: str, sql: str, name: str = "custom") -> None:
    """In the new folder `project` (named after its dialect): the schema module `module` holding `tables`, a first
    migration generated from it, then a custom one holding `sql`, and no sidecar, as drizzle-kit's folders have."""
    project.mkdir()
    (project / f"{module}.py").write_text(tables)
    point_at(project, module)
    assert generate(load_config(project / "mizzle.toml"), name="init").written
    assert generate(load_config(project / "mizzle.toml"), name=name, custom=True).written
    (custom,) = (project / "drizzle").glob("0001_*.sql")
    custom.write_text(sql)
    (project / "drizzle" / "meta" / "_mizzle.json").unlink(missing_ok=True)


def pulled_code(into: Path, dialect: str, url: str) -> str:
    """The schema module `mizzle pull` writes from the database at `url`, pulled into the new folder `into`."""
    into.mkdir()
    (into / "mizzle.toml").write_text(f'dialect = "{dialect}"\nschema = ["schema.py"]\nout = "drizzle"\n')
    pull(load_config(into / "mizzle.toml"), url, mark=False)
    return (into / "schema.py").read_text()
