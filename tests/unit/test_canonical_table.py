"""make_schema's canonical_table: an already canonical table is kept as it is (no copy: issue 18's pull rebuilds
1,000-table models several times), any other is sorted — both give equal models."""

from mizzle.schema.model import Column, Index, IndexColumn, Table, make_schema


def _table(index_names: list[str], as_list: bool = False) -> Table:
    idx = [Index(name=n, columns=(IndexColumn("a"),)) for n in index_names]
    return Table(name="t", columns=(Column("a", "text"),), indexes=idx if as_list else tuple(idx))  # type: ignore[arg-type]


def test_a_canonical_table_is_kept_as_is() -> None:
    t = _table(["a_idx", "b_idx"])
    assert make_schema("postgresql", tables=[t]).tables[0] is t


def test_an_unsorted_or_list_table_is_made_canonical() -> None:
    unsorted = make_schema("postgresql", tables=[_table(["b_idx", "a_idx"])]).tables[0]
    as_list = make_schema("postgresql", tables=[_table(["a_idx", "b_idx"], as_list=True)]).tables[0]
    assert [i.name for i in unsorted.indexes] == ["a_idx", "b_idx"]
    assert type(as_list.indexes) is tuple and unsorted == as_list == _table(["a_idx", "b_idx"])
