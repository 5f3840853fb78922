"""Schema code read as PostgreSQL and create_all read it.

A foreign key whose column and referenced column are of types PostgreSQL cannot compare is refused when the
schema code is read, as the server refuses it (42804 "incompatible types"; create_all fails too): manila's Integer
column referencing a String(36) key was written by generate and failed in migrate. Types the server does compare
(an integer and a bigint, a varchar and a text, an integer and a numeric) are accepted — each pair is tried on the
server here, so the rule follows PostgreSQL's own. Unused enums and domains declared with `metadata=` are read
whichever way the SQLAlchemy version registers their hooks. Two objects of one name in one of PostgreSQL's name
spaces (a schema's relations; its types, a table's row type among them) are refused when the schema code is read:
designate's table service_statuses with an enum service_statuses was written by generate and failed in migrate."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from mizzle import pg
from mizzle.errors import SchemaLoadError
from mizzle.sources.loader import FoundMetaData
from mizzle.sources.sqlalchemy import schema_from_metadata

pytestmark = pytest.mark.pg

PAIRS = [  # (referencing column's type, referenced key's type, the server accepts it)
    (sa.Integer, sa.String(36), False), (sa.Text, sa.Uuid, False), (sa.Boolean, sa.Integer, False),
    (sa.Integer, sa.BigInteger, True), (sa.String(20), sa.Text, True), (sa.Integer, sa.Numeric(10, 0), True),
    (sa.BigInteger, sa.SmallInteger, True), (sa.CHAR(5), sa.String(5), True),
    # enums: only the same type (rucio: two enums of the same labels)
    (sa.Enum("x", "y", name="kind_b"), sa.Enum("x", "y", name="kind_a"), False),
    (sa.Text, sa.Enum("x", "y", name="kind_a"), False), (sa.Enum("x", "y", name="kind_a"), sa.Text, False),
    (sa.Enum("x", "y", name="kind_a"), sa.Enum("x", "y", name="kind_a"), True),
]


def _metadata(mine: Any, theirs: Any) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("p", md, sa.Column("id", theirs, primary_key=True, autoincrement=False))
    sa.Table("c", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("p_id", mine, sa.ForeignKey("p.id")))
    return md


@pytest.mark.parametrize("mine, theirs, accepted", PAIRS)
def test_foreign_key_types_are_refused_where_postgresql_refuses_them(mine: Any, theirs: Any, accepted: bool,
                                                                       pg_url: Any) -> None:
    engine = sa.create_engine(pg_url().replace("postgresql://", "postgresql+psycopg://"))
    try:
        if accepted:
            _metadata(mine, theirs).create_all(engine)
            schema_from_metadata([_metadata(mine, theirs)])
        else:
            with pytest.raises(sa.exc.ProgrammingError, match="incompatible types"):
                _metadata(mine, theirs).create_all(engine)
            with pytest.raises(SchemaLoadError, match="types PostgreSQL cannot compare"):
                schema_from_metadata([_metadata(mine, theirs)])
    finally:
        engine.dispose()


class _Portable:
    """SQLAlchemy 2.0's `util.portable_instancemethod` (gone in 2.1), the shape its Enum and DOMAIN register their
    metadata hooks in: no `__self__`, the object as `target`."""

    def __init__(self, target: Any, name: str) -> None:
        self.target, self.name = target, name

    def __call__(self, *arg: Any, **kw: Any) -> Any:
        return getattr(self.target, self.name)(*arg, **kw)


def test_unused_enums_and_domains_are_read_as_sqlalchemy_2_0_registers_them() -> None:
    # rucio 41.5.1 on SQLAlchemy 2.0.51: an enum no column uses, which create_all creates, was left out of the
    # model without a word (`generate --check` right after `pull` failed with `- enum …`)
    from sqlalchemy.dialects import postgresql as pg

    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))
    for typ in (sa.Enum("happy", "sad", name="mood"), pg.DOMAIN("posint", sa.Integer, check="VALUE > 0")):
        typ.metadata = md
        sa.event.listen(md, "before_create", _Portable(typ, "_on_metadata_create"))
    schema = schema_from_metadata([md])
    assert [e.name for e in schema.enums] == ["mood"]
    assert [o.key for o in schema.objects.all() if o.kind == "domain"] == [("public", "posint")]


def test_a_check_naming_its_table_compares_as_the_server_stores_it(tmp_path: Any, pg_url: Any) -> None:
    # drizzle-kit writes sql`${t.publishedYear} = …` qualified, "post"."published_year"; the server stores it bare,
    # with the cast it adds (published_year::numeric = EXTRACT(…)). The probe asking the server for its form named
    # the real table, failed without a word, and drift and verify reported the check changed (hollo, hackerspub)
    from mizzle.commands.drift import drift
    from mizzle.commands.generate import generate
    from mizzle.commands.verify import verify
    from mizzle.config import load_config
    from mizzle.runner.migrate import migrate

    (tmp_path / "check_qualified_schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('post', metadata, sa.Column('id', sa.Integer, primary_key=True), sa.Column('published', sa.Date),\n"
        "         sa.Column('published_year', sa.SmallInteger),\n"
        "         sa.CheckConstraint('\"post\".\"published_year\" = EXTRACT(year FROM \"post\".\"published\")',\n"
        "                            name='post_published_year_check'))\n")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\nschema = ["check_qualified_schema.py"]\n')
    import sys

    try:
        config = load_config(tmp_path / "mizzle.toml")
        assert generate(config, name="init").written
        url = pg_url()
        migrate(url=url, folder=tmp_path / "drizzle")
        assert drift(url=url, folder=tmp_path / "drizzle").changes == []
        assert verify(config, url=url).ok
    finally:
        sys.modules.pop("check_qualified_schema", None)


def _t(md: sa.MetaData, name: str, *extra: Any) -> sa.Table:
    return sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Integer), *extra)


# (what the schema code declares, mizzle.pg objects, the two objects the refusal names); create_all fails on each
# case that has no mizzle.pg object
COLLISIONS: list[tuple[Any, Any, str]] = [
    (lambda md: sa.Table("statuses", md, sa.Column("id", sa.Integer, primary_key=True),
                         sa.Column("status", sa.Enum("UP", "DOWN", name="statuses"))), (),
     "table public.statuses (its row type) and enum public.statuses"),
    (lambda md: _t(md, "c", sa.Index("c", "x")), (), "table public.c and index c on c"),
    (lambda md: (_t(md, "c"), sa.Sequence("c", metadata=md)), (), "table public.c and sequence public.c"),
    (lambda md: (_t(md, "a"), _t(md, "a_id_seq")), (), "sequence a_id_seq of serial column a.id"),
    (lambda md: (sa.Table("a", md, sa.Column("id", sa.Integer, sa.Identity(), primary_key=True)), _t(md, "a_id_seq")),
     (), "sequence a_id_seq of identity column a.id"),
    (lambda md: (_t(md, "c"), _t(md, "d", sa.UniqueConstraint("x", name="c"))), (), "unique constraint c on d"),
    (lambda md: (_t(md, "c"), _t(md, "c_pkey")), (), "table public.c_pkey and primary key c_pkey of c"),
    (lambda md: (_t(md, "c", sa.Index("i", "x")), _t(md, "d", sa.Index("i", "x"))), (), "index i on c and index i on d"),
    # ethyca-fides' manual_task_reference: `config_field_key = Column(String, index=True)` and
    # `Index("ix_manual_task_reference_config_field_key", "config_field_key")` in __table_args__ (one name, one table)
    (lambda md: sa.Table("r", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("k", sa.String, index=True),
                         sa.Index("ix_r_k", "k")), (), "two of index ix_r_k on r"),
    (lambda md: _t(md, "c", sa.UniqueConstraint("x", name="u"), sa.UniqueConstraint("id", "x", name="u")), (),
     "two of unique constraint u on c"),
    (lambda md: _t(md, "c"), (pg.View("c", "SELECT 1 AS one"),), "table public.c and view public.c"),
    (lambda md: _t(md, "c"), (pg.View("v", "SELECT 1 AS one", materialized=True),
                              pg.Domain("v", "integer")), "materialized view public.v (its row type) and domain public.v"),
    (lambda md: _t(md, "c"), (pg.CompositeType("c", {"a": "integer"}),), "table public.c (its row type) and composite"),
]


@pytest.mark.parametrize("declare, objects, named", COLLISIONS)
def test_two_objects_of_one_name_in_a_postgresql_name_space_are_refused(declare: Any, objects: Any, named: str,
                                                                       pg_url: Any) -> None:
    md = sa.MetaData()
    declare(md)
    if not objects:
        engine = sa.create_engine(pg_url().replace("postgresql://", "postgresql+psycopg://"))
        try:
            with pytest.raises(sa.exc.ProgrammingError, match="already exists"):
                md.create_all(engine)
        finally:
            engine.dispose()
    with pytest.raises(SchemaLoadError, match=re.escape(named)):
        schema_from_metadata([FoundMetaData(md, "schema.py", tuple(objects))])


def test_one_name_in_different_name_spaces_or_schemas_is_accepted() -> None:
    md = sa.MetaData()
    kind = sa.Enum("UP", "DOWN", name="kind")
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("k", kind))
    sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("k", kind),
             sa.Column("s", sa.Enum("x", name="b", schema="other")))
    sa.Table("c", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Integer),
             sa.Index("a_x", "x"))  # an index and a type: two name spaces
    schema = schema_from_metadata([FoundMetaData(md, "schema.py", (pg.Domain("a_x", "integer"),))])
    assert sorted(e.name for e in schema.enums) == ["b", "kind"]


LONG = "x" * 64


@pytest.mark.parametrize("declare, named", [
    (lambda md: _t(md, "t", sa.Column(LONG, sa.Integer)), f"column public.t.{LONG}: the name is 64 bytes long"),
    (lambda md: _t(md, "t" * 64), "table public.ttt"),
    (lambda md: sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), schema="s" * 70), "schema sss"),
    (lambda md: _t(md, "t", sa.Column("k", sa.Enum("a", name="e" * 70))), "enum public.eee"),
    (lambda md: sa.Sequence("é" * 32, metadata=md), "sequence public.ééé.*64 bytes"),  # 32 characters, 64 bytes
])
def test_a_name_postgresql_would_cut_is_refused(declare: Any, named: str) -> None:
    # PostgreSQL cuts a name to 63 bytes with a NOTICE: generate and migrate went through, and drift reported the
    # column dropped and added for ever (`generate --check` saw nothing; verify blamed a hand edit)
    md = sa.MetaData()
    declare(md)
    with pytest.raises(SchemaLoadError, match=named + ".*PostgreSQL keeps 63"):
        schema_from_metadata([md])


def test_a_folder_holding_a_long_column_name_compares_as_the_server_stores_it(tmp_path: Any, pg_url: Any) -> None:
    # another tool's folder (a drizzle-kit snapshot) may hold a 64-byte column name, which the server cut to 63
    import sys

    from mizzle.commands.drift import drift
    from mizzle.commands.generate import generate
    from mizzle.commands.verify import verify
    from mizzle.config import load_config
    from mizzle.runner.migrate import migrate

    (tmp_path / "long_column_schema.py").write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True), sa.Column('PLACEHOLDER', sa.Integer),\n"
        "         sa.Index('t_long_idx', 'PLACEHOLDER'))\n")
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\nschema = ["long_column_schema.py"]\n')
    try:
        assert generate(load_config(tmp_path / "mizzle.toml"), name="init").written
    finally:
        sys.modules.pop("long_column_schema", None)
    (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nout = "drizzle"\n')
    for f in [*(tmp_path / "drizzle").glob("*.sql"), *(tmp_path / "drizzle" / "meta").glob("*snapshot.json")]:
        f.write_text(f.read_text().replace("PLACEHOLDER", LONG))
    url = pg_url()
    migrate(url=url, folder=tmp_path / "drizzle")
    assert drift(url=url, folder=tmp_path / "drizzle").changes == []
    assert verify(load_config(tmp_path / "mizzle.toml"), url=url).ok
