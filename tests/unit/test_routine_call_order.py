"""Functions in SQL made in one diff come after the functions they call, and dropped ones before the functions
they call (PostgreSQL checks a SQL body at creation and holds what a SQL-standard one calls): a chain declared
in the worst order, made and dropped."""

from __future__ import annotations

from mizzle.schema.diff_objects import ObjectPhases, _routines_after_what_they_call
from mizzle.schema.object_changes import CreateObject, DropObject
from mizzle.schema.objects import Routine

N = 200


def _chain() -> list[Routine]:
    # f0000 calls f0001, which calls f0002, …: in name order, each before the one it calls
    return [Routine(name=f"f{i:04d}", args="", body=f"RETURN f{i + 1:04d}() + 1" if i < N - 1 else "RETURN 1",
                    returns="int", language="sql") for i in range(N)]


def test_made_after_what_they_call_and_dropped_before() -> None:
    out = ObjectPhases(before_tables=[CreateObject(r) for r in _chain()],
                       last=[DropObject(r) for r in reversed(_chain())])
    _routines_after_what_they_call(out)
    made = [c.obj.name for c in out.before_tables]
    assert made == sorted(made, reverse=True)  # f0199 first: it calls nothing
    dropped = [c.obj.name for c in out.last]
    assert dropped == sorted(dropped)  # f0000 first: nothing calls it


def test_a_caller_follows_its_callee_into_the_later_phase() -> None:
    reads = Routine(name="reads", args="", body="RETURN (SELECT count(*) FROM t)", returns="bigint", language="sql")
    caller = Routine(name="caller", args="", body="RETURN reads() + 1", returns="bigint", language="sql")
    other = Routine(name="other", args="", body="BEGIN RETURN 1; END", returns="int")
    out = ObjectPhases(before_tables=[CreateObject(caller), CreateObject(other)], after_tables=[CreateObject(reads)])
    _routines_after_what_they_call(out)
    assert [c.obj.name for c in out.before_tables] == ["other"]
    assert [c.obj.name for c in out.after_tables] == ["reads", "caller"]


def test_a_routine_calling_another_in_an_argument_default_is_made_after_it_and_dropped_before() -> None:
    """pgschema's dependency/function_to_function, old and new swapped: `process_result(val integer DEFAULT
    get_raw_result())` (PostgreSQL holds the function a default calls, in any language) was dropped after
    get_raw_result, which PostgreSQL refused ('other objects depend on it')."""
    raw = Routine(name="get_raw_result", args="", body="RETURN 42", returns="integer", language="sql")
    uses = Routine(name="process_result", args="val integer DEFAULT get_raw_result()", body="BEGIN RETURN val; END",
                   returns="text")
    out = ObjectPhases(before_tables=[CreateObject(uses), CreateObject(raw)],
                       last=[DropObject(raw), DropObject(uses)])
    _routines_after_what_they_call(out)
    assert [c.obj.name for c in out.before_tables] == ["get_raw_result", "process_result"]
    assert [c.obj.name for c in out.last] == ["process_result", "get_raw_result"]
