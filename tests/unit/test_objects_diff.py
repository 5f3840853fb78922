"""Objects beyond tables without a server: the diff's phases and replace-or-remake decisions, the DDL, the
snapshot round trip (drizzle-kit's `views` field + the sidecar), and SQLite's refusal."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from mizzle.dialects.postgres.snapshot import schema_from_snapshot, snapshot_from_schema
from mizzle.errors import SchemaLoadError
from mizzle.pg import CompositeType, Domain, Function, Procedure, Trigger, View, ViewIndex
from mizzle.planning.plan import plan
from mizzle.schema.diff import Renames, diff
from mizzle.schema.model import CheckConstraint, Column, PrimaryKey, Table, make_schema
from mizzle.sources.loader import FoundMetaData
from mizzle.sources.sqlalchemy import schema_from_metadata

T = Table("t", columns=(Column("id", "integer", not_null=True), Column("v", "integer")), primary_key=PrimaryKey(("id",)))


def _schema(*objs: object, table: Table = T):  # type: ignore[no-untyped-def]
    return make_schema("postgresql", tables=[table], objects=[o.to_model() for o in objs])  # type: ignore[attr-defined]


def _sql(old, new) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.sql for s in plan(diff(old, new, Renames(none=True)).changes, "postgresql")]


def test_a_view_over_a_retyped_column_is_dropped_first_and_made_again_after() -> None:
    v = View("vv", "SELECT v FROM t")
    retyped = T.with_(columns=(T.columns[0], Column("v", "bigint")))
    sql = _sql(_schema(v), _schema(v, table=retyped))
    assert sql[0] == 'DROP VIEW "public"."vv"'
    assert sql[1].startswith('ALTER TABLE "public"."t" ALTER COLUMN "v" SET DATA TYPE bigint')
    assert sql[2] == 'CREATE VIEW "public"."vv" AS SELECT v FROM t'


def test_a_view_that_does_not_read_the_changed_column_stays() -> None:
    # dropping it would take what PostgreSQL keeps on it (rules, grants) and refill a materialized view for nothing;
    # a view over `*` read the column when it was made, so it is made again
    kept, star, reads = View("kept", "SELECT id FROM t"), View("star", "SELECT * FROM t"), View("reads", "SELECT v FROM t")
    dropped = T.with_(columns=(T.columns[0],))
    sql = _sql(_schema(kept, star, reads), _schema(kept, star, reads, table=dropped))
    assert not any('"kept"' in s for s in sql), sql
    assert 'DROP VIEW "public"."star"' in sql and 'DROP VIEW "public"."reads"' in sql


def test_a_view_counting_rows_does_not_read_every_column() -> None:
    """`count(*)` reads no column: Mastodon's instances materialized view (db/views/instances_v01.sql, `SELECT
    domain, COUNT(*) AS accounts_count FROM accounts …`) was dropped and made again, refilled under its lock, by
    every migration retyping or dropping any column of accounts, its column comments lost. `*` as a column list
    (or `t.*`) still counts as reading every column."""
    counted = View("counted", "SELECT id, count(*) AS n FROM t GROUP BY id", materialized=True)
    filtered = View("filtered", "SELECT count(*) FILTER (WHERE id > 0) AS n FROM t")
    whole = View("whole", "SELECT row_to_json(t.*) AS j FROM t")
    objs = (counted, filtered, whole)
    dropped = T.with_(columns=(T.columns[0],))
    sql = _sql(_schema(*objs), _schema(*objs, table=dropped))
    assert not any('"counted"' in s or '"filtered"' in s for s in sql), sql
    assert 'DROP VIEW "public"."whole"' in sql


def test_a_function_taking_a_rebuilt_enum_is_dropped_before_and_made_again_after() -> None:
    """An enum losing a value is rebuilt (DROP TYPE, CREATE TYPE): PostgreSQL refuses the DROP TYPE while a
    function takes or returns it ("function has_role(uuid,user_role) depends on type user_role"; Supabase's
    has_role(_user_id uuid, _role app_role), as in ycherrou/agri-deal-flow). It is dropped first and made again
    once the type is back, after the tables."""
    from mizzle.schema.model import Enum

    role = Enum("user_role", ("admin", "client", "old"))
    has_role = Function("has_role", "SELECT _role = 'admin'", args="_user_id uuid, _role user_role",
                        returns="boolean", language="sql", volatility="stable")
    roles = Function("roles", "SELECT 'admin'::user_role", returns="SETOF user_role", language="sql")
    kept = Function("kept", "SELECT 1", returns="integer", language="sql")

    def model(e: Enum):  # type: ignore[no-untyped-def]
        return make_schema("postgresql", tables=[T], enums=[e],
                           objects=[f.to_model() for f in (has_role, roles, kept)])

    sql = _sql(model(role), model(Enum("user_role", ("admin", "client"))))
    drop_type = sql.index('DROP TYPE "public"."user_role"')
    made_type = next(i for i, s in enumerate(sql) if s.startswith('CREATE TYPE "public"."user_role"'))
    for name in ("has_role", "roles"):
        assert any(s.startswith(f'DROP FUNCTION "public"."{name}"') for s in sql[:drop_type]), sql
        assert any(s.startswith(f'CREATE FUNCTION "public"."{name}"') for s in sql[made_type:]), sql
    assert not any('"kept"' in s for s in sql), sql


def test_an_enum_rebuilt_under_a_domain_or_composite_type_is_refused() -> None:
    """DROP TYPE of a rebuilt enum fails while a domain or composite type is built on it ("type st_d depends on type
    job_status"), and the rebuild converts only the enum's own columns: generate says so instead of writing a
    migration that fails (a pulled queue schema: jobs.status job_status, with a domain and a composite over it)."""
    from mizzle.errors import UsageError
    from mizzle.schema.composite_use import refuse_rebuilding_types_in_use
    from mizzle.schema.model import Enum

    status = Enum("job_status", ("queued", "done", "legacy"))
    over = (Domain("st_d", "job_status"), CompositeType("job_pair", {"a": "job_status", "b": "integer"}))

    def model(e: Enum, *objs: object):  # type: ignore[no-untyped-def]
        return make_schema("postgresql", tables=[T], enums=[e], objects=[o.to_model() for o in objs])  # type: ignore[attr-defined]

    fewer = Enum("job_status", ("queued", "done"))
    old = model(status, *over)
    with pytest.raises(UsageError, match="domain public.st_d, composite type public.job_pair are built on it"):
        refuse_rebuilding_types_in_use(old, diff(old, model(fewer, *over), Renames(none=True)).changes)
    refuse_rebuilding_types_in_use(model(status), diff(model(status), model(fewer), Renames(none=True)).changes)
    grown = Enum("job_status", ("queued", "done", "legacy", "new"))  # added in place: no rebuild
    refuse_rebuilding_types_in_use(old, diff(old, model(grown, *over), Renames(none=True)).changes)


def test_a_view_over_a_view_is_made_again_with_it() -> None:
    a, b = View("a", "SELECT v FROM t"), View("b", "SELECT v FROM a")
    dropped = T.with_(columns=(T.columns[0], Column("v", "bigint")))
    sql = _sql(_schema(a, b), _schema(a, b, table=dropped))
    assert sql[:2] == ['DROP VIEW "public"."b"', 'DROP VIEW "public"."a"']
    assert sql[-2:] == ['CREATE VIEW "public"."a" AS SELECT v FROM t', 'CREATE VIEW "public"."b" AS SELECT v FROM a']


def test_a_trigger_on_a_view_made_again_is_made_again_after_it() -> None:
    """DROP VIEW takes the view's triggers with it (migra's triggers3 pair: a column added in the middle of an
    INSTEAD OF view): the trigger is dropped first and created after the view, never lost."""
    fn = Function("ins", "BEGIN RETURN NEW; END;", returns="trigger")
    trg = Trigger("on_vv", "vv", "public.ins", events=("INSERT",), timing="INSTEAD OF")
    sql = _sql(_schema(fn, View("vv", "SELECT id, v FROM t"), trg), _schema(fn, View("vv", "SELECT v, id FROM t"), trg))
    assert sql[0].startswith('DROP TRIGGER "on_vv" ON "public"."vv"'), sql
    assert sql.index('DROP VIEW "public"."vv"') < sql.index('CREATE VIEW "public"."vv" AS SELECT v, id FROM t')
    assert sql[-1].startswith('CREATE TRIGGER "on_vv" INSTEAD OF INSERT ON "public"."vv"'), sql


def test_a_trigger_on_a_retyped_column_is_dropped_first_and_made_again_after() -> None:
    """PostgreSQL refuses to retype a column a trigger's `UPDATE OF` list or WHEN names ("cannot alter type of a
    column used in a trigger definition"): Zabbix's `hosts_name_upper_update AFTER UPDATE OF name ON hosts`, pulled,
    then `hosts.name` widened. The trigger is dropped before the ALTER and made again after; one naming neither
    the column nor a WHEN on it stays."""
    fn = Function("upper_name", "BEGIN RETURN NULL; END;", returns="trigger")
    of = Trigger("t_upd", "t", "public.upper_name", timing="AFTER", events=("UPDATE OF v",))
    when = Trigger("t_when", "t", "public.upper_name", timing="AFTER", events=("UPDATE",),
                   when="OLD.v IS DISTINCT FROM NEW.v")
    kept = Trigger("t_ins", "t", "public.upper_name", timing="AFTER", events=("INSERT",))
    retyped = T.with_(columns=(T.columns[0], Column("v", "bigint")))
    sql = _sql(_schema(fn, of, when, kept), _schema(fn, of, when, kept, table=retyped))
    alter = next(i for i, s in enumerate(sql) if s.startswith('ALTER TABLE "public"."t" ALTER COLUMN "v"'))
    for name in ("t_upd", "t_when"):
        assert sql.index(f'DROP TRIGGER "{name}" ON "public"."t"') < alter, sql
        assert any(s.startswith(f'CREATE TRIGGER "{name}"') for s in sql[alter:]), sql
    assert not any('"t_ins"' in s for s in sql), sql


def test_view_replaced_in_place_only_when_columns_append() -> None:
    appended = _sql(_schema(View("vv", "SELECT id FROM t")), _schema(View("vv", "SELECT id, v FROM t")))
    assert appended == ['CREATE OR REPLACE VIEW "public"."vv" AS SELECT id, v FROM t']
    changed = _sql(_schema(View("vv", "SELECT id, v FROM t")), _schema(View("vv", "SELECT v, id FROM t")))
    assert changed == ['DROP VIEW "public"."vv"', 'CREATE VIEW "public"."vv" AS SELECT v, id FROM t']


def test_function_result_changed_remakes_it_and_its_triggers() -> None:
    f1 = Function("f", "BEGIN RETURN NEW; END", returns="trigger")
    f2 = Function("f", "BEGIN RETURN NEW; END", returns="trigger", security_definer=True)
    trg = Trigger("tr", "t", f1, events="insert or update")
    assert _sql(_schema(f1, trg), _schema(f2, trg))[0].startswith('CREATE OR REPLACE FUNCTION "public"."f"()')
    g1 = Function("g", "SELECT 1", returns="integer", language="sql")
    g2 = Function("g", "SELECT 1", returns="bigint", language="sql")
    t1 = Trigger("tr", "t", "g")
    sql = _sql(_schema(g1, t1), _schema(g2, t1))
    assert sql[0] == 'DROP TRIGGER "tr" ON "public"."t"'
    assert sql[1] == 'DROP FUNCTION "public"."g"()'
    assert sql[-1].startswith('CREATE TRIGGER "tr" BEFORE UPDATE ON "public"."t" FOR EACH ROW EXECUTE FUNCTION')


def test_domains_and_types_before_tables_and_dropped_after() -> None:
    d, c = Domain("qty", "integer", check="VALUE > 0"), CompositeType("pair", {"a": "integer"})
    empty = make_schema("postgresql")
    sql = _sql(empty, _schema(d, c))
    assert sql[0].startswith('CREATE DOMAIN "public"."qty" AS integer CONSTRAINT "qty_check" CHECK (VALUE > 0)')
    assert sql[1] == 'CREATE TYPE "public"."pair" AS ("a" integer)'
    assert sql[2].startswith('CREATE TABLE')
    assert _sql(_schema(d, c), make_schema("postgresql", tables=[T]))[-2:] == [
        'DROP DOMAIN "public"."qty"', 'DROP TYPE "public"."pair"']


def test_a_type_built_on_another_is_dropped_before_it() -> None:
    """PostgreSQL's regression tests (domain.sql: `create domain mynums as numeric(4,2)[1]; create domain mynums2 as
    mynums`; dinter and dtop likewise): the drops went in name order, and PostgreSQL refused DROP DOMAIN mynums
    ("type mynums2 depends on it")."""
    base, on_base = Domain("mynums", "numeric(4,2)[]"), Domain("mynums2", "mynums")
    pt, d_pt = CompositeType("a_pt", {"x": "integer"}), Domain("b_pt", "a_pt")
    sql = _sql(_schema(base, on_base, pt, d_pt), make_schema("postgresql", tables=[T]))
    assert sql.index('DROP DOMAIN "public"."mynums2"') < sql.index('DROP DOMAIN "public"."mynums"'), sql
    assert sql.index('DROP DOMAIN "public"."b_pt"') < sql.index('DROP TYPE "public"."a_pt"'), sql


def test_snapshot_round_trip_uses_drizzle_views_field_and_the_sidecar() -> None:
    objs = [View("mv", "SELECT id FROM t", materialized=True, with_={"fillfactor": 70},
                 indexes=[ViewIndex("mv_id", "id", unique=True)]),
            View("v", "SELECT id FROM t", with_={"check_option": "local", "security_barrier": True}),
            Function("f", "SELECT $1", args="a integer DEFAULT 1", returns="integer", language="sql",
                     config={"search_path": "public"}),
            Procedure("p", "BEGIN END"), Trigger("tr", "t", "f", events=("UPDATE OF v", "INSERT"), when="NEW.v > 0"),
            Domain("qty", "integer", not_null=True, default="1"), CompositeType("pair", {"a": "integer"})]
    model = _schema(*objs)
    snap, side = snapshot_from_schema(model)
    assert snap["views"]["public.v"] == {"name": "v", "schema": "public", "columns": {},
                                         "definition": "SELECT id FROM t", "materialized": False,
                                         "isExisting": False, "with": {"checkOption": "local",
                                                                       "securityBarrier": True}}
    assert side["views"]["public.mv"]["indexes"][0]["name"] == "mv_id"
    back = schema_from_snapshot(snap, {"snapshots": {snap["id"]: side}})
    assert back.objects == model.objects


def test_drizzle_existing_views_are_carried_not_managed() -> None:
    snap, _ = snapshot_from_schema(make_schema("postgresql"))
    snap["views"] = {"public.old": {"name": "old", "schema": "public", "columns": {}, "materialized": False,
                                    "isExisting": True}}
    model = schema_from_snapshot(snap)
    assert not model.objects
    assert snapshot_from_schema(model)[0]["views"] == snap["views"]


def test_sqlite_refuses_objects_with_one_line() -> None:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))
    with pytest.raises(SchemaLoadError, match=r"materialized view v \(app/schema.py\): SQLite has plain views"):
        schema_from_metadata([FoundMetaData(md, "app/schema.py", [View("v", "SELECT 1", materialized=True)])],
                             dialect="sqlite")
    ok = schema_from_metadata([FoundMetaData(md, "app/schema.py", [View("v", "SELECT 1")])], dialect="sqlite")
    assert [v.name for v in ok.objects.views] == ["v"]


def test_lint_names_a_replaced_trigger_function_and_a_view_dropped_under_another() -> None:
    from mizzle.lint import LintContext, lint_file

    f = Function("f", "BEGIN RETURN NEW; END", returns="trigger")
    prev = _schema(f, Trigger("tr", "t", f), View("a", "SELECT v FROM t"), View("b", "SELECT v FROM a"))
    ctx = LintContext(previous=prev)
    sql = 'CREATE OR REPLACE FUNCTION "public"."f"() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;'
    assert [x.rule for x in lint_file(sql, ctx)] == ["MZ120"]
    assert [x.rule for x in lint_file('DROP VIEW "public"."a" CASCADE;', ctx)] == ["MZ121"]
    # what generate writes: the reader dropped first
    assert lint_file('DROP VIEW "public"."b";\n--> statement-breakpoint\nDROP VIEW "public"."a";', ctx) == []


def test_sql_functions_before_tables_unless_they_read_a_new_one() -> None:
    pure = Function("add_one", "SELECT x + 1", args="x integer", returns="integer", language="sql")
    reads = Function("n_rows", "SELECT count(*) FROM t", returns="bigint", language="sql")
    sql = _sql(make_schema("postgresql"), _schema(pure, reads))
    assert sql[0].startswith('CREATE FUNCTION "public"."add_one"')
    assert sql[1].startswith("CREATE TABLE")
    assert sql[2].startswith('CREATE FUNCTION "public"."n_rows"')


def test_a_sql_procedure_reading_a_column_the_diff_adds_comes_after_it() -> None:
    """pg-schema-diff's procedure case: `INSERT INTO t (id, v)` in a procedure made while t gains `v` ran before
    the ADD COLUMN (the body is checked at creation) and failed."""
    old_t = Table("t", columns=(Column("id", "integer", not_null=True),), primary_key=PrimaryKey(("id",)))
    proc = Procedure("add_t", "INSERT INTO t (id, v) VALUES (1, 2)", language="sql")
    sql = _sql(_schema(table=old_t), _schema(proc))
    assert len(sql) == 2 and sql[0].startswith('ALTER TABLE "public"."t" ADD COLUMN "v"'), sql
    assert sql[1].startswith('CREATE PROCEDURE "public"."add_t"()'), sql


def test_drift_lines_name_what_differs_once_per_object() -> None:
    from mizzle.schema.compare import lines

    old = _schema(View("v", "SELECT id FROM t"), Function("f", "BEGIN END"))
    new = _schema(View("v", "SELECT v FROM t", materialized=True), Function("f", "BEGIN NULL; END"))
    assert lines(old, new) == ["~ function f(): body BEGIN END → BEGIN NULL; END",
                               "~ materialized view v: definition SELECT id FROM t → SELECT v FROM t, "
                               "materialized False → True"]


def test_a_materialized_views_indexes_are_named_as_sql_in_its_line() -> None:
    """portabase after `pull`: `generate --check` printed `indexes () → (ViewIndex(name='uq_…', columns='period',
    unique=True, method='btree', where=None),)`, Python's own spelling of the model."""
    from mizzle.schema.object_changes import what_differs

    old = View("mv", "SELECT v FROM t", materialized=True).to_model()
    new = View("mv", "SELECT id, v FROM t", materialized=True,
               indexes=[ViewIndex("mv_id", "id", method="hash", where="id > 0"), ViewIndex("mv_v", "v", unique=True)]
               ).to_model()
    assert what_differs(old, new) == ("~ materialized view mv: definition SELECT v FROM t → SELECT id, v FROM t, "
                                      "indexes none → mv_id USING hash (id) WHERE id > 0, mv_v UNIQUE (v)")


def test_settings_options_and_domain_checks_are_named_as_sql_in_a_line() -> None:
    """immich's immich_uuid_v7() given `SET search_path = public` by hand: drift printed `config none →
    (('search_path', 'public'),)`, Python's own spelling of the model; so would a view's options and a domain's
    checks."""
    from mizzle.schema.object_changes import what_differs

    old = Function("f", "BEGIN END").to_model()
    new = Function("f", "BEGIN END", config={"search_path": "public, pg_temp", "work_mem": "64MB"}).to_model()
    assert what_differs(old, new) == "~ function f(): config none → search_path = public, pg_temp; work_mem = 64MB"
    old_v = View("v", "SELECT 1 AS x").to_model()
    new_v = View("v", "SELECT 1 AS x", with_={"security_barrier": True, "check_option": "local"}).to_model()
    assert what_differs(old_v, new_v) == "~ view v: options none → check_option=local, security_barrier=true"
    old_d = Domain("qty", "integer", check="VALUE > 0").to_model()
    new_d = Domain("qty", "integer").to_model()
    assert what_differs(old_d, new_d) == "~ domain qty: checks qty_check CHECK (VALUE > 0) → none"


def test_a_body_differing_only_inside_its_whitespace_shows_where() -> None:
    """Koji's get_event(): a database upgraded by Koji's own scripts holds the body indented with spaces, its
    schema.sql (and so the pulled code) with a tab. The line printed both bodies on one line, whitespace collapsed,
    so `baseline` refused with two identical-looking texts."""
    from mizzle.schema.compare import lines

    tab = "\n\tINSERT INTO events (time) VALUES (clock_timestamp());\n\tSELECT currval('events_id_seq')::INTEGER;\n"
    spaces = tab.replace("\t", "    ")
    assert lines(_schema(Function("get_event", tab, returns="integer", language="sql")),
                 _schema(Function("get_event", spaces, returns="integer", language="sql"))) == [
        "~ function get_event(): body differs in whitespace only, from line 2: "
        "'\\tINSERT INTO events (time) VALUES (clock…' → '    INSERT INTO events (time) VALUES (cl…'"]


def test_a_body_differing_past_what_the_line_shows_shows_where() -> None:
    from mizzle.schema.compare import lines

    head = "SELECT " + ", ".join(f"c{i}" for i in range(40)) + " FROM t"
    assert lines(_schema(Function("f", head + " WHERE true", language="sql")),
                 _schema(Function("f", head + " WHERE false", language="sql"))) == [
        "~ function f(): body differs past the first 117 characters, from line 1: "
        "…'8, c39 FROM t WHERE true' → …'8, c39 FROM t WHERE false'"]


def test_one_view_imported_into_two_schema_modules_is_declared_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mizzle.sources.loader import load_metadata

    (tmp_path / "objs_a.py").write_text("import sqlalchemy as sa\nfrom mizzle.pg import View\n"
                                        "metadata = sa.MetaData()\nv = View('v', 'SELECT 1')\nalias = v\n")
    (tmp_path / "objs_b.py").write_text("from objs_a import v\n")
    found = load_metadata(("objs_a.py", "objs_b.py"), tmp_path)
    model = schema_from_metadata(found)
    assert [x.name for x in model.objects.views] == ["v"]
    (tmp_path / "objs_c.py").write_text("from mizzle.pg import View\nv = View('v', 'SELECT 2')\n")
    with pytest.raises(SchemaLoadError, match="view v is declared twice"):
        schema_from_metadata(load_metadata(("objs_a.py", "objs_c.py"), tmp_path))


def test_a_function_whose_arguments_are_respelled_is_dropped_before_it_is_made() -> None:
    f1 = Function("f", "SELECT x", args="x int", returns="integer", language="sql")
    f2 = Function("f", "SELECT x", args="x integer", returns="integer", language="sql")
    trg = Trigger("tr", "t", "f")
    sql = _sql(_schema(f1, trg), _schema(f2, trg))
    assert sql[:2] == ['DROP TRIGGER "tr" ON "public"."t"', 'DROP FUNCTION "public"."f"(x int)']
    assert sql[2].startswith('CREATE FUNCTION "public"."f"(x integer)')
    assert sql[3].startswith('CREATE TRIGGER "tr"')


def test_one_query_spelled_two_ways_is_no_change() -> None:
    old = _schema(View("v", 'select "id", "v" from "t" where "v" > 1'))
    assert _sql(old, _schema(View("v", "SELECT id, v\nFROM t\nWHERE v > 1;"))) == []
    assert _sql(old, _schema(View("v", "SELECT id, v FROM t WHERE v > 2"))) != []


def test_an_index_added_to_a_materialized_view_spelled_otherwise_is_only_made() -> None:
    """portabase: `pull` writes the server's text of a materialized view whose drizzle-kit snapshot has the author's
    (the same query) and no field for its unique index; the view was dropped and made again (its dependents with it)
    to add an index, which CREATE INDEX alone adds."""
    old = _schema(View("mv", 'select "id", "v" from "t" order by "v" asc', materialized=True))
    new = _schema(View("mv", "SELECT t.id, t.v FROM t ORDER BY t.v", materialized=True,
                       indexes=[ViewIndex("mv_id", "id", unique=True)]))
    assert _sql(old, new) == ['CREATE UNIQUE INDEX "mv_id" ON "public"."mv" USING btree (id)']


def test_plpgsql_variables_of_a_tables_row_type_come_after_the_table() -> None:
    """graphile/starter's reset_password (`v_user app_public.users;`): PostgreSQL resolves a variable's declared
    type when it checks the body at creation, and a variable of a table's row type, named bare, qualified, quoted or
    as an array, made the function before the table; built-in types and names that are no table of the model do
    not move a function."""
    declared = {
        "bare": "r t;", "qualified": "r public.t;", "quoted": 'r "public"."t";', "array": "rs t[];",
        "constant": "r CONSTANT t := NULL;", "nested": "n int; BEGIN DECLARE r t; BEGIN NULL; END;",
    }
    fns = [Function(k, f"<<top>> DECLARE x text := 'a; b t'; -- c t;\n {d} BEGIN RETURN 1; END", returns="integer")
           for k, d in declared.items()]
    plain = Function("plain", "DECLARE n integer; s text; c CURSOR FOR SELECT 1; tt timestamp with time zone; "
                              "u unknown_type; BEGIN RETURN 1; END", returns="integer")
    sql = _sql(make_schema("postgresql"), _schema(*fns, plain))
    assert sql[0].startswith('CREATE FUNCTION "public"."plain"'), sql
    assert sql[1].startswith("CREATE TABLE"), sql
    assert sorted(s.split('"')[3] for s in sql[2:]) == sorted(declared), sql


def test_a_sql_function_reading_a_new_table_and_called_by_a_default_or_check_comes_first_unchecked() -> None:
    """graphile/starter's current_user_id() reads app_private.sessions and is user_emails.user_id's default: made
    after the tables (its body reads one), the CREATE TABLE calling it failed. As pg_dump does, it is made before
    the tables with its body's check off for that statement alone (SET LOCAL, set on again after it: drizzle-orm
    runs every pending migration in one transaction); a function nothing in the tables calls stays after them,
    its body checked."""
    a = Table("a", columns=(Column("id", "integer", not_null=True),), primary_key=PrimaryKey(("id",)))
    cur = Function("cur", "select max(id) from public.a", returns="integer", language="sql", volatility="stable")
    lone = Function("lone", "select min(id) from public.a", returns="integer", language="sql")
    for b in (Table("b", columns=(Column("id", "integer"), Column("a_id", "integer", default="cur()"))),
              Table("b", columns=(Column("id", "integer"),), checks=(CheckConstraint("ck", "id <= cur()"),))):
        new = make_schema("postgresql", tables=[a, b], objects=[cur.to_model(), lone.to_model()])
        sql = _sql(make_schema("postgresql"), new)
        assert sql[0] == "SET LOCAL check_function_bodies = off", sql
        assert sql[1].startswith('CREATE FUNCTION "public"."cur"()'), sql
        assert sql[2] == "SET LOCAL check_function_bodies = on", sql
        assert [s.split('"')[3] for s in sql[3:5]] == ["a", "b"], sql
        assert sql[-1].startswith('CREATE FUNCTION "public"."lone"()'), sql
        # the same from the other side: revert drops it after the tables
        assert _sql(new, make_schema("postgresql"))[-2:] == ['DROP FUNCTION "public"."cur"()',
                                                             'DROP FUNCTION "public"."lone"()']


def test_a_routines_arguments_spelled_otherwise_are_the_same_function() -> None:
    """polar's `generate_customer_short_id(creation_timestamp TIMESTAMP WITH TIME ZONE DEFAULT clock_timestamp())`,
    pulled back as the server prints it (`timestamp with time zone`): the same function, not a DROP FUNCTION
    (which the column default calling it would block) and a CREATE."""
    from mizzle.schema.compare import for_generate, lines

    body = "BEGIN RETURN 1; END"
    code = Function("short_id", body, args="IN ts TIMESTAMP WITH TIME ZONE = clock_timestamp(), n INT4, VARIADIC xs int[]",
                    returns="bigint")
    pulled = Function("short_id", body, returns="bigint",
                      args="ts timestamp with time zone DEFAULT clock_timestamp(), n integer, VARIADIC xs integer[]")
    old, new = for_generate(_schema(code), _schema(pulled))
    assert diff(old, new, Renames(none=True)).changes == []
    assert lines(_schema(code), _schema(pulled)) == []
    # a body changed as well: replaced in place, written in the code's spelling
    changed = Function("short_id", "BEGIN RETURN 2; END", returns="bigint", args=pulled.model.args)
    sql = [s.sql for s in plan(diff(*for_generate(_schema(code), _schema(changed)), Renames(none=True)).changes,
                               "postgresql")]
    assert len(sql) == 1 and sql[0].startswith('CREATE OR REPLACE FUNCTION "public"."short_id"(ts timestamp with'), sql
    # a quoted type name keeps its case, and a type of another name is another function
    quoted = Function("short_id", body, args='ts "MyType"', returns="bigint")
    assert lines(_schema(quoted), _schema(Function("short_id", body, args="ts mytype", returns="bigint")))


def test_a_triggers_function_object_is_declared_with_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A Function held only by the trigger given it (translating polar's alembic_utils PGFunction/PGTrigger into
    `functions = {name: Function(…)}`, a dict the loader does not look in): the migration made the trigger and
    never the function, and failed only when applied."""
    from mizzle.sources.loader import load_metadata

    (tmp_path / "trg_a.py").write_text(
        "import sqlalchemy as sa\nfrom mizzle.pg import Function, Trigger\nmetadata = sa.MetaData()\n"
        "t = sa.Table('t', metadata, sa.Column('id', sa.Integer, primary_key=True))\n"
        "fns = {'touch': Function('touch', 'BEGIN RETURN NEW; END', returns='trigger')}\n"
        "trg = Trigger('t_touch', t, fns['touch'], events=('INSERT',))\n"
        "by_name = Trigger('t_other', t, 'public.elsewhere', events=('INSERT',))\n")
    model = schema_from_metadata(load_metadata(("trg_a.py",), tmp_path))
    assert [f.name for f in model.objects.routines] == ["touch"]
    assert sorted(t.name for t in model.objects.triggers) == ["t_other", "t_touch"]


def test_a_sql_function_reading_a_new_view_is_made_with_its_body_unchecked() -> None:
    """Boundary's hcp_billing_monthly_active_users_last_2_months() is `select * from` the view of that name:
    functions come before views (a view may call one), and PostgreSQL, checking the SQL body, found no such
    relation; so did its wh_upsert_host(), declaring `src whx_host_dimension_target%rowtype` in PL/pgSQL. As pg_dump
    does, the function is made with its body's check off; one reading only tables stays
    checked, and so does one whose view already exists."""
    v = View("recent", "SELECT id, v FROM t")
    reads = Function("recent_all", "select * from recent", returns="SETOF recent", language="sql")
    other = Function("count_t", "select count(*) from t", returns="bigint", language="sql")
    sql = _sql(make_schema("postgresql"), _schema(v, reads, other))
    i = next(i for i, s in enumerate(sql) if s.startswith('CREATE FUNCTION "public"."recent_all"'))
    assert sql[i - 1] == "SET LOCAL check_function_bodies = off", sql
    assert sql[i + 1] == "SET LOCAL check_function_bodies = on", sql
    j = next(i for i, s in enumerate(sql) if s.startswith('CREATE FUNCTION "public"."count_t"'))
    assert "check_function_bodies" not in sql[j - 1], sql
    trg = Function("upsert", "DECLARE src recent%rowtype; BEGIN RETURN NEW; END;", returns="trigger")
    sql = _sql(make_schema("postgresql"), _schema(v, trg))
    i = next(i for i, s in enumerate(sql) if s.startswith('CREATE FUNCTION "public"."upsert"'))
    assert sql[i - 1] == "SET LOCAL check_function_bodies = off", sql
    changed = Function("recent_all", "select * from recent where v > 0", returns="SETOF recent", language="sql")
    assert not any("check_function_bodies" in s for s in _sql(_schema(v, reads), _schema(v, changed)))


def test_a_comment_removed_from_a_primary_keys_index_is_set_to_null() -> None:
    # apgdiff's drop_comments: COMMENT ON INDEX test_pkey IS 'primary key' gone from the new schema; generate wrote
    # nothing for it (the key's index was not among the indexes still there) and drift then found the comment
    for key in (PrimaryKey(("id",)), PrimaryKey(("id",), name="t_key")):
        name = key.name or "t_pkey"
        with_comment = T.with_(primary_key=key, comments=(("index", name, "primary key"),))
        sql = _sql(make_schema("postgresql", tables=[with_comment]), make_schema("postgresql", tables=[T.with_(
            primary_key=key)]))
        assert sql == [f'COMMENT ON INDEX "public"."{name}" IS NULL']


def test_an_index_or_check_calling_a_function_made_again_is_dropped_before_it_and_made_after() -> None:
    """PostgreSQL refuses DROP FUNCTION while an index or CHECK calls it (PyPI's warehouse: the index
    project_name_ultranormalized on ultranormalize_name(name)); one changed by the table's own diff too."""
    from mizzle.schema.model import Index, IndexColumn

    f1 = Function("norm", "SELECT lower($1)", args="text", returns="text", language="sql", volatility="immutable")
    f2 = Function("norm", "SELECT lower($1)", args="text", returns="varchar", language="sql", volatility="immutable")
    ix = Index("t_norm", (IndexColumn("norm(v::text)", is_expression=True),))
    t1 = T.with_(checks=(CheckConstraint("t_v", "norm(v::text) <> ''"),), indexes=(ix,))
    t2 = t1.with_(checks=(CheckConstraint("t_v", "norm(v::text) <> 'x'"),))
    sql = _sql(_schema(f1, table=t1), _schema(f2, table=t2))
    fn = sql.index('DROP FUNCTION "public"."norm"(text)')
    assert sql.index('DROP INDEX "public"."t_norm"') < fn and sql.index(
        'ALTER TABLE "public"."t" DROP CONSTRAINT "t_v"') < fn, sql
    made = next(i for i, s in enumerate(sql) if s.startswith('CREATE FUNCTION "public"."norm"'))
    assert any(s.startswith('CREATE INDEX "t_norm"') for s in sql[made:]), sql
    assert any('ADD CONSTRAINT "t_v" CHECK' in s for s in sql[made:]), sql


def test_an_index_of_a_table_dropped_calling_a_function_made_again_is_dropped_before_it() -> None:
    from mizzle.schema.model import Index, IndexColumn, make_schema

    f1 = Function("norm", "SELECT lower($1)", args="text", returns="text", language="sql", volatility="immutable")
    f2 = Function("norm", "SELECT lower($1)", args="text", returns="varchar", language="sql", volatility="immutable")
    gone = Table("gone", columns=(Column("v", "text"),),
                 indexes=(Index("gone_norm", (IndexColumn("norm(v)", is_expression=True),)),))
    old = make_schema("postgresql", tables=[T, gone], objects=[f1.to_model()])
    sql = _sql(old, _schema(f2))
    assert sql.index('DROP INDEX "public"."gone_norm"') < sql.index('DROP FUNCTION "public"."norm"(text)') \
        < sql.index('DROP TABLE "public"."gone"'), sql


def test_a_body_starting_return_in_another_language_is_quoted() -> None:
    # postgres_air's passenger_age_category_select: a quoted body starting `return query` (PL/Python's and PL/v8's
    # `return x` alike) was read as a SQL-standard body and written without dollar quotes
    py = Function("twice", "return x * 2", args="x integer", returns="integer", language="plpython3u")
    assert py.to_model().language == "plpython3u" and py.to_model().body == "return x * 2"
    pulled = replace(Function("rows_of", "BEGIN RETURN; END", returns="SETOF t").to_model(),
                     body="\nreturn query select * from t;\nend;\n")  # as a server made with the check off holds it
    sql = "\n".join(_sql(_schema(), make_schema("postgresql", tables=[T], objects=[py.to_model(), pulled])))
    assert "AS $$return x * 2$$" in sql and "AS $$\nreturn query select * from t;\nend;\n$$" in sql, sql
    assert Function("one", "RETURN 1", returns="integer").to_model().language == "sql"


def test_a_function_whose_defaults_change_is_replaced_unless_postgresql_refuses() -> None:
    """immich: a default changed in place (clock_timestamp() → now()) dropped the function. PostgreSQL replaces
    it while no default is removed and no argument renamed."""
    def f(args: str, comment: str = "f") -> Function:
        return Function("f", "SELECT x", args=args, returns="integer", language="sql", comment=comment)

    old = f("x int, y int DEFAULT 1")
    for args in ("x int, y int DEFAULT 2", "x int DEFAULT 0, y int DEFAULT 1"):
        sql = _sql(_schema(old), _schema(f(args)))
        assert len(sql) == 1 and sql[0].startswith(f'CREATE OR REPLACE FUNCTION "public"."f"({args})'), sql
    for args in ("x int, y int", "x int, z int DEFAULT 1"):  # a default removed, an argument renamed
        sql = _sql(_schema(old), _schema(f(args)))
        assert sql[0] == 'DROP FUNCTION "public"."f"(x int, y int)' and sql[1].startswith("CREATE FUNCTION"), sql
    sql = _sql(_schema(old), _schema(f("x int, y int DEFAULT 2", "g")))  # a comment changed along: set on it
    assert sql[0].startswith("CREATE OR REPLACE") and sql[1:] == [
        'COMMENT ON FUNCTION "public"."f"(x int, y int) IS \'g\''], sql
