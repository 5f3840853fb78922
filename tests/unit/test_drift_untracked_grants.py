"""Privileges of the database where the snapshot tracks none (drizzle-kit's snapshots have no field for them; the
schema code declares no mizzle.pg.Grant): drift compared them on neither side and said nothing. tambo-ai/tambo's
drizzle-kit folder grants by hand (0014: GRANT … ON ALL TABLES IN SCHEMA public TO project_api_key, default
privileges for authenticated); on the database drizzle-orm built from it `drift` was silent on its 48 table, schema
and sequence grants, while `pull` + `generate --check` listed them all. They are listed as not compared now."""

from __future__ import annotations

from mizzle.commands.drift import untracked_grants
from mizzle.schema.model import Schema
from mizzle.schema.security import Grant, make_security


def _with(grants: list[Grant] | None) -> Schema:
    return Schema(tables=()).with_(security=make_security(grants=grants))


def test_an_untracked_snapshot_lists_the_databases_grants() -> None:
    live = _with([Grant("table", "public", "projects", "project_api_key", ("DELETE", "INSERT", "SELECT", "UPDATE")),
                  Grant("schema", "extensions", "extensions", "project_api_key", ("USAGE",))])
    assert untracked_grants(_with(None), live) == [
        "not compared (the snapshot tracks no privileges: drizzle-kit's snapshots have no field for them, and the "
        "schema code declares none with mizzle.pg.Grant): 2 grants: on schema extensions to project_api_key, "
        "on table projects to project_api_key"]


def test_nothing_when_tracked_or_none() -> None:
    g = Grant("table", "public", "projects", "authenticated", ("SELECT",))
    assert untracked_grants(_with([g]), _with([g])) == []
    assert untracked_grants(_with(None), _with(None)) == []
    assert untracked_grants(_with(None), _with([])) == []
