"""dump_json writes exactly what json.dumps(indent=2, ensure_ascii=False) writes — drizzle-kit's layout — whatever
it is given, also when the same tables come again (the indented text of a snapshot's tables is remembered by their
content: a value written before under the same key must not lend its text to another)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mizzle.migrations.folder import dump_json

_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                  st.text(max_size=8))
_json = st.recursive(_leaf, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                     max_leaves=30)


def _stdlib(x: Any) -> str:
    return json.dumps(x, indent=2, ensure_ascii=False)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(max_size=4), st.dictionaries(st.text(max_size=4), _json, max_size=4), max_size=4))
def test_as_the_stdlib_writes_it_twice_over(snapshot: dict[str, Any]) -> None:
    assert dump_json(snapshot) == _stdlib(snapshot)
    assert dump_json(snapshot) == _stdlib(snapshot)  # the tables' texts remembered now


def test_values_alike_in_compact_json_but_not_in_type_are_told_apart() -> None:
    a = {"tables": {"t": {"x": [1, 2], "y": True}}}
    b = {"tables": {"t": {"x": (1, 2), "y": 1}}}
    for x in (a, b, a):
        assert dump_json(x) == _stdlib(x)
    odd = {"tables": {"t": {"k": float("nan")}}, "n": {1: 2}}
    assert dump_json(odd) == _stdlib(odd)
