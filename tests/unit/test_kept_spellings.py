"""A rebuilt snapshot's index expressions spelled as a kept snapshot spells them but for one pair of outer
parentheses (negation-game: drizzle-kit 0.31's `"space" || '-' || lower("term")`, hand-edited in the SQL to double
parentheses)."""

from __future__ import annotations

from mizzle import dialects
from mizzle.migrations.kept_spellings import index_texts, kept_spellings
from mizzle.schema import model as m

KEY = dialects.get("postgresql").reader.expression_key


def same(a: str, b: str) -> bool:
    return bool(KEY(a) == KEY(b))


def _schema(*exprs: str, index: str = "terms_key_idx") -> m.Schema:
    cols = (m.IndexColumn("id"), *(m.IndexColumn(e, is_expression=True) for e in exprs))
    t = m.Table("terms", columns=(m.Column("id", "integer"), m.Column("space", "text"), m.Column("term", "text")),
                indexes=(m.Index(index, cols),))
    return m.make_schema("postgresql", tables=[t])


SQLS = """("space" || '-' || lower("term"))"""
KITS = """"space" || '-' || lower("term")"""


def test_the_kept_snapshots_spelling_wins_by_one_pair_of_outer_parentheses() -> None:
    (t,) = kept_spellings(_schema(SQLS), index_texts(_schema(KITS)), same).tables
    assert [c.expression for c in t.indexes[0].columns] == ["id", KITS]
    # the other way round too: a kept snapshot that has the parentheses (pg_types' `("score" + 1)`) keeps them
    (t,) = kept_spellings(_schema(KITS), index_texts(_schema(SQLS)), same).tables
    assert t.indexes[0].columns[1].expression == SQLS


def test_no_evidence_no_change() -> None:
    live = _schema(SQLS)
    assert kept_spellings(live, {}, same) is live
    assert kept_spellings(live, index_texts(_schema(KITS, index="other_idx")), same) is live  # another index
    assert kept_spellings(live, index_texts(_schema(SQLS)), same) is live  # spelled the same
    assert kept_spellings(live, index_texts(_schema('"space" || lower("term")')), same) is live  # another expression
    # parentheses that do not wrap the whole text are no outer pair
    assert kept_spellings(_schema('("a") + ("b")'), index_texts(_schema('"a") + ("b"')), same).tables[0] \
        .indexes[0].columns[1].expression == '("a") + ("b")'
