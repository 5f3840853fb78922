"""A role a policy or grant names has attributes beyond the ones `Role(…)` states (create_db, create_role,
inherit), or is a member of another role: Windmill's `windmill_admin WITH BYPASSRLS` and `GRANT windmill_user TO
windmill_admin`, an application role's LOGIN. The pulled module declares
`Role("windmill_admin")`, whose `CREATE ROLE` where the role is missing makes it without them: pull, drift and
verify say so instead of dropping them without a word (but of the role they connect as, which exists wherever
it migrates)."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
from pgtools import admin, drain_drops, temp_database

pytestmark = pytest.mark.pg


def test_role_attributes_mizzle_does_not_state_are_listed(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    bypass, login, plain = (f"mz_ra_{k}_{uuid.uuid4().hex[:8]}" for k in ("bypass", "login", "plain"))
    try:
        with admin() as c:
            c.execute(f'CREATE ROLE "{bypass}" WITH BYPASSRLS')
            c.execute(f'CREATE ROLE "{login}" WITH LOGIN CONNECTION LIMIT 5')
            c.execute(f'CREATE ROLE "{plain}" WITH CREATEDB')
            c.execute(f'GRANT "{plain}" TO "{bypass}"')  # Windmill's GRANT windmill_user TO windmill_admin
        with temp_database("mzra") as source:
            with psycopg.connect(source, autocommit=True) as c:
                c.execute("CREATE TABLE t (id int PRIMARY KEY)")
                c.execute("ALTER TABLE t ENABLE ROW LEVEL SECURITY")
                c.execute(f'CREATE POLICY p ON t TO "{bypass}" USING (true)')
                c.execute("CREATE POLICY mine ON t TO CURRENT_USER USING (true)")  # the connecting superuser
                c.execute(f'GRANT SELECT ON t TO "{login}", "{plain}"')
            (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n')
            r = run_mizzle(["pull"], cwd=tmp_path, url=source)
            assert r.code == 0, r.stdout + r.stderr
            for out in (r.stdout + r.stderr, (d := run_mizzle(["drift"], cwd=tmp_path, url=source)).stdout + d.stderr):
                line = next((ln for ln in out.splitlines() if "role attributes" in ln), "")
                assert f"{bypass}: BYPASSRLS, MEMBER OF {plain}" in line and f"{login}: LOGIN, CONNECTION LIMIT 5" in line, out
                assert f"{plain}:" not in line  # CREATEDB is Role(create_db=True)
                assert "SUPERUSER" not in line  # the role mizzle connects as is there wherever it migrates
            assert d.code == 0, d.stdout + d.stderr
    finally:
        with admin() as c:
            for role in (bypass, login, plain):
                drain_drops()  # the databases queued for dropping hold grants to it
                c.execute(f'DROP ROLE IF EXISTS "{role}"')
