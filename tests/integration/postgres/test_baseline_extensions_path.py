"""baseline on a Supabase-style database whose search_path lacks `extensions`: Supabase makes its extensions in
schema `extensions` and sets the search_path `"$user", public, extensions`; a project pulled there names
`uuid_generate_v4()` unqualified (chatbot-ui's and basejump's supabase/migrations call it and
`gen_random_bytes()` so). Against a database holding the same tables whose search_path lacks `extensions` (a copy
restored elsewhere, a local database made by hand), the server prints those calls `extensions.uuid_generate_v4()`,
and baseline (and drift) listed every such default and index as a difference with no word of why. It now says why
and what to do; with the search_path set as Supabase sets it, the same database matches."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pgtools import temp_database

from mizzle.commands.drift import drift_for_config
from mizzle.commands.pull import pull
from mizzle.config import load_config
from mizzle.errors import IntegrityError
from mizzle.runner.recovery import baseline

pytestmark = pytest.mark.pg


def test_baseline_says_the_search_path_lacks_the_extensions_schema(pg_available: bool, tmp_path: Path) -> None:
    with temp_database("mzextpath") as url:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url, autocommit=True) as c:
            for s in ("CREATE SCHEMA extensions", 'CREATE EXTENSION "uuid-ossp" SCHEMA extensions',
                      "CREATE TABLE items (id uuid PRIMARY KEY DEFAULT extensions.uuid_generate_v4(), body text)",
                      f'ALTER DATABASE "{name}" SET search_path = "$user", public, extensions'):
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n'
                                              'schema_filter = ["public"]\n')
        config = load_config(tmp_path / "mizzle.toml")
        pull(config, url, mark=False)
        assert "server_default=sa.text(\"uuid_generate_v4()\")" in (tmp_path / "schema.py").read_text()
        with psycopg.connect(url, autocommit=True) as c:
            c.execute(f'ALTER DATABASE "{name}" RESET search_path')
        with pytest.raises(IntegrityError) as e:
            baseline(config, url=url)
        details = e.value.details or ""
        assert "extensions.uuid_generate_v4()" in details, details
        note = next((ln for ln in details.splitlines() if ln.startswith("note:")), "")
        assert "search_path" in note and "extensions" in note and "SET search_path" in note, details
        baseline(config, url=url, force=True)  # drift says the same of the recorded baseline
        drift = drift_for_config(config, url)
        assert drift.changes and any("SET search_path" in n for n in drift.notes), drift.notes
        with psycopg.connect(url, autocommit=True) as c:
            c.execute('DELETE FROM drizzle."__drizzle_migrations"')
        with psycopg.connect(url, autocommit=True) as c:
            c.execute(f'ALTER DATABASE "{name}" SET search_path = "$user", public, extensions')
        assert baseline(config, url=url).marked == ["0000_baseline"]
