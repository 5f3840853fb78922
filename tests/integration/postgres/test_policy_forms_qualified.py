"""A policy's expressions as drizzle-kit writes them (columns qualified by their table, `"orgs"."owner_id"`, and a
subquery reading another table that has policies too) are compared by meaning: the server's form of each is
asked on a copy of its table. The copy was named mz_canon_pol_N, so `"orgs"."owner_id"` did not resolve and the
written text was compared with the server's (a real folder's drift listed every such policy as changed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import psycopg
import pytest

from mizzle.dialects.postgres.canonical_policies import policy_forms
from mizzle.dialects.postgres.introspect import introspect
from mizzle.schema.compare import lines

pytestmark = pytest.mark.pg

SETUP = """
CREATE TABLE members (org_id integer, user_id text);
CREATE TABLE orgs (id integer PRIMARY KEY, owner_id text);
ALTER TABLE members ENABLE ROW LEVEL SECURITY;
ALTER TABLE orgs ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_self ON members USING ("members"."user_id" = (select current_setting('app.user'))
  and "members"."org_id" > '0');
CREATE POLICY org_member ON orgs USING (exists (select 1 from members where members.org_id = "orgs"."id"
  and members.user_id = (select current_setting('app.user'))) and "orgs"."id" > '0');
"""
WRITTEN = {  # the snapshot's text: what drizzle-kit writes (and the SQL above ran)
    "member_self": "\"members\".\"user_id\" = (select current_setting('app.user')) and \"members\".\"org_id\" > '0'",
    "org_member": "exists (select 1 from members where members.org_id = \"orgs\".\"id\" and members.user_id = "
                  "(select current_setting('app.user'))) and \"orgs\".\"id\" > '0'",
}


def test_qualified_policy_expressions_compare_by_meaning(pg_url: Callable[..., str]) -> None:
    with psycopg.connect(pg_url(), autocommit=True) as conn:
        conn.execute(SETUP)
        live = introspect(conn)
        expected = live.with_(tables=[
            replace(t, policies=tuple(replace(p, using=WRITTEN[p.name]) for p in t.policies)) for t in live.tables])
        assert lines(expected, live) != []  # as text they differ ('0' is 0 once the server has read it)
        assert lines(policy_forms(conn, expected, live), live) == []
        assert lines(expected, live, conn=conn) == []
