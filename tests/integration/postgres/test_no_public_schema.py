"""A database with no `public` schema (its owner dropped it and keeps everything in `app`). mizzle's model takes
schema public as there, as every new database has it: the baseline pulled from such a database builds one with
public (a new database's template gives it), and so do verify's and check --rebuild-snapshots' scratch databases,
while a table the schema code later puts in public fails on the pulled database ('schema "public" does not
exist'). pull and drift said nothing of it; they name the missing schema now, and verify does where the replayed
SQL drops it."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pgtools import temp_database, url_for

from mizzle.commands.drift import drift_for_config
from mizzle.commands.pull import pull
from mizzle.commands.verify import verify
from mizzle.config import load_config

pytestmark = pytest.mark.pg


def test_pull_drift_and_verify_name_a_missing_public_schema(pg_available: bool, tmp_path: Path) -> None:
    with temp_database("mznopub") as url:
        with psycopg.connect(url, autocommit=True) as c:
            for s in ("DROP SCHEMA public", "CREATE SCHEMA app", "CREATE TABLE app.t (id int PRIMARY KEY)"):
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n')
        config = load_config(tmp_path / "mizzle.toml")
        result = pull(config, url)
        said = [w for w in result.unmanaged if "public" in w]
        assert said and "no schema public" in said[0], result.unmanaged
        drift = drift_for_config(config, url)
        assert not drift.changes and any("no schema public" in w for w in drift.unmanaged), drift.unmanaged
        # the baseline replayed: its scratch database has public, as every new one has, so nothing to say there
        v = verify(config, scratch_url=url_for("postgres"))
        assert v.ok and not any("no schema public" in w for w in v.unmanaged), v.unmanaged
        (tmp_path / "migrations" / "0000_baseline.sql").write_text(
            "DROP SCHEMA public;--> statement-breakpoint\n"
            + (tmp_path / "migrations" / "0000_baseline.sql").read_text())
        v = verify(config, scratch_url=url_for("postgres"))
        assert any("no schema public" in w for w in v.unmanaged), v.unmanaged
