"""What create_all runs that a mizzle migration does not hold — DDL from SQLAlchemy's event listeners
(`sa.event.listen(table, "after_create", sa.DDL(...))`, as sqlalchemy-searchable does for its search triggers), and
dialect options the model has no place for yet (`postgresql_with` on a table, SQLite's ON CONFLICT) — is named by
`generate`, one warning each, instead of left out without a word."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _generate(tmp_path: Path, run_mizzle: Callable[..., object], source: str,
              dialect: str = "postgresql") -> tuple[list[str], str]:
    """`mizzle generate` of the schema module `source`: the text of each not-managed warning, and the SQL written."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "schema.py").write_text(source, encoding="utf-8")
    (tmp_path / "mizzle.toml").write_text(f'dialect = "{dialect}"\nschema = ["app/schema.py"]\nout = "drizzle"\n')
    r = run_mizzle(["generate", "--name", "init"], cwd=tmp_path)
    assert r.code == 0, r.stderr  # type: ignore[attr-defined]
    warned = [ln.split("migration): ", 1)[1] for ln in r.stderr.splitlines()  # type: ignore[attr-defined]
              if "not managed by mizzle (not in this migration): " in ln]
    return warned, next((tmp_path / "drizzle").glob("0000_*.sql")).read_text()


SCHEMA = '''
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
                 sa.Column("kind", sa.Enum("a", "b", name="kind")), sa.Column("n", postgresql.DOMAIN("n", sa.Integer)),
                 sa.Column("ok", sa.Boolean(create_constraint=True)))
sa.event.listen(users, "after_create", sa.DDL("CREATE INDEX users_lower_name ON users (lower(name))"))
sa.event.listen(metadata, "after_create", sa.DDL("CREATE FUNCTION one() RETURNS int LANGUAGE sql AS 'SELECT 1'"))


def hook(target, connection, **kw):
    pass


sa.event.listen(metadata, "before_create", hook)
sa.event.listen(users, "after_create", sa.DDL("CREATE INDEX only_on_sqlite ON users (name)").execute_if(dialect="sqlite"))


class PyIntEnum(sa.types.TypeDecorator, sa.types.SchemaType):  # indico's: a SchemaType of its own, over an integer
    impl = sa.SmallInteger
    cache_ok = True

    def __init__(self):
        sa.types.TypeDecorator.__init__(self)
        sa.types.SchemaType.__init__(self)


events = sa.Table("events", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("kind", PyIntEnum()))


class portable_instancemethod:  # how SQLAlchemy 2.0 listens with a SchemaType's hooks (2.1: functools.partial)
    def __init__(self, meth):
        self.target, self.name = meth.__self__, meth.__name__

    def __call__(self, *arg, **kw):
        return getattr(self.target, self.name)(*arg, **kw)


sa.event.listen(events, "after_drop", portable_instancemethod(events.c.kind.type._on_table_drop))


def spatial_index(target, connection, **kw):  # as geoalchemy2 listens: on the Table class, for every table
    pass


sa.event.listen(sa.Table, "after_create", spatial_index)
sa.event.listen(metadata, "after_drop", sa.DDL("DROP FUNCTION one()"))
'''


def test_generate_names_each_ddl_listener_it_leaves_out(tmp_path: Path, run_mizzle: Callable[..., object]) -> None:
    warned, sql = _generate(tmp_path, run_mizzle, SCHEMA)
    # the enum's, the domain's, the boolean's, a SchemaType of the code's own (its hooks are SQLAlchemy's: indico's
    # PyIntEnum read as 368 warnings of `portable_instancemethod`) and the DDL for SQLite only: none
    assert len(warned) == 5, warned
    # a listener on the Table class once, not once per table (fittrackee's 28 tables read 112 lines); a drop's
    # listener is drop_all's
    assert [w for w in warned if "spatial_index" in w] == [
        "app.schema.spatial_index (after_create on every Table, listened for on the class): create_all runs it, mizzle's "
        "migrations do not"]
    assert any("DDL DROP FUNCTION one() (after_drop on the MetaData): drop_all runs it" in w for w in warned)
    assert any("DDL CREATE INDEX users_lower_name" in w and "after_create on table public.users" in w for w in warned)
    # an index is mizzle's to manage: declared as sa.Index, not a --custom migration (which drift then reports for
    # good: invenio-files-rest's partial unique index)
    index = next(w for w in warned if "DDL CREATE INDEX users_lower_name" in w)
    assert "declare it as sa.Index(" in index and "--custom" not in index, index
    assert any("DDL CREATE FUNCTION one()" in w and "after_create on the MetaData" in w and "--custom" in w
               for w in warned)
    assert any("schema.hook (before_create on the MetaData)" in w for w in warned)
    assert "users_lower_name" not in sql and "CREATE DOMAIN" in sql and "CREATE TYPE" in sql


