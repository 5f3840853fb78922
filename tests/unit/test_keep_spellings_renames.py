"""A column renamed with an index on it: the next snapshot names the index's column by its new name (a Django
database pulled, then `slug` renamed to `handle` with the `…_slug_…` and `…_slug_…_like` (varchar_pattern_ops)
indexes Django made on it). The diff renames the column in the old model before it compares indexes, so the
index is no change; keeping the latest snapshot's spelling of such an "unchanged" index used to write the old
column back, and `drift` then found the database (and `generate`, without its cache, the code) one index away."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.migrations.snapshots import keep_spellings
from mizzle.schema import model as m
from mizzle.schema.changes import RenameColumn


def _schema(col: str) -> m.Schema:
    t = m.Table("category", columns=(m.Column("id", "integer", not_null=True), m.Column(col, "varchar(50)")),
                indexes=(m.Index("category_slug_idx", (m.IndexColumn(col),)),
                         m.Index("category_slug_like", (m.IndexColumn(col, opclass="varchar_pattern_ops"),)),
                         m.Index("category_cov", (m.IndexColumn("id"),), include=(col,)),
                         m.Index("category_lower", (m.IndexColumn("lower(id::text)", is_expression=True),))))
    return m.make_schema("postgresql", tables=[t])


def test_an_index_on_a_renamed_column_keeps_its_new_column() -> None:
    old = _schema("slug")
    (t,) = keep_spellings(old, _schema("handle"), [RenameColumn(("public", "category"), "slug", "handle")]).tables
    assert [(i.columns[0].expression, i.include) for i in t.indexes] == [
        ("id", ("handle",)), ("lower(id::text)", ()), ("handle", ()), ("handle", ())]


def test_an_index_spelled_otherwise_in_the_snapshot_still_keeps_that_spelling() -> None:
    old, new = _schema("slug"), _schema("handle")
    spelled = "lower((id)::text)"
    ot = old.tables[0]
    old = m.make_schema("postgresql", tables=[m.Table(ot.name, columns=ot.columns, indexes=(
        *(i for i in ot.indexes if i.name != "category_lower"), m.Index("category_lower", (m.IndexColumn(spelled, is_expression=True),))))])
    (t,) = keep_spellings(old, new, [RenameColumn(("public", "category"), "slug", "handle")]).tables
    assert {i.name: i.columns[0].expression for i in t.indexes}["category_lower"] == spelled


SCHEMA = '''import sqlalchemy as sa

md = sa.MetaData()
category = sa.Table("category", md, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column({col}, sa.String(50), nullable=False),
                    sa.Index("category_slug_idx", {name}),
                    sa.Index("category_slug_like", {name}, postgresql_ops={{{name}: "varchar_pattern_ops"}}))
'''


def test_generate_writes_the_renamed_column_into_the_snapshots_indexes(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setenv("MIZZLE_NO_CACHE", "1")
    module = tmp_path / "renamed_category_schema.py"
    (tmp_path / "mizzle.toml").write_text(f'dialect = "postgresql"\nschema = ["{module.name}"]\nout = "migrations"\n')
    module.write_text(SCHEMA.format(col='"slug"', name='"slug"'))
    generate(load_config(tmp_path / "mizzle.toml"))
    sys.modules.pop(module.stem, None)
    module.write_text(SCHEMA.format(col='"handle"', name='"handle"').replace(
        "nullable=False", 'nullable=False, info={"mizzle": {"renamed_from": "slug"}}'))
    result = generate(load_config(tmp_path / "mizzle.toml"))
    assert result.changes == ["~ column category.slug → handle (rename)"]
    snap = json.loads((tmp_path / "migrations" / "meta" / "0001_snapshot.json").read_text())
    indexes = snap["tables"]["public.category"]["indexes"]
    assert {n: [c["expression"] for c in i["columns"]] for n, i in indexes.items()} == {
        "category_slug_idx": ["handle"], "category_slug_like": ["handle"]}
    sys.modules.pop(module.stem, None)
    assert generate(load_config(tmp_path / "mizzle.toml"), check=True).changes == []
    sys.modules.pop(module.stem, None)


def test_a_policy_the_server_keeps_under_a_cut_name_keeps_the_snapshots_whole_name() -> None:
    """midday's packages/db/src/schema.ts, migrated by drizzle-orm, pulled, then changed in SQLAlchemy: the pulled
    Policy has the name PostgreSQL keeps (63 bytes), the drizzle-kit snapshot the whole 69-byte name, and the
    diff finds them the same policy. Written under the cut name, the next snapshot dropped the whole-named one and
    created the cut one, and drizzle-kit's next generate asked to rename or drop and create it."""
    from mizzle import dialects
    from mizzle.schema.security import Policy

    cut = dialects.get("postgresql").reader.stored_name
    whole = "Provider notification batches can be created by a member of the team"

    def schema(name: str, check: str) -> m.Schema:
        return m.make_schema("postgresql", tables=[m.Table("batches", columns=(m.Column("id", "integer"),),
                                                           policies=(Policy(name, for_="INSERT", with_check=check),))])

    (t,) = keep_spellings(schema(whole, "(team_id = 1)"), schema(cut(whole), "team_id = 1"), [], cut).tables
    assert [(p.name, p.with_check) for p in t.policies] == [(whole, "(team_id = 1)")]
