"""drizzle-kit writes a plain `CREATE ROLE` for `pgRole(…)` (its own tests/rls/pg-role.test.ts); a role belongs to
the whole server, so migrating the folder into a second database of that server (or `verify` on it) fails with
"role … already exists". The hint said the database may already have the object and pointed at `baseline`, which
does not help: it must say where the role comes from and what to do."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from pgtools import admin, drain_drops, temp_database

from mizzle.errors import StatementFailed
from mizzle.runner.migrate import migrate

pytestmark = pytest.mark.pg


def test_a_role_another_database_made_is_named_as_the_servers(pg_available: bool, tmp_path: Path) -> None:
    role = f"mz_role_{uuid.uuid4().hex[:8]}"
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text(f'CREATE ROLE "{role}" WITH CREATEDB NOINHERIT;')
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": 0, "version": "7", "when": 1700000000000, "tag": "0000_init", "breakpoints": True}]}))
    with admin() as c:
        c.execute(f'CREATE ROLE "{role}"')
    try:
        with temp_database("mzrolehint") as url, pytest.raises(StatementFailed) as failed:
            migrate(url=url, folder=out)
        text = str(failed.value) + "\n" + (failed.value.details or "")
        assert "already exists" in text
        assert "a role belongs to the whole server" in text and "--scratch-url" in text
        assert "mizzle baseline" not in text
    finally:
        with admin() as c:
            drain_drops()  # the databases queued for dropping hold grants to it
            c.execute(f'DROP ROLE IF EXISTS "{role}"')