OPTIONS = '''
import sqlalchemy as sa

metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), postgresql_with={"fillfactor": "70"})
u = sa.Table("u", metadata, sa.Column("id", sa.Integer, primary_key=True), postgresql_tablespace="pg_default",
             postgresql_using="heap")
w = sa.Table("w", metadata, sa.Column("id", sa.Integer), sa.Column("x", sa.Integer),
             sa.PrimaryKeyConstraint("id", postgresql_include=["x"]),
             sa.UniqueConstraint("x", name="w_x", postgresql_include=["id"]))
sa.Index("w_i", w.c.x, postgresql_tablespace="pg_default", postgresql_with={"fillfactor": "80"})
'''


def test_generate_names_each_postgresql_option_it_leaves_out(tmp_path: Path,
                                                              run_mizzle: Callable[..., object]) -> None:
    warned, sql = _generate(tmp_path, run_mizzle, OPTIONS)
    # heap is the default access method, and an index's WITH is managed: neither is named
    assert [w.split(" (postgresql_")[0] for w in warned] == [
        "storage parameters (WITH …) of table public.t", "TABLESPACE of table public.u",
        "TABLESPACE of index w_i on table public.w", "INCLUDE of primary key of table public.w",
        "INCLUDE of unique constraint w_x of table public.w"], warned
    assert "WITH (fillfactor=80)" in sql


def test_sqlite_generate_names_each_on_conflict_clause_it_leaves_out(tmp_path: Path,
                                                                     run_mizzle: Callable[..., object]) -> None:
    warned, _ = _generate(tmp_path, run_mizzle, (
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        't = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True, '
        'sqlite_on_conflict_primary_key="FAIL"), sa.Column("n", sa.Integer, nullable=False, '
        'sqlite_on_conflict_not_null="IGNORE"), sa.Column("u", sa.Integer), '
        'sa.UniqueConstraint("u", name="t_u", sqlite_on_conflict="REPLACE"))\n'), dialect="sqlite")
    assert [w.split(" (sqlite_")[0] for w in warned] == ["ON CONFLICT FAIL of column t.id", "ON CONFLICT IGNORE of column t.n",
                      "ON CONFLICT REPLACE of unique constraint t_u on t"], warned


def test_sqlite_generate_names_each_primary_key_column_declared_nullable(tmp_path: Path,
                                                                         run_mizzle: Callable[..., object]) -> None:
    """cinder's `encryption.encryption_id` is `sa.Column(sa.String(36), primary_key=True, nullable=True)`: create_all
    writes no NOT NULL, so on SQLite the key accepts NULL, and mizzle's migration made it NOT NULL without a word. The
    INTEGER rowid key (SQLite fills in a NULL) and a key column left NOT NULL are not named."""
    warned, sql = _generate(tmp_path, run_mizzle, (
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        'sa.Table("encryption", metadata, sa.Column("encryption_id", sa.String(36), primary_key=True, '
        'nullable=True), sa.Column("cipher", sa.String(255)))\n'
        'sa.Table("pair", metadata, sa.Column("a", sa.Integer, nullable=True), sa.Column("b", sa.String, '
        'nullable=False), sa.PrimaryKeyConstraint("a", "b"))\n'
        'sa.Table("rowid", metadata, sa.Column("id", sa.Integer, primary_key=True, nullable=True))\n'
        'sa.Table("plain", metadata, sa.Column("id", sa.String, primary_key=True))\n'), dialect="sqlite")
    assert [w.split(": ")[0] for w in warned] == [
        "primary key column encryption.encryption_id declared nullable=True",
        "primary key column pair.a declared nullable=True"], warned
    assert "`encryption_id` text(36) PRIMARY KEY NOT NULL" in sql


