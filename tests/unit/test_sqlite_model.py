"""SQLite model conventions: SQLAlchemy types and defaults in drizzle-kit's spellings, the v6 snapshot codec
against drizzle-kit's own files, and what SQLite cannot express is refused with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from mizzle.errors import SchemaLoadError
from mizzle.migrations.snapshots import schema_from_snapshot, snapshot_from_schema
from mizzle.sources.sqlalchemy import schema_from_metadata

REFERENCE = Path(__file__).parents[1] / "interop" / "sqlite" / "out" / "meta"


def test_types_and_defaults_in_drizzle_spelling() -> None:
    md = sa.MetaData()
    sa.Table("t", md,
             sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("flag", sa.Boolean, server_default=sa.true()),
             sa.Column("n", sa.BigInteger, server_default="5"),
             sa.Column("r", sa.Float, server_default="1.5"),
             sa.Column("d", sa.Numeric(10, 2), server_default="0.00"),
             sa.Column("s", sa.String(20), server_default="it's"),
             sa.Column("at", sa.DateTime, server_default=sa.func.now()),
             sa.Column("j", sa.JSON),
             sa.Column("b", sa.LargeBinary),
             sa.Column("e", sa.Enum("a", "b")),
             sa.Column("x", sa.Integer, server_default=sa.text("unixepoch()")),
             sa.Column("email", sa.Text, unique=True))
    t = schema_from_metadata([md], dialect="sqlite").tables[0]
    got = {c.name: (c.type, c.default) for c in t.columns}
    assert got == {"id": ("integer", None), "flag": ("integer", "true"), "n": ("integer", "5"),
                   "r": ("real", "1.5"), "d": ("numeric", "'0.00'"), "s": ("text(20)", "'it''s'"),
                   "at": ("text", "CURRENT_TIMESTAMP"), "j": ("text", None), "b": ("blob", None),
                   "e": ("text", None), "x": ("integer", "(unixepoch())"), "email": ("text", None)}
    assert t.primary_key is not None and t.primary_key.columns == ("id",)
    assert [(i.name, i.unique) for i in t.indexes] == [("t_email_unique", True)]


class _HexGuid(sa.TypeDecorator[str]):
    """A GUID type as applications write it: 16 bytes where nothing better exists, 32 hex characters on
    SQLite (its load_dialect_impl decides, not its impl)."""

    impl = sa.BINARY(16)
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[str]:
        return dialect.type_descriptor(sa.CHAR(32) if dialect.name == "sqlite" else sa.BINARY(16))


def test_types_as_create_all_writes_them_on_sqlite() -> None:
    """A TypeDecorator's SQLite type is its load_dialect_impl's (create_all's CHAR(32): text affinity), not its
    impl's (BINARY(16): numeric affinity, which stores an all-digit hex string as a number); a
    with_variant(..., "sqlite") is the type SQLite gets."""
    md = sa.MetaData()
    sa.Table("t", md,
             sa.Column("id", _HexGuid(), primary_key=True),
             sa.Column("n", sa.String(10).with_variant(sa.Integer(), "sqlite")))
    t = schema_from_metadata([md], dialect="sqlite").tables[0]
    assert {c.name: c.type for c in t.columns} == {"id": "text(32)", "n": "integer"}


def test_schemas_are_refused() -> None:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), schema="analytics")
    with pytest.raises(SchemaLoadError, match="SQLite has no schemas"):
        schema_from_metadata([md], dialect="sqlite")


@pytest.mark.parametrize("path", sorted(REFERENCE.glob("*_snapshot.json")), ids=lambda p: p.name)
def test_drizzle_kit_snapshots_round_trip(path: Path) -> None:
    data = json.loads(path.read_text())
    model = schema_from_snapshot(data)
    again, side = snapshot_from_schema(model, prev_id=data["prevId"], id_=data["id"], renames=None)
    assert side == {}
    assert schema_from_snapshot(again) == model
    assert list(again) == list(data)  # drizzle-kit's key order
    for name, table in data["tables"].items():
        assert list(again["tables"][name]) == list(table)
        for col, c in table["columns"].items():
            assert again["tables"][name]["columns"][col] == c, (name, col)
        assert again["tables"][name]["indexes"] == table["indexes"]
        assert again["tables"][name]["foreignKeys"] == table["foreignKeys"]
        assert again["tables"][name]["compositePrimaryKeys"] == table["compositePrimaryKeys"]
    assert again["internal"] == data["internal"]


def test_names_longer_than_postgresqls_63_are_kept_whole() -> None:
    """SQLite has no limit on a name's length and create_all writes it whole (zenml's
    `fk_model_versions_artifacts_artifact_version_id_artifact_version`, 64 characters): not PostgreSQL's refusal,
    nor a convention's name shortened with SQLAlchemy's md5 suffix."""
    long = "fk_" + "x" * 70
    md = sa.MetaData(naming_convention={"ix": "ix_%(table_name)s_%(column_0_N_name)s_" + "y" * 60})
    p = sa.Table("p", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("p_id", sa.Integer),
             sa.Column("v", sa.Integer, index=True), sa.ForeignKeyConstraint(["p_id"], [p.c.id], name=long),
             sa.UniqueConstraint("v", name="uq_" + "z" * 70))
    sa.Table("k" * 60, md, sa.Column("a", sa.Integer, primary_key=True), sa.Column("b", sa.Integer, primary_key=True))
    sa.Table("named", md, sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
             sa.PrimaryKeyConstraint("a", "b", name="pk_" + "n" * 70))
    tables = {t.name: t for t in schema_from_metadata([md], dialect="sqlite").tables}
    t = tables["t"]
    assert [f.name for f in t.foreign_keys] == [long]
    # a composite key's derived name too, as drizzle-kit writes it on SQLite (it was cut to 63 bytes)
    assert tables["k" * 60].primary_key.name == "k" * 60 + "_a_b_pk"  # type: ignore[union-attr]
    assert tables["named"].primary_key.name == "pk_" + "n" * 70  # type: ignore[union-attr]
    assert sorted(ix.name for ix in t.indexes) == ["ix_t_v_" + "y" * 60, "uq_" + "z" * 70]


def test_autoincrement_keyword_only_from_the_tables_sqlite_autoincrement() -> None:
    """create_all writes AUTOINCREMENT for `sqlite_autoincrement=True` only; a key column's `autoincrement=True`
    (invenio-accounts' domain tables) is a plain INTEGER PRIMARY KEY there, and so here."""
    md = sa.MetaData()
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True))
    sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True), sqlite_autoincrement=True)
    s = schema_from_metadata([md], dialect="sqlite")
    ddl = {t.name: str(sa.schema.CreateTable(t).compile(dialect=sa.dialects.sqlite.dialect()))
           for t in md.tables.values()}
    assert "AUTOINCREMENT" not in ddl["a"] and "AUTOINCREMENT" in ddl["b"]
    assert {t.name: t.columns[0].identity is not None for t in s.tables} == {"a": False, "b": True}


