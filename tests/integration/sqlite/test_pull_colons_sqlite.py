"""`pull` writes a CHECK, a generated column and a partial index's WHERE as SQL text that SQLAlchemy reads for bind
parameters (`sa.CheckConstraint("…")`, `sa.Computed("…")`, `sqlite_where=sa.text("…")`): a colon before a word in
that text (`'{"v":1}'`, a JSON literal's `":null`) is a parameter to SQLAlchemy, and create_all (and mizzle, reading
the module) rendered it NULL. Micsushi/flapstack's task_orchestrations check compares a column with a JSON literal:
after `pull`, `generate --check` wanted the table rebuilt with `'{"schemaVersion"NULL,…}'` in its check."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from mizzle.commands.pull import pull
from mizzle.config import load_config

TABLE = """CREATE TABLE `docs` (
\t`id` integer PRIMARY KEY NOT NULL,
\t`doc` text NOT NULL,
\t`label` text GENERATED ALWAYS AS (json_extract(`doc`, '$.v') || ':x') VIRTUAL,
\tCONSTRAINT "docs_doc_check" CHECK(`doc` = '{"v":1,"at":null}' OR json_valid(`doc`))
)"""
INDEX = "CREATE INDEX `docs_flagged_idx` ON `docs` (`id`) WHERE `doc` <> '{\"flag\":true}'"


def test_pulled_sql_text_keeps_its_colons(tmp_path: Path) -> None:
    db = tmp_path / "app.db"
    con = sqlite3.connect(db)
    con.execute(TABLE)
    con.execute(INDEX)
    con.close()
    project = tmp_path / "p"
    project.mkdir()
    (project / "mizzle.toml").write_text('dialect = "sqlite"\nschema = ["pulled.py"]\nout = "migrations"\n')
    pull(load_config(project / "mizzle.toml"), f"sqlite:///{db}", mark=False)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    r = subprocess.run([sys.executable, "-m", "mizzle", "generate", "--check"], cwd=project, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    # create_all of the pulled module makes the same check, column and index
    ns: dict[str, object] = {}
    exec((project / "pulled.py").read_text(), ns)  # noqa: S102 - the module pull wrote
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'create_all.db'}")
    ns_metadata = next(v for v in ns.values() if isinstance(v, sa.MetaData))
    ns_metadata.create_all(engine)
    with engine.connect() as c:
        made = " ".join(r[0] for r in c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
    assert """'{"v":1,"at":null}'""" in made and "':x'" in made and """'{"flag":true}'""" in made, made
    assert "NULL,\"at\"" not in made