DECLARED = '''
import sqlalchemy as sa
from mizzle.pg import Function, Trigger

metadata = sa.MetaData()
sso = sa.Table("sso_config", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("slug", sa.Text))
# langflow's sso_config: its trigger and function made by DDL listeners, as create_all runs them
sa.event.listen(sso, "after_create", sa.DDL(
    "CREATE OR REPLACE FUNCTION prevent_slug_update() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ "
    "LANGUAGE plpgsql").execute_if(dialect="postgresql"))
sa.event.listen(sso, "after_create", sa.DDL(
    "CREATE TRIGGER trg_slug_immutable BEFORE UPDATE OF slug ON sso_config FOR EACH ROW "
    "EXECUTE FUNCTION prevent_slug_update()").execute_if(dialect="postgresql"))
sa.event.listen(sso, "after_create", sa.DDL(
    "CREATE TRIGGER trg_slug_immutable BEFORE UPDATE OF slug ON sso_config FOR EACH ROW "
    "BEGIN SELECT RAISE(ABORT, 'immutable'); END").execute_if(dialect="sqlite"))
sa.event.listen(sso, "after_drop", sa.DDL("DROP FUNCTION IF EXISTS prevent_slug_update()"))
sa.event.listen(sso, "after_create", sa.DDL("CREATE FUNCTION not_declared() RETURNS int LANGUAGE sql AS 'SELECT 1'"))
'''


def test_generate_does_not_name_a_listener_making_what_the_code_declares(tmp_path: Path,
                                                                         run_mizzle: Callable[..., object]) -> None:
    """langflow's sso_config trigger, declared with mizzle.pg beside the DDL listeners that create_all runs: the
    migration makes the function and the trigger, so a warning that the migrations leave them out (and to declare
    them with mizzle.pg) is wrong. A listener making an object the code does not declare is still named."""
    warned, sql = _generate(tmp_path, run_mizzle, DECLARED + '''
prevent = Function("prevent_slug_update", "BEGIN RETURN NEW; END;", returns="trigger")
immutable = Trigger("trg_slug_immutable", sso, prevent, events="UPDATE OF slug")
''')
    assert "CREATE TRIGGER" in sql and "prevent_slug_update" in sql
    assert [w.split(" (")[0] for w in warned] == [
        "DDL CREATE FUNCTION not_declared() RETURNS int LANGUAGE sql AS 'SELECT 1'"], warned