@pytest.mark.parametrize("build, named, create_all_fails", [
    (lambda md: (sa.Table("a", md, sa.Column("x", sa.Integer), sa.Index("ix_x", "x")),
                 sa.Table("b", md, sa.Column("x", sa.Integer), sa.Index("ix_x", "x"))),
     "index ix_x on a and index ix_x on b", True),
    (lambda md: sa.Table("c", md, sa.Column("x", sa.Integer), sa.Index("C", "x")), "table c and index C on c", True),
    # a named unique constraint is a unique index of that name in mizzle's (drizzle-kit's) migrations
    (lambda md: (sa.Table("c", md, sa.Column("x", sa.Integer)),
                 sa.Table("d", md, sa.Column("x", sa.Integer), sa.UniqueConstraint("x", name="c"))),
     "table c and unique constraint c on d", False),
    # OpenStack designate: one unique constraint name on two tables; create_all keeps no name for either
    (lambda md: (sa.Table("a", md, sa.Column("x", sa.Integer), sa.UniqueConstraint("x", name="u")),
                 sa.Table("b", md, sa.Column("x", sa.Integer), sa.UniqueConstraint("x", name="u"))),
     "unique constraint u on a and unique constraint u on b", False),
])
def test_tables_and_indexes_of_one_name_are_refused(build: object, named: str, create_all_fails: bool) -> None:
    """SQLite keeps a database's tables, views and indexes in one name space, without case: the migration fails
    on the second (`index ix_x already exists`, `there is already a table named c`), as create_all does."""
    md = sa.MetaData()
    build(md)  # type: ignore[operator]
    if create_all_fails:
        with pytest.raises(sa.exc.OperationalError, match="already"):
            md.create_all(sa.create_engine("sqlite://"))
    with pytest.raises(SchemaLoadError, match=named + ".* one name space"):
        schema_from_metadata([md], dialect="sqlite")


