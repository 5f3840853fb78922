"""What pull writes reads back as the same model, without a server: cases found on other schema-diff tools' test
suites (psqldef's indices tests), where the written module lost a fact."""

from __future__ import annotations

import sqlalchemy as sa

from mizzle.commands.pull_code import write_module
from mizzle.schema.model import Column, Index, IndexColumn, Table, make_schema
from mizzle.sources.sqlalchemy import schema_from_metadata


def _read_back(text: str):  # type: ignore[no-untyped-def]
    ns: dict[str, object] = {}
    exec(compile(text, "<pulled>", "exec"), ns)  # noqa: S102 - the module pull wrote
    md = ns["metadata"]
    assert isinstance(md, sa.MetaData)
    return schema_from_metadata([md])


def test_an_operator_class_on_an_expression_element_is_kept() -> None:
    t = Table("products", columns=(Column("code", "text"), Column("name", "text")), indexes=(
        Index("idx_mixed", (IndexColumn("code", opclass="text_pattern_ops"),
                            IndexColumn("lower(name)", True, opclass="text_pattern_ops"))),
        Index("idx_trgm", (IndexColumn("lower(name)", True, opclass="gin_trgm_ops"),), method="gin"),
        Index("idx_desc", (IndexColumn("lower(name)", True, asc=False, nulls="first", opclass="text_pattern_ops"),)),
    ))
    model = make_schema("postgresql", [t])
    text = write_module(model)
    assert 'sa.text("lower(name) text_pattern_ops")' in text, text
    assert _read_back(text).tables[0].indexes == model.tables[0].indexes


def test_a_default_the_column_grammar_cannot_hold_bare_is_parenthesised() -> None:
    """The server prints `(now() AT TIME ZONE 'utc'::text)`; read without its parentheses, `DEFAULT now() AT TIME
    ZONE …` is a syntax error in CREATE TABLE and ADD COLUMN (psqldef's AtTimeZoneDefault cases)."""
    from pglast import parse_sql

    from mizzle.planning.plan import plan
    from mizzle.schema.diff import Renames, diff

    t = Table("events", columns=(Column("at", "timestamp", default="now() AT TIME ZONE 'utc'::text"),
                                 Column("n", "integer", default="0")))
    sql = [s.sql for s in plan(diff(make_schema("postgresql"), make_schema("postgresql", [t]), Renames(none=True))
                               .changes, "postgresql")]
    assert "DEFAULT (now() AT TIME ZONE 'utc'::text)" in sql[0] and '"n" integer DEFAULT 0' in sql[0], sql
    parse_sql(sql[0])


def test_a_percent_sign_in_sql_text_is_not_doubled() -> None:
    """SQLAlchemy's PostgreSQL dialect escapes `%` as `%%` for a pyformat driver; the model holds SQL text, so a
    LIKE pattern in a check, a default, a partial index or a view stays `'admin%'` (psqldef's CaseWithoutArgument:
    the check was created as LIKE 'admin%%')."""
    from mizzle.pg import View

    md = sa.MetaData()
    t = sa.Table("p", md, sa.Column("name", sa.Text, server_default=sa.text("'50%'")),
                 sa.CheckConstraint("CASE WHEN name LIKE 'admin%' THEN true ELSE false END", name="p_admin"),
                 sa.Index("p_a", "name", postgresql_where=sa.text("name LIKE 'a%'")))
    v = View("admins", sa.select(t.c.name).where(t.c.name.like("admin%")))
    from mizzle.sources.loader import FoundMetaData

    model = schema_from_metadata([FoundMetaData(md, "m", [v])])
    table = model.tables[0]
    assert table.checks[0].expression == "CASE WHEN name LIKE 'admin%' THEN true ELSE false END"
    assert table.columns[0].default == "'50%'" and table.indexes[0].where == "name LIKE 'a%'"
    assert "'admin%'" in model.objects.views[0].definition and "%%" not in model.objects.views[0].definition


def test_a_mixed_case_domain_type_is_quoted_where_a_column_uses_it() -> None:
    """The server names a domain "PositiveInt"; the model keeps the name unquoted, so the DDL quotes it (psqldef's
    DomainQuotedPreservesCase: ADD COLUMN score PositiveInt failed 'type "positiveint" does not exist')."""
    from mizzle.planning.plan import plan
    from mizzle.schema.diff import Renames, diff

    before = make_schema("postgresql", [Table("users", columns=(Column("id", "PositiveInt"),))])
    after = make_schema("postgresql", [Table("users", columns=(Column("id", "PositiveInt"), Column("s", "PositiveInt"),
                                                               Column("n", "integer")))])
    sql = [s.sql for s in plan(diff(before, after, Renames(none=True)).changes, "postgresql")]
    assert 'ADD COLUMN "s" "PositiveInt"' in sql[0] and '"n" integer' in sql[1], sql


def _jobs(name: str) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table(name, md, sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True,
                                 info={"mizzle": {"identity_sequence": "jobs_id_seq1"}}),
             sa.Column("n", sa.Integer, sa.Identity(start=5)))
    return md


