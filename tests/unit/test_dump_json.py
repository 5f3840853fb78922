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
    assert dump_json(snapshot, remember=True) == _stdlib(snapshot)
    assert dump_json(snapshot, remember=True) == _stdlib(snapshot)  # the tables' texts remembered now


def test_values_alike_in_compact_json_but_not_in_type_are_told_apart() -> None:
    a = {"tables": {"t": {"x": [1, 2], "y": True}}}
    b = {"tables": {"t": {"x": (1, 2), "y": 1}}}
    for x in (a, b, a):
        assert dump_json(x, remember=True) == _stdlib(x)
    odd = {"tables": {"t": {"k": float("nan")}}, "n": {1: 2}}
    assert dump_json(odd, remember=True) == _stdlib(odd)


# verify reads a folder's snapshots with their tables parsed once per distinct text (metafiles.load_snapshot_json):
# the same JSON as json.loads, key order included, for snapshots laid out as dump_json writes them or otherwise
_snapshot = st.fixed_dictionaries({"id": st.text(max_size=4)}, optional={
    "tables": st.dictionaries(st.text(max_size=6), st.one_of(st.dictionaries(st.text(max_size=4), _json, max_size=3),
                                                             _json), max_size=4),
    "enums": st.dictionaries(st.text(max_size=4), _json, max_size=2)})


@settings(max_examples=100, deadline=None)
@given(snaps=st.lists(_snapshot, min_size=1, max_size=3), layout=st.sampled_from(["dump_json", "compact", "indent4"]))
def test_snapshots_read_with_their_tables_remembered_are_what_json_reads(snaps: list[dict[str, Any]], layout: str,
                                                                         tmp_path_factory: Any) -> None:
    from mizzle.migrations.metafiles import load_snapshot_json

    where = tmp_path_factory.mktemp("snaps")
    memo: dict[str, Any] = {}
    for i, snap in enumerate([*snaps, *snaps]):  # each twice: the second time from the memo
        text = {"dump_json": dump_json, "compact": json.dumps,
                "indent4": lambda x: json.dumps(x, indent=4)}[layout](snap)
        path = where / f"{i}.json"
        path.write_text(text, encoding="utf-8")
        got, want = load_snapshot_json(path, memo), json.loads(text)
        assert got == want
        assert list(got) == list(want) and list(got.get("tables") or {}) == list(want.get("tables") or {})


def test_a_real_folders_snapshots_share_their_unchanged_tables() -> None:
    from pathlib import Path

    from mizzle.migrations.metafiles import load_snapshot_json

    meta = Path(__file__).resolve().parents[2].parent / "shared" / "realworld" / "drizzle" / "kan" / "meta"
    memo: dict[str, Any] = {}
    read = [(p, load_snapshot_json(p, memo)) for p in sorted(meta.glob("*_snapshot.json"))]
    assert len(read) > 20
    for p, got in read:
        assert got == json.loads(p.read_text(encoding="utf-8"))
    shared = sum(a["tables"][k] is b["tables"].get(k)
                 for (_, a), (_, b) in zip(read, read[1:], strict=False) for k in a["tables"])
    assert shared > len(read) * 5  # most tables are the previous snapshot's very object