def test_sqlite_generate_does_not_name_a_listener_making_a_declared_trigger(tmp_path: Path,
                                                                            run_mizzle: Callable[..., object]) -> None:
    warned, sql = _generate(tmp_path, run_mizzle, DECLARED + '''
immutable = Trigger("trg_slug_immutable", sso, body="SELECT RAISE(ABORT, 'immutable');", events="update of slug")
''', dialect="sqlite")
    assert "CREATE TRIGGER" in sql
    # the function is not declared: its DROP, which drop_all would run on SQLite too, is still named; the table by
    # its name, as SQLite has it (no schema: "table public.sso_config" named a schema SQLite does not have)
    assert all("(after_create on table sso_config)" in w or "(after_drop on table sso_config)" in w
               for w in warned), warned
    assert [w.split(" (")[0] for w in warned] == [
        "DDL CREATE FUNCTION not_declared() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "DDL DROP FUNCTION IF EXISTS prevent_slug_update()"], warned


COMPOSITE = '''
import sqlalchemy as sa

metadata = sa.MetaData()


class Composite(sa.types.UserDefinedType, sa.types.SchemaType):  # sqlalchemy-utils' CompositeType, re-typed
    cache_ok = True

    def __init__(self, name, columns, **kw):
        sa.types.SchemaType.__init__(self, name=name)
        self.columns = columns

    def get_col_spec(self, **kw):
        return self.name


def before_create(target, connection, **kw):  # creates every composite, on every MetaData (the class)
    pass


def after_drop(target, connection, **kw):
    pass


sa.event.listen(sa.MetaData, "before_create", before_create)
sa.event.listen(sa.MetaData, "after_drop", after_drop)
money = Composite("money_type", [sa.Column("currency", sa.String(3)), sa.Column("amount", sa.Integer)])
accounts = sa.Table("accounts", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("balance", money))
'''


def test_generate_makes_a_composite_column_type_and_does_not_name_its_own_listeners(
        tmp_path: Path, run_mizzle: Callable[..., object]) -> None:
    """sqlalchemy-utils' CompositeType: a column type that is a SchemaType with its attributes as `columns`, created
    by functions of its module listening on every MetaData. The migration creates the type (it used to write
    only the table, which the server refused: `type "money_type" does not exist`) and so the listeners are not
    named as left out."""
    warned, sql = _generate(tmp_path, run_mizzle, COMPOSITE)
    assert 'CREATE TYPE "public"."money_type" AS ("currency" varchar(3), "amount" integer);' in sql, sql
    assert sql.index("CREATE TYPE") < sql.index("CREATE TABLE")
    assert warned == [], warned



def test_a_composite_column_type_declared_with_mizzle_pg_too_is_one_type(tmp_path: Path,
                                                                         run_mizzle: Callable[..., object]) -> None:
    # as `pull` writes it: the attributes' types as the server prints them (character varying(3), not varchar(3))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, sql = _generate(tmp_path / "a", run_mizzle, COMPOSITE + '''
from mizzle.pg import CompositeType
money_type = CompositeType("money_type", {"currency": "character varying(3)", "amount": "integer"})
''')
    assert sql.count("CREATE TYPE") == 1, sql
    (tmp_path / "b" / "app").mkdir()
    (tmp_path / "b" / "app" / "schema.py").write_text(COMPOSITE + '''
from mizzle.pg import CompositeType
money_type = CompositeType("money_type", {"currency": "text", "amount": "integer"})
''')
    (tmp_path / "b" / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["app/schema.py"]\nout = "drizzle"\n')
    r = run_mizzle(["generate"], cwd=tmp_path / "b")
    assert r.code != 0 and "declared twice, differently" in r.stderr, r.stderr  # type: ignore[attr-defined]


SEARCHABLE = '''
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from mizzle.pg import Function, Trigger

metadata = sa.MetaData()
article = sa.Table("article", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
                   sa.Column("search_vector", postgresql.TSVECTOR))


class CreateSearchFunctionSQL(sa.schema.DDLElement):  # sqlalchemy-searchable's DDL elements, re-typed
    def __init__(self, table):
        self.table = table


class CreateSearchTriggerSQL(CreateSearchFunctionSQL):
    pass


class DropSearchFunctionSQL(CreateSearchFunctionSQL):
    pass


@compiles(CreateSearchFunctionSQL)
def _function(element, compiler, **kw):
    return (f"CREATE FUNCTION {element.table.name}_search_vector_update() RETURNS TRIGGER AS $$ BEGIN "
            "NEW.search_vector = to_tsvector('simple', coalesce(NEW.name, '')); RETURN NEW; END $$ LANGUAGE 'plpgsql'")


@compiles(CreateSearchTriggerSQL)
def _trigger(element, compiler, **kw):
    return (f"CREATE TRIGGER {element.table.name}_search_vector_trigger BEFORE UPDATE OR INSERT ON "
            f"{element.table.name} FOR EACH ROW EXECUTE PROCEDURE {element.table.name}_search_vector_update()")


@compiles(DropSearchFunctionSQL)
def _drop(element, compiler, **kw):
    return f"DROP FUNCTION IF EXISTS {element.table.name}_search_vector_update()"


sa.event.listen(article, "after_create", CreateSearchFunctionSQL(article))
sa.event.listen(article, "after_create", CreateSearchTriggerSQL(article))
sa.event.listen(article, "after_drop", DropSearchFunctionSQL(article))
'''


def test_generate_reads_the_sql_of_a_library_ddl_element(tmp_path: Path,
                                                             run_mizzle: Callable[..., object]) -> None:
    """sqlalchemy-searchable listens with DDL elements of its own (CreateSearchFunctionSQL, CreateSearchTriggerSQL),
    SQL only once compiled: declared with mizzle.pg (as `pull` writes them), they were still named as left out,
    by class name; now each is read as its compiled SQL, named by it when not declared."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    warned, _ = _generate(tmp_path / "a", run_mizzle, SEARCHABLE)
    assert [w.split(" (after_")[0] for w in warned] == [
        "DDL CREATE FUNCTION article_search_vector_update() RETURNS TRIGGER AS $$ BEGIN NEW.s…",
        "DDL CREATE TRIGGER article_search_vector_trigger BEFORE UPDATE OR INSERT ON article …",
        "DDL DROP FUNCTION IF EXISTS article_search_vector_update()"], warned
    warned, sql = _generate(tmp_path / "b", run_mizzle, SEARCHABLE + '''
fn = Function("article_search_vector_update", "BEGIN NEW.search_vector = to_tsvector('simple', coalesce(NEW.name, ''));"
              " RETURN NEW; END", returns="trigger")
trg = Trigger("article_search_vector_trigger", article, fn, events=("INSERT", "UPDATE"))
''')
    assert "CREATE TRIGGER" in sql and warned == [], warned


CREATE_VIEW = '''
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

metadata = sa.MetaData()
item = sa.Table("item", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("price", sa.Numeric))


class CreateView(sa.schema.DDLElement):  # sqlalchemy-utils' create_view, re-typed
    def __init__(self, name, selectable, materialized=False):
        self.name, self.selectable, self.materialized = name, selectable, materialized


@compiles(CreateView)
def _create_view(element, compiler, **kw):
    kind = "MATERIALIZED VIEW" if element.materialized else "VIEW"
    return f"CREATE {kind} {element.name} AS {compiler.sql_compiler.process(element.selectable, literal_binds=True)}"


def create_view(name, selectable, metadata, materialized=False):
    sa.event.listen(metadata, "after_create", CreateView(name, selectable, materialized))
    return sa.Table(name, sa.MetaData(), *[sa.Column(c.name, c.type, primary_key=c.primary_key)
                                           for c in selectable.selected_columns])


cheap_items = create_view("cheap_items", sa.select(item.c.id, item.c.price).where(item.c.price < 10), metadata)
totals = create_view("totals", sa.select(sa.func.sum(item.c.price).label("total")), metadata, materialized=True)
'''


def test_generate_writes_no_table_for_the_table_a_listeners_view_returns(tmp_path: Path,
                                                                          run_mizzle: Callable[..., object]) -> None:
    """sqlalchemy-utils' create_view / create_materialized_view: the Table they return (the view's columns, in a
    MetaData of their own) was written as CREATE TABLE cheap_items, which create_all does not make; the view
    itself is the listener's, named as left out."""
    warned, sql = _generate(tmp_path, run_mizzle, CREATE_VIEW)
    assert "cheap_items" not in sql and "totals" not in sql and 'CREATE TABLE "item"' in sql.replace('"public".', ""), sql
    assert [w.split(" AS ")[0] for w in warned] == ["DDL CREATE VIEW cheap_items", "DDL CREATE MATERIALIZED VIEW totals"]


LISTENED = '''
import sqlalchemy as sa

metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("email", sa.Text, comment="login"), sa.Column("updated_at", sa.DateTime))
sa.event.listen(users, "after_create", sa.DDL(
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$"))
sa.event.listen(users, "after_create", sa.DDL(
    "CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()"))
'''


def test_a_listened_function_or_trigger_in_a_folder_with_the_sidecar_is_declared_not_written_by_hand(
        tmp_path: Path, run_mizzle: Callable[..., object]) -> None:
    """A folder with mizzle's sidecar (meta/_mizzle.json, here for the column's comment) records the functions and
    triggers its migrations make: one written into a `--custom` migration, as the warning advised, was then a
    difference for `drift` and `verify` (`+ function touch()`, `+ trigger users_touch on users`). The warning
    names the mizzle.pg declaration, and says why not by hand."""
    warned, _ = _generate(tmp_path, run_mizzle, LISTENED)
    assert (tmp_path / "drizzle" / "meta" / "_mizzle.json").exists()
    fn = next(w for w in warned if "CREATE FUNCTION touch()" in w)
    trigger = next(w for w in warned if "CREATE TRIGGER users_touch" in w)
    assert "declare it with mizzle.pg.Function" in fn and "declare it with mizzle.pg.Trigger" in trigger, warned
    for w in (fn, trigger):
        assert "a difference for `drift` and `verify`" in w and "or write it into a migration" not in w, w
    # the same in a later migration (the sidecar there before it)
    schema = tmp_path / "app" / "schema.py"
    schema.write_text(schema.read_text().replace('sa.Column("updated_at", sa.DateTime)',
                                                 'sa.Column("updated_at", sa.DateTime), sa.Column("n", sa.Integer)'))
    r = run_mizzle(["generate", "--name", "n"], cwd=tmp_path)
    err = r.stderr  # type: ignore[attr-defined]
    assert "declare it with mizzle.pg.Function" in err and "or write it into" not in err, err


def test_without_the_sidecar_a_listened_function_may_go_into_a_custom_migration(
        tmp_path: Path, run_mizzle: Callable[..., object]) -> None:
    """A folder without the sidecar lists what its SQL makes by hand (`not compared`), so both ways do."""
    warned, _ = _generate(tmp_path, run_mizzle, LISTENED.replace(', comment="login"', ""))
    assert not (tmp_path / "drizzle" / "meta" / "_mizzle.json").exists()
    fn = next(w for w in warned if "CREATE FUNCTION touch()" in w)
    assert "declare it with mizzle.pg.Function" in fn and "or write it into a migration of your own" in fn, fn


def test_sqlite_advice_names_what_mizzle_pg_declares_there(tmp_path: Path, run_mizzle: Callable[..., object]) -> None:
    """SQLite has no functions, and mizzle.pg declares only its views and triggers (a trigger with a body): the
    advice was PostgreSQL's (`declare it with mizzle.pg`) for any statement. A declared trigger starts the sidecar,
    so the listened one is a difference if written by hand."""
    warned, _ = _generate(tmp_path, run_mizzle, (
        "import sqlalchemy as sa\nfrom mizzle.pg import Trigger\nmetadata = sa.MetaData()\n"
        't = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))\n'
        'log = sa.Table("log", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))\n'
        'declared = Trigger("t_ai", t, timing="after", events=["insert"], body="INSERT INTO log(n) VALUES (NEW.n);")\n'
        'sa.event.listen(t, "after_create", sa.DDL("CREATE TRIGGER t_au AFTER UPDATE ON t BEGIN '
        'INSERT INTO log(n) VALUES (NEW.n); END"))\n'
        'sa.event.listen(t, "after_create", sa.DDL("CREATE VIRTUAL TABLE t_fts USING fts5(n)"))\n'), dialect="sqlite")
    assert (tmp_path / "drizzle" / "meta" / "_mizzle.json").exists()
    trigger = next(w for w in warned if "CREATE TRIGGER t_au" in w)
    assert "declare it with mizzle.pg.Trigger(name, table, body=" in trigger, trigger
    assert "a difference for `drift` and `verify`" in trigger, trigger
    fts = next(w for w in warned if "CREATE VIRTUAL TABLE" in w)
    assert "mizzle.pg" not in fts and "(`mizzle generate --custom`)" in fts, fts


SEARCH = '''
import sqlalchemy as sa
from sqlalchemy_utils import TSVectorType

metadata = sa.MetaData()
# Netflix/dispatch's models: TSVectorType("name", "description", weights=…) columns whose triggers the app makes
# itself after create_all (setup_fulltext_search → sync_trigger), with no listener the schema code holds
incident = sa.Table("incident", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
                    sa.Column("description", sa.Text),
                    sa.Column("search_vector", TSVectorType("name", "description",
                                                            weights={"name": "A", "description": "B"})),
                    sa.Index("incident_search_vector_idx", "search_vector", postgresql_using="gin"))
term = sa.Table("term", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("text", sa.Text),
                sa.Column("search_vector", TSVectorType("text")), schema="core")
plain = sa.Table("plain", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", TSVectorType()),
                 sa.Column("g", TSVectorType("id"), sa.Computed("to_tsvector('simple', id::text)")))
'''


def test_generate_names_the_search_vectors_nothing_in_the_schema_fills(tmp_path: Path,
                                                                      run_mizzle: Callable[..., object]) -> None:
    """Netflix/dispatch: 45 TSVectorType("name", "description") columns, filled by search triggers and functions the
    app makes after create_all (sqlalchemy-searchable's sync_trigger), not by a listener the schema code holds.
    `generate` wrote the columns and their GIN indexes and said nothing of the triggers: in a database mizzle
    migrates, the search vectors stay NULL and every search finds nothing. A TSVectorType naming no columns, or
    generated by the server, is filled by other means and not named."""
    warned, sql = _generate(tmp_path, run_mizzle, SEARCH)
    assert '"search_vector" tsvector' in sql
    assert len(warned) == 1, warned
    assert warned[0].startswith("the triggers filling 2 TSVectorType column(s): core.term.search_vector (text), "
                                "public.incident.search_vector (name, description)"), warned
    assert "mizzle.pg.Trigger" in warned[0]


def test_a_search_vector_whose_trigger_is_declared_or_listened_for_is_not_named_again(
        tmp_path: Path, run_mizzle: Callable[..., object]) -> None:
    """The trigger declared with mizzle.pg (the migration makes it), or made by a listener on the table (named as
    that listener, as sqlalchemy-searchable's own attach_ddl_listeners makes it): the column is not named again."""
    warned, sql = _generate(tmp_path, run_mizzle, SEARCH + '''
from mizzle.pg import Function, Trigger

update = Function("incident_search_vector_update", "BEGIN NEW.search_vector = to_tsvector(NEW.name); RETURN NEW; END;",
                  returns="trigger")
trigger = Trigger("incident_search_vector_trigger", incident, update, timing="BEFORE", events=("INSERT", "UPDATE"))
sa.event.listen(term, "after_create", sa.DDL(
    "CREATE TRIGGER term_search_vector_trigger BEFORE UPDATE OR INSERT ON core.term FOR EACH ROW "
    "EXECUTE PROCEDURE tsvector_update_trigger(search_vector, 'pg_catalog.english', text)"))
''')
    assert "CREATE TRIGGER" in sql
    assert [w.split(" (")[0] for w in warned] == [
        "DDL CREATE TRIGGER term_search_vector_trigger BEFORE UPDATE OR INSERT ON core.term F…"], warned


EXPRESSIONS = '''
import sqlalchemy as sa
from mizzle.pg import CompositeType

metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True))
# Netflix/dispatch's search/fulltext/expressions.sql, listened for before_create on the MetaData: one DDL making a
# composite type and the functions using it (bodies with semicolons of their own)
sa.event.listen(metadata, "before_create", sa.DDL(\'\'\'DROP TYPE IF EXISTS tsq_state CASCADE;

CREATE TYPE tsq_state AS (search_query text, tokens text[]);

CREATE OR REPLACE FUNCTION tsq_append_current_token(state tsq_state)
RETURNS tsq_state AS $$
BEGIN
    state.tokens := array_append(state.tokens, 'x;CREATE FUNCTION not_one()');
    RETURN state;
END;
$$ LANGUAGE plpgsql IMMUTABLE;

-- CREATE FUNCTION commented_out() …;
COMMENT ON TYPE tsq_state IS E'the parser\\\\'s state; CREATE FUNCTION not_two() /* a string */';
CREATE OR REPLACE FUNCTION "tsq_parse"(search_query text) RETURNS tsquery AS $_$
    SELECT to_tsquery($1);
$_$ LANGUAGE SQL IMMUTABLE;
\'\'\'))
'''


def test_a_listener_making_several_objects_is_named_until_the_code_declares_them_all(
        tmp_path: Path, run_mizzle: Callable[..., object]) -> None:
    """Netflix/dispatch's expressions.sql makes the composite type tsq_state and the tsq_* functions in one DDL. Its
    warning advised mizzle.pg.CompositeType (the first statement's object) only, and once tsq_state was declared so
    the listener was taken for one making what the code declares: not named at all, the functions in no migration.
    Every statement of the DDL counts (not the text of a string, a comment or a dollar-quoted body)."""
    warned, _ = _generate(tmp_path, run_mizzle, EXPRESSIONS)
    assert len(warned) == 1 and "mizzle.pg.CompositeType" in warned[0] and "mizzle.pg.Function" in warned[0], warned
    assert "tsq_append_current_token, tsq_parse" in warned[0] and "not_one" not in warned[0], warned
    assert "commented_out" not in warned[0] and "not_two" not in warned[0], warned
    declared = EXPRESSIONS + '\ntsq = CompositeType("tsq_state", {"search_query": "text", "tokens": "text[]"})\n'
    (tmp_path / "b").mkdir()
    warned, _ = _generate(tmp_path / "b", run_mizzle, declared)
    assert len(warned) == 1 and "tsq_append_current_token" in warned[0] and "mizzle.pg.Function" in warned[0], warned
