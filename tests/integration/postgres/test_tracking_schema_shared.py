"""The tracking table in the application's own schema: zoriya/Kyoo's drizzle config has
`migrations: { schema: "kyoo" }` and every table of its code in `pgSchema("kyoo")` (its first migration makes no
schema: the migrator's `CREATE SCHEMA IF NOT EXISTS` does). drizzle-kit leaves out of what it reads only the
tracking table there, and the schema while nothing else is in it (filterMigrationsSchema); mizzle left the whole
schema out, so drift compared nothing (a column dropped by hand was no drift) and pull pulled no table."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pg_project import fresh_config
from pgtools import temp_database

import mizzle
from mizzle.commands.drift import drift_for_config
from mizzle.commands.generate import generate
from mizzle.commands.pull import pull
from mizzle.sources.database import introspect_url, scope_for

pytestmark = pytest.mark.pg

# a few columns of Kyoo's api/src/db/schema/shows.ts (zoriya/Kyoo 6cc7ebfa), in SQLAlchemy
SCHEMA = '''\
import sqlalchemy as sa

metadata = sa.MetaData()
shows = sa.Table(
    "shows", metadata,
    sa.Column("pk", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(255), nullable=False),
    sa.Column("runtime", sa.Integer),
    schema="kyoo",
)
'''


def _project(root: Path, source: str = SCHEMA) -> None:
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "app" / "schema.py").write_text(source)
    (root / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n'
                                      '[migrations]\nschema = "kyoo"\n')


def test_tables_beside_the_tracking_table_are_compared_and_pulled(pg_available: bool, tmp_path: Path) -> None:
    _project(tmp_path / "app1")
    cfg = fresh_config(tmp_path / "app1")
    generate(cfg, name="init")
    sql = next((tmp_path / "app1" / "migrations").glob("0000_*.sql"))
    sql.write_text(sql.read_text().replace('CREATE SCHEMA "kyoo";--> statement-breakpoint\n', ""))  # as Kyoo's
    with temp_database("mztrack") as url:
        mizzle.migrate(url=url, folder=cfg.out_dir, tracking_schema="kyoo")
        d = drift_for_config(cfg, url=url)
        assert not d.drifted, d.changes
        live = introspect_url(url, scope_for(cfg))
        assert [t.name for t in live.tables] == ["shows"] and list(live.schemas) == ["kyoo"]
        with psycopg.connect(url, autocommit=True) as c:
            c.execute("ALTER TABLE kyoo.shows DROP COLUMN runtime")
        d = drift_for_config(cfg, url=url)
        assert d.drifted and any("runtime" in line for line in d.changes), d.changes

        _project(tmp_path / "pulled", "")
        (tmp_path / "pulled" / "app" / "schema.py").unlink()
        pulled = pull(fresh_config(tmp_path / "pulled"), url, mark=False)
        assert pulled.tables == 1
        assert '"shows"' in pulled.schema_path.read_text()


def test_the_tracking_schema_alone_is_still_left_out(pg_available: bool, tmp_path: Path) -> None:
    """Only the tracking tables in it (the default `drizzle`): not reported as a schema of the application."""
    _project(tmp_path, SCHEMA.replace('schema="kyoo"', 'schema="public"'))
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "migrations"\n')
    cfg = fresh_config(tmp_path)
    generate(cfg, name="init")
    with temp_database("mztrack") as url:
        mizzle.migrate(url=url, folder=cfg.out_dir)
        with psycopg.connect(url, autocommit=True) as c:  # the tracking machinery's grants stay out too
            c.execute("GRANT USAGE ON SCHEMA drizzle TO PUBLIC")
            c.execute("GRANT SELECT ON ALL SEQUENCES IN SCHEMA drizzle TO PUBLIC")
        live = introspect_url(url, scope_for(cfg))
        assert not live.schemas and [t.name for t in live.tables] == ["shows"]
        assert not live.security.grants, live.security.grants
        d = drift_for_config(cfg, url=url)
        assert not d.drifted and not any("drizzle" in w for w in d.warnings), d.warnings