def test_a_postgresql_only_type_is_refused_naming_the_column() -> None:
    """sqlalchemy-utils' TSVectorType (postgresql.TSVECTOR) has no SQLite form: one line naming the column, not
    the SQLAlchemy compiler object."""
    from sqlalchemy.dialects import postgresql

    md = sa.MetaData()
    sa.Table("doc", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("search", postgresql.TSVECTOR))
    with pytest.raises(SchemaLoadError, match=r"^column doc\.search: SQLite has no type for TSVECTOR .*with_variant"):
        schema_from_metadata([md], dialect="sqlite")


def test_checks_a_type_adds_for_itself_are_created_as_create_all_creates_them() -> None:
    """SQLite has no native boolean or enum: create_all writes `CHECK (x IN (0, 1))` for a
    Boolean(create_constraint=True) (mlflow's metrics.is_nan) and `CHECK (e IN ('a', 'bb'))` for a non-native Enum
    with create_constraint=True; a plain Boolean adds none."""
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("b", sa.Boolean(create_constraint=True)),
             sa.Column("e", sa.Enum("a", "bb", create_constraint=True, native_enum=False)),
             sa.Column("c", sa.Boolean()), sa.Column("n", sa.Boolean(create_constraint=True, name="ck_n")))
    checks = schema_from_metadata([md], dialect="sqlite").tables[0].checks
    assert sorted(c.expression for c in checks) == ["b IN (0, 1)", "e IN ('a', 'bb')", "n IN (0, 1)"]
    assert "ck_n" in {c.name for c in checks}


def test_what_create_all_leaves_out_on_sqlite_is_left_out_and_column_checks_kept() -> None:
    """prefect's trigram and JSON indexes are `ddl_if(dialect="postgresql")`: create_all makes none of them on
    SQLite, and neither does mizzle; a CHECK given to a Column (not the Table) is created inline by create_all."""
    md = sa.MetaData()
    t = sa.Table("flow", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("n", sa.Integer, sa.CheckConstraint("n > 0")), sa.Column("name", sa.Text),
                 sa.UniqueConstraint("name", name="uq_pg_only").ddl_if(dialect="postgresql"))
    sa.Index("trgm_ix_flow_name", t.c.name, postgresql_using="gin").ddl_if(dialect="postgresql")
    sa.Index("ix_flow_name", t.c.name)
    sa.Index("ix_sqlite_only", t.c.n).ddl_if(dialect="sqlite")
    got = schema_from_metadata([md], dialect="sqlite").tables[0]
    assert sorted(i.name for i in got.indexes) == ["ix_flow_name", "ix_sqlite_only"]
    assert [c.expression for c in got.checks] == ["n > 0"]


