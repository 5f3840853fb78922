"""pull's warning about a function of a schema no migration makes, called in a SQL function's body: the baseline
makes functions with their bodies' check off (as pg_dump does), so the CREATE FUNCTION does not fail there — the
function fails when it is called. mckaywrigley/chatbot-ui (supabase/migrations 20240108234547_add_assistants.sql:
public.non_private_assistant_exists(p_name text) LANGUAGE sql … storage.filename(p_name)), pulled with
schema_filter = ["public"], was told 'the statement fails where the database has no such function'."""

from __future__ import annotations

from mizzle import dialects
from mizzle.schema.model import Column, Schema, Table
from mizzle.schema.objects import Objects, Routine
from mizzle.schema.outside_calls import calls_outside
from mizzle.schema.security import Policy

RD = dialects.get("postgresql").reader
BODY = "SELECT EXISTS (SELECT 1 FROM assistants WHERE id::text = storage.filename(p_name))"


def _model(*routines: Routine, policy: bool = False) -> Schema:
    t = Table("assistants", columns=(Column("id", "uuid"),),
              policies=(Policy("own", using="id = auth.uid()"),) if policy else ())
    return Schema(tables=(t,), objects=Objects(routines=routines))


def test_a_body_made_unchecked_fails_when_called_not_when_made() -> None:
    fn = Routine("non_private_assistant_exists", "p_name text", BODY, returns="boolean", language="sql")
    [w] = calls_outside(RD, Schema(), _model(fn), bodies_checked=False)
    assert w.startswith("function non_private_assistant_exists calls storage.filename(), in schema storage"), w
    assert "the function fails when it is called where the database has no such function" in w, w
    assert "the statement fails" not in w, w
    [w] = calls_outside(RD, Schema(), _model(fn))  # generate: the body is checked when the migration makes it
    assert w.endswith("the statement fails where the database has no such function"), w


def test_a_policy_still_fails_the_statement() -> None:
    ws = calls_outside(RD, Schema(), _model(policy=True), bodies_checked=False)
    assert ws and ws[0].endswith("the statement fails where the database has no such function"), ws


def test_a_sql_standard_body_is_read_for_its_calls() -> None:
    # a SQL-standard body (RETURN e, BEGIN ATOMIC … END) is no query the parser reads as it is: its calls were
    # not looked at, and the baseline's CREATE FUNCTION failed on a fresh database without a word from pull
    # (found with a hand-made pair of pgflow's shape, beside its quoted bodies: pkgs/core/schemas)
    ret = Routine("me", "", "RETURN storage.filename('x')", returns="text", language="sql")
    atomic = Routine("me2", "", "BEGIN ATOMIC\n SELECT storage.filename('x');\nEND", returns="text", language="sql")
    ws = calls_outside(RD, Schema(), _model(ret, atomic), bodies_checked=False)
    assert len(ws) == 1 and ws[0].startswith("function me, function me2 calls storage.filename()"), ws
    assert ws[0].endswith("the statement fails where the database has no such function"), ws  # parsed when made
