"""The speed tricks on `pull`'s path (issue 18) must give what the plain computation gives."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

import pytest
from pglast import parse_sql

from mizzle import collector
from mizzle.commands import pull_baseline, pull_round_trip
from mizzle.commands.pull_code import write_module
from mizzle.config import Config, load_config
from mizzle.dialects.postgres import expressions
from mizzle.migrations.folder import ROOT_ID, dump_json
from mizzle.migrations.snapshots import snapshot_from_schema
from mizzle.schema.model import Column, Index, IndexColumn, PrimaryKey, Table, make_schema


def _parsed_answer(expr: str) -> str:
    """column_default's answer from the parser alone (its code before the plain forms were settled without it)."""
    try:
        parse_sql(f"CREATE TABLE t (c int DEFAULT {expr})")
        return expr
    except Exception:  # noqa: BLE001
        try:
            parse_sql(f"CREATE TABLE t (c int DEFAULT ({expr}))")
        except Exception:  # noqa: BLE001
            return expr
        return f"({expr})"


PLAIN = ["'new'", "0", "-1.5", "now()", "false", "NULL", "'{}'", "'it''s'", "'{}'::jsonb", "'x'::character varying",
         "'a'::public.state[]", "0::numeric(12, 2)", "'2020-01-01'::timestamp(3) with time zone",
         "'1'::double precision", "gen_random_uuid()::text", "'{a}'::text[][]", "x()"]
NOT_PLAIN = ["now() at time zone 'utc'", "now()::timestamp at time zone utc", "0 isnull", "1 + 2", "'x' || 'y'",
             "nextval('s'::regclass)", "'x'::text collate \"C\"", "(now())", "'a' 'b'", "E'x'",
             "'x'::\"Mood\"", "true and false", "current_timestamp"]


@pytest.mark.parametrize("expr", PLAIN + NOT_PLAIN)
def test_plain_defaults_are_answered_as_the_parser_answers(expr: str) -> None:
    expressions.column_default.cache_clear()
    assert expressions.column_default(expr) == _parsed_answer(expr)
    assert bool(expressions._PLAIN_DEFAULT.fullmatch(expr)) == (expr in PLAIN)


def test_pause_freezes_after_only_in_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    if not gc.isenabled():
        pytest.skip("the collector is off in this process")
    before = gc.get_freeze_count()
    with collector.paused(freeze_after=True):
        kept = [[i] for i in range(100)]
    assert gc.isenabled() and gc.get_freeze_count() == before  # a library call: nothing frozen
    monkeypatch.setattr(collector, "freeze_imported_objects", True)
    try:
        with collector.paused(freeze_after=True):
            assert not gc.isenabled()
            kept += [[i] for i in range(100)]
        assert gc.isenabled() and gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()


def _pulled(tmp_path: Path, tamper: bool) -> tuple[Config, Path, str, dict[str, Any], dict[str, Any]]:
    """A module as pull writes it (tampered: a column's type changed, which the check must see) and the snapshot."""
    t = Table("users", columns=(Column("id", "bigserial", not_null=True), Column("email", "text", not_null=True),
                                Column("n", "integer", default="0")),
              primary_key=PrimaryKey(("id",)), indexes=(Index("users_email_idx", (IndexColumn("email"),)),))
    model = make_schema("postgresql", [t])
    text = write_module(model)
    if tamper:
        text = text.replace('sa.Column("email", sa.Text', 'sa.Column("email", sa.Integer')
    module = tmp_path / "app" / "schema.py"
    module.parent.mkdir()
    module.write_text(text, encoding="utf-8")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "drizzle"\n')
    snap, side = snapshot_from_schema(model, prev_id=ROOT_ID)
    return load_config(tmp_path / "mizzle.toml"), module, text, snap, side


@pytest.mark.parametrize("tamper", [False, True])
def test_the_forked_round_trip_check_decides_as_the_check_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     tamper: bool) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    args = _pulled(tmp_path, tamper)
    in_process = pull_round_trip.round_trip_warnings(*args)
    assert bool(in_process) == tamper and (not tamper or "users" in in_process[0])
    monkeypatch.setattr(pull_round_trip, "fork_in_command", True)
    monkeypatch.setattr(pull_round_trip, "_cpus", lambda: 2)
    config, module, text, snap, side = args
    check = pull_round_trip.RoundTrip(config, module, snap, side)
    assert check.child is not None  # the reading runs in a child
    check.written(text)
    assert check.warnings() == in_process
    check.close()