@pytest.mark.parametrize(("stored", "want", "type_"), [
    ('"manual"', "'manual'", "text"),  # karakeep: ALTER TABLE … ADD type text NOT NULL DEFAULT "manual"
    ('"it\'s ""x"""', "'it''s \"x\"'", "text"),
    ('"7"', "7", "integer"),
])
def test_a_double_quoted_default_is_the_string_sqlite_took_it_for(stored: str, want: str, type_: str) -> None:
    import sqlite3

    from mizzle.dialects.sqlite.types import canonical_default

    assert canonical_default(stored, type_) == want
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE TABLE a (k integer, v {type_} DEFAULT {stored})")  # how the folder's SQL wrote it
    db.execute(f"CREATE TABLE b (k integer, v {type_} DEFAULT {want})")  # how mizzle writes it back
    db.execute("INSERT INTO a (k) VALUES (1)")
    db.execute("INSERT INTO b (k) VALUES (1)")
    assert db.execute("SELECT v, typeof(v) FROM a").fetchall() == db.execute("SELECT v, typeof(v) FROM b").fetchall()
    with pytest.raises(sqlite3.OperationalError, match="not constant"):  # the form mizzle wrote before
        db.execute(f"CREATE TABLE c (v {type_} DEFAULT ({stored}))")


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_an_unnamed_constraint_under_a_convention_needing_its_name_is_refused(dialect: str) -> None:
    """`%(constraint_name)s` in MetaData.naming_convention needs every such constraint named: create_all refuses an
    unnamed one (a type's own CHECK included); mizzle made up a name (another on each dialect)."""
    md = sa.MetaData(naming_convention={"ck": "ck_%(table_name)s_%(constraint_name)s"})
    sa.Table("item", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("state", sa.Enum("a", "b", native_enum=False, create_constraint=True)))
    with pytest.raises(SchemaLoadError, match=r"table item: an unnamed CHECK \(.*state IN \('a', 'b'\)\).*name it"):
        schema_from_metadata([md], dialect=dialect)
    named = sa.MetaData(naming_convention={"ck": "ck_%(table_name)s_%(constraint_name)s"})
    sa.Table("item", named, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("state", sa.Enum("a", "b", native_enum=False, create_constraint=True, name="state_enum")))
    t = schema_from_metadata([named], dialect=dialect).tables[0]
    assert [c.name for c in t.checks] == ["ck_item_state_enum"]


def test_autoincrement_in_a_composite_key_is_refused_as_create_all_refuses_it() -> None:
    # datanommer's messages (id autoincrement=True + timestamp): written as a plain integer, inserts failed on NOT NULL
    md = sa.MetaData()
    sa.Table("m", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
             sa.Column("ts", sa.DateTime, primary_key=True))
    with pytest.raises(sa.exc.CompileError, match="composite primary keys"):
        md.create_all(sa.create_engine("sqlite://"))
    with pytest.raises(SchemaLoadError, match="SQLite has no autoincrement in a composite primary key"):
        schema_from_metadata([md], dialect="sqlite")
    md = sa.MetaData()  # autoincrement left to SQLAlchemy ("auto"): a composite key makes none, and both accept it
    sa.Table("m", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("ts", sa.DateTime, primary_key=True))
    assert schema_from_metadata([md], dialect="sqlite").tables[0].primary_key.columns == ("id", "ts")  # type: ignore[union-attr]


@pytest.mark.parametrize("second_name, kept_name", [
    (None, "dbs_database_name_unique"),  # Superset's `dbs`: both unnamed, so both derived the same index name
    ("uq_dbs_name", "uq_dbs_name"),      # an unnamed first one takes the later one's name, as on PostgreSQL
])
def test_a_unique_constraint_repeating_an_earlier_one_is_one_index(second_name: str | None, kept_name: str) -> None:
    """Superset's `dbs` table declares `UniqueConstraint("database_name")` in `__table_args__` beside
    `Column(..., unique=True)`. SQLite's CREATE TABLE makes no second index for a UNIQUE that repeats an earlier
    one (create_all's database has one), so the model has one unique index, not a refusal of two of one name."""
    md = sa.MetaData()
    sa.Table("dbs", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("database_name", sa.String(250), unique=True, nullable=False),
                 sa.Column("verbose_name", sa.String(250), unique=True),
                 sa.UniqueConstraint("database_name", name=second_name))
    engine = sa.create_engine("sqlite://")
    md.create_all(engine)
    with engine.connect() as conn:
        made = [r[1] for r in conn.exec_driver_sql("PRAGMA index_list(dbs)")]
    assert len(made) == 2  # database_name once, verbose_name
    (table,) = schema_from_metadata([md], dialect="sqlite").tables
    assert sorted((i.name, [c.expression for c in i.columns]) for i in table.indexes) == sorted(
        [(kept_name, ["database_name"]), ("dbs_verbose_name_unique", ["verbose_name"])])