def test_an_identity_sequence_named_otherwise_is_declared_created_and_read_back() -> None:
    """PostgreSQL keeps an identity's sequence name when its table is renamed (graphile/worker's `_private_jobs`
    has `jobs_id_seq1`); sa.Identity has no name, so the column says it in info, pull writes it, both readings of
    the module read it, and a new table is created with it."""
    import pytest

    from mizzle.dialects.postgres.pull_check import read_module
    from mizzle.errors import SchemaLoadError
    from mizzle.planning.plan import plan
    from mizzle.schema.diff import Renames, diff

    model = schema_from_metadata([_jobs("_private_jobs")])
    identities = [c.identity.sequence_name for c in model.tables[0].columns if c.identity]
    assert identities == ["jobs_id_seq1", "_private_jobs_n_seq"]
    sql = [s.sql for s in plan(diff(make_schema("postgresql"), model, Renames(none=True)).changes, "postgresql")]
    assert 'GENERATED ALWAYS AS IDENTITY (sequence name "public"."jobs_id_seq1"' in sql[0], sql
    text = write_module(model)
    assert text.count('"identity_sequence"') == 1 and '"identity_sequence": "jobs_id_seq1"' in text, text
    assert _read_back(text) == model
    assert read_module(text, "postgresql") == model
    # the table renamed in the code, the sequence named: it keeps its name (the other follows the table)
    before = schema_from_metadata([_jobs("jobs")])
    sql = [s.sql for s in plan(diff(before, model, Renames(explicit={"jobs": "_private_jobs"})).changes, "postgresql")]
    assert sql[0] == 'ALTER TABLE "public"."jobs" RENAME TO "_private_jobs"' and len(sql) == 3, sql
    assert 'RENAME CONSTRAINT "jobs_pkey" TO "_private_jobs_pkey"' in sql[1]  # where the key has that name
    assert sql[2] == 'ALTER SEQUENCE "public"."jobs_n_seq" RENAME TO "_private_jobs_n_seq"', sql
    # on a column without an identity it would say nothing: refused
    bad = sa.MetaData()
    sa.Table("t", bad, sa.Column("id", sa.Integer, primary_key=True, info={"mizzle": {"identity_sequence": "s"}}))
    with pytest.raises(SchemaLoadError, match=r"t\.id: info mizzle identity_sequence .* no sa\.Identity"):
        schema_from_metadata([bad])


def test_types_sqlalchemy_has_a_class_for_are_written_with_it() -> None:
    """A Django project's IntegerRangeField, DateTimeRangeField and HStoreField columns (django.contrib.postgres)
    were written `PgType("int4range")`: the application's `t.c.span.contains(3)` then compiled to LIKE, not `@>`.
    SQLAlchemy's own classes give the range and hstore operators, and read back as the same columns."""
    cols = ("int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange", "int4multirange",
            "tstzmultirange", "hstore", "macaddr8", "tsquery", "money", "oid", "citext")
    t = Table("kitchen", columns=tuple(Column(f"c_{c}", c) for c in cols) + (Column("spans", "int4range[]"),))
    model = make_schema("postgresql", [t])
    text = write_module(model)
    assert "PgType" not in text, text
    assert 'sa.Column("c_int4range", pg.INT4RANGE)' in text and 'pg.ARRAY(pg.INT4RANGE)' in text
    assert _read_back(text).tables[0].columns == model.tables[0].columns
    ns: dict[str, object] = {}
    exec(compile(text, "<pulled>", "exec"), ns)  # noqa: S102 - the module pull wrote
    kitchen = ns["kitchen"]
    assert isinstance(kitchen, sa.Table)
    where = str(kitchen.c.c_int4range.contains(3).compile(dialect=sa.dialects.postgresql.dialect()))
    assert "@>" in where, where


def test_the_fast_reading_takes_each_line_s_own_strings() -> None:
    """The fast reading compiles lines that differ only in their strings once (pull_check._template): names and
    texts holding quotes, backslashes, a newline and non-ASCII letters, in lines of one shape, are each read as
    SQLAlchemy reads them."""
    from mizzle.dialects.postgres.pull_check import _template, read_module

    md = sa.MetaData()
    odd = ['it\'s', 'say "hi"', 'back\\slash', 'línea\nnueva', "tab\there", "plain"]
    for i, name in enumerate(odd):
        sa.Table(f"t{i}_{name}", md, sa.Column(name, sa.Text, server_default=name, comment=name),
                 sa.Column("n", sa.Integer, sa.CheckConstraint(f"n > {i}", name=f"ck '{i}'")), comment=name)
    model = schema_from_metadata([md])
    text = write_module(model)
    assert _read_back(text) == model
    assert read_module(text, "postgresql") == model
    assert _template('f("a" "b", \'c\')') == ("f(_s[0] _s[1], _s[2])", ("a", "b", "c"))  # not Python: each alone
    assert _template('sa.text("""x""")') == ('sa.text("""x""")', ())
