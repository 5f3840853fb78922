"""MizzleError declares `result`, the partial result of a command that failed midway (no attribute set from outside)."""

from __future__ import annotations

from mizzle.errors import IntegrityError, MizzleError, StatementFailed


def test_result_is_declared() -> None:
    assert MizzleError("x").result is None and IntegrityError("x").result is None
    partial = {"applied": ["0000_a"]}
    e = StatementFailed("statement 2 failed", "details", result=partial)
    assert (e.result, e.exit_code, str(e)) == (partial, 1, "statement 2 failed\ndetails")