def test_a_forked_check_whose_module_is_never_written_ends_without_an_answer(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # the pull failed between the fork and the module's writing: the child reads no file (there may be none, or
    # an old one), and close() reaps it
    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    config, module, _, snap, side = _pulled(tmp_path, False)
    module.unlink()
    monkeypatch.setattr(pull_round_trip, "fork_in_command", True)
    monkeypatch.setattr(pull_round_trip, "_cpus", lambda: 2)
    check = pull_round_trip.RoundTrip(config, module, snap, side)
    assert check.child is not None
    pid, read_end = check.child
    check._tell(b"")
    assert pull_round_trip._answer(pid, read_end) is None  # no answer: it did not read a module
    check.child = None
    check.close()


def _baseline_model() -> tuple[Any, dict[str, Any]]:
    t = Table("users", columns=(Column("id", "bigserial", not_null=True), Column("email", "text", not_null=True)),
              primary_key=PrimaryKey(("id",)), indexes=(Index("users_email_idx", (IndexColumn("email"),)),))
    model = make_schema("postgresql", [t])
    return model, snapshot_from_schema(model, prev_id=ROOT_ID)[0]


def test_the_forked_baseline_texts_are_the_texts_computed_in_process() -> None:
    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    model, snap = _baseline_model()
    here = pull_baseline.BaselineTexts(model, "postgresql", snap, fork=False)
    assert here.child is None
    expected = here.get()
    assert 'CREATE TABLE "public"."users"' in expected[0] and expected[1] == dump_json(snap)
    forked = pull_baseline.BaselineTexts(model, "postgresql", snap, fork=True)
    assert forked.child is not None  # computed in a child
    assert forked.get() == expected
    assert pull_baseline.BaselineTexts(model, "postgresql", None, fork=True).get() == (expected[0], None)


def test_a_baseline_child_that_fails_leaves_the_texts_to_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    model, snap = _baseline_model()
    parent, real = os.getpid(), pull_baseline._texts

    def only_in_the_parent(*args: Any) -> Any:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return real(*args)

    monkeypatch.setattr(pull_baseline, "_texts", only_in_the_parent)
    forked = pull_baseline.BaselineTexts(model, "postgresql", snap, fork=True)
    assert forked.child is not None
    assert forked.get() == real(model, "postgresql", snap)
    unasked = pull_baseline.BaselineTexts(model, "postgresql", snap, fork=True)
    unasked.close()  # a pull that failed on the way: the child reaped, nothing read
    assert unasked.child is None


def test_a_json_literal_default_settles_the_fast_check_without_the_diff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database stores `'{}'` for a jsonb column's `DEFAULT '{}'`, so the pulled model and its snapshot say
    `'{}'`; the module's reading says `'{}'::jsonb`, as SQLAlchemy's loading does (types.json_literal_cast). The two
    are one default: the fast check settles it by equality, not by the diff (which a 1,000-table pull with a jsonb
    default in every table ran every time: ~40% of the check's CPU). A default that differs still differs."""
    from mizzle.dialects.postgres import pull_check
    from mizzle.migrations.snapshots import schema_from_snapshot
    from mizzle.schema import diff as diff_module

    def model(default: str) -> Any:
        return make_schema("postgresql", tables=[Table(name="t", columns=(
            Column(name="id", type="integer", not_null=True),
            Column(name="doc", type="jsonb", not_null=True, default=default),
            Column(name="note", type="text", default="'{}'")), primary_key=PrimaryKey(columns=("id",)))])

    snap, side = snapshot_from_schema(model("'{}'"), prev_id=ROOT_ID)
    expected = schema_from_snapshot(snap, {"snapshots": {snap["id"]: side}})
    text = write_module(model("'{}'"))
    assert "'{}'::jsonb" in {c.default for t in pull_check.read_module(text, "postgresql").tables for c in t.columns}

    def no_diff(*a: Any, **k: Any) -> Any:
        raise AssertionError("the diff ran")
    monkeypatch.setattr(diff_module, "diff", no_diff)
    assert pull_check.same_model(text, expected)
    monkeypatch.undo()
    assert not pull_check.same_model(write_module(model("'[]'")), expected)
    assert not pull_check.same_model(text.replace("server_default=\"{}\")", "server_default=\"[]\")"), expected)
