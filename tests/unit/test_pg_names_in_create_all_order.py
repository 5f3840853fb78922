"""naming = "postgresql": the names PostgreSQL numbers apart (`…_fkey`, `…_fkey1`, …) are chosen in the order
create_all creates the tables (each MetaData's tables, the ones they refer to first, else in the order the code
declares them), not by table name. Found on timesketch's models (timesketch/models/sketch.py): the tables
investigativequestionconclusion_story, _view, _graph, _aggregation and _event each have an unnamed foreign key on
investigativequestionconclusion_id, whose names PostgreSQL cuts to 63 characters and so numbers apart; create_all
gave _story the bare `…_fkey` and _aggregation `…_fkey3`, where mizzle's migration gave _aggregation the bare one
and _story `…_fkey3` (the database mizzle migrated differed from create_all's in four constraint names)."""

from __future__ import annotations

import sqlalchemy as sa

from mizzle.sources.sqlalchemy import schema_from_metadata

_BARE = "investigativequestionconclusi_investigativequestionconclus_fkey"  # <table>_<column>_fkey cut to 63
_NUMBERED = "investigativequestionconclus_investigativequestionconclus_fkey{}"


def _metadata() -> sa.MetaData:
    """timesketch's shape: a parent, then its link tables declared story, view, graph, aggregation, event."""
    md = sa.MetaData()
    sa.Table("investigativequestionconclusion", md, sa.Column("id", sa.Integer, primary_key=True))
    for target in ("story", "view", "graph", "aggregation", "event"):
        sa.Table(f"investigativequestionconclusion_{target}", md,
                 sa.Column("investigativequestionconclusion_id", sa.Integer,
                           sa.ForeignKey("investigativequestionconclusion.id")))
    return md


def _fk_names() -> dict[str, str]:
    model = schema_from_metadata([_metadata()], naming="postgresql")
    return {t.name.rsplit("_", 1)[1]: f.name for t in model.tables for f in t.foreign_keys}


def test_numbered_names_follow_create_all_s_table_order() -> None:
    assert _fk_names() == {"story": _BARE, "view": _NUMBERED.format(1), "graph": _NUMBERED.format(2),
                           "aggregation": _NUMBERED.format(3), "event": _NUMBERED.format(4)}


def test_the_tables_a_table_refers_to_come_first() -> None:
    """A table declared before the one its foreign key refers to is created after it, as create_all does."""
    md = sa.MetaData()
    long, ref = "x" * 38, "y" * 40
    sa.Table(f"{long}_a", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column(ref, sa.Integer, sa.ForeignKey(f"{long}_b.id")))
    sa.Table(f"{long}_b", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column(ref, sa.Integer, sa.ForeignKey("c.id")))
    sa.Table("c", md, sa.Column("id", sa.Integer, primary_key=True))
    model = schema_from_metadata([md], naming="postgresql")
    names = {t.name[-1]: [f.name for f in t.foreign_keys] for t in model.tables}
    # create_all makes c, then _b, then _a: their keys' names are cut to one, _b's is made first
    assert names == {"a": [f"{'x' * 28}_{'y' * 28}_fkey1"], "b": [f"{'x' * 29}_{'y' * 28}_fkey"], "c": []}  # as PG 15


def test_the_model_lists_its_tables_by_name_as_before() -> None:
    model = schema_from_metadata([_metadata()], naming="postgresql")
    assert [t.name for t in model.tables] == sorted(t.name for t in model.tables)
