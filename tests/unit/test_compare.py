"""schema/compare.py without a server: canonical forms of names, enum types, identity bounds and operator
classes, and one message per changed object naming both values (issue 14 items 3-7)."""

from __future__ import annotations

from dataclasses import replace

from mizzle.schema.compare import lines
from mizzle.schema.model import (
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Identity,
    Index,
    IndexColumn,
    PrimaryKey,
    Schema,
    Table,
    UniqueConstraint,
    make_schema,
)


def _schema(*tables: Table, enums: tuple[Enum, ...] = ()) -> Schema:
    return make_schema("postgresql", tables, enums)


POSTS = Table(name="posts", schema="public",
              columns=(Column("id", "uuid", not_null=True), Column("published", "boolean"),
                       Column("author_id", "integer")),
              primary_key=PrimaryKey(("id",)),
              indexes=(Index("posts_published_idx", (IndexColumn("id"),), where='"published" = true'),))


def test_a_changed_index_is_one_line_with_both_values() -> None:
    changed = replace(POSTS, indexes=(replace(POSTS.indexes[0], where='"published" = false'),))
    assert lines(_schema(POSTS), _schema(changed)) == [
        '~ index posts_published_idx on posts: where "published" = true → "published" = false']


def test_an_index_predicate_of_true_is_no_predicate() -> None:
    """drizzle-kit's own tests/indexes/pg.test.ts: `.where(sql`true`)` is `"where": "true"` in its snapshot, and
    PostgreSQL keeps no predicate: a model pulled from that database (or written without one) is no change, where
    `generate` dropped and made three such indexes again."""
    bare = replace(POSTS, indexes=(replace(POSTS.indexes[0], where=None),))
    for spelled in ("true", "(TRUE)"):
        assert lines(_schema(replace(POSTS, indexes=(replace(POSTS.indexes[0], where=spelled),))), _schema(bare)) == []
    assert lines(_schema(replace(POSTS, indexes=(replace(POSTS.indexes[0], where="false"),))), _schema(bare)) != []


def test_a_changed_primary_key_is_one_line() -> None:
    changed = replace(POSTS, primary_key=PrimaryKey(("id", "author_id")))
    assert lines(_schema(POSTS), _schema(changed)) == ["~ primary key on posts: (id) → (id, author_id)"]


def test_a_key_only_one_side_has_is_added_or_dropped() -> None:
    # inkeep/agents' runtime 0011: drizzle-kit left the key's DROP CONSTRAINT commented out ("Unfortunately in current
    # drizzle-kit version we can't automatically get name for primary key"), so the database kept a key its snapshot
    # no longer has; verify and drift said "~ primary key on … (id)", a change of a key the snapshot does not have
    keyless = replace(POSTS, primary_key=None)
    assert lines(_schema(keyless), _schema(POSTS)) == ["+ primary key on posts (id)"]
    assert lines(_schema(POSTS), _schema(keyless)) == ["- primary key on posts"]


def test_a_key_name_made_of_its_columns_follows_them_silently() -> None:
    # SQLite stores no key name: drizzle-kit's <table>_<columns>_pk changes with the columns, no difference of its own
    t = Table(name="r", schema="public", columns=(Column("a", "text", not_null=True), Column("b", "text", not_null=True)),
              primary_key=PrimaryKey(("a", "b"), "r_a_b_pk"))
    swapped = replace(t, primary_key=PrimaryKey(("b", "a"), "r_b_a_pk"))
    assert lines(_schema(t), _schema(swapped)) == ["~ primary key on r: (a, b) → (b, a)"]
    renamed = replace(t, primary_key=PrimaryKey(("b", "a"), "r_key"))
    assert lines(_schema(t), _schema(renamed)) == ["~ primary key on r: (a, b) → (b, a), name r_a_b_pk → r_key"]


def test_a_changed_default_and_check_name_both_values() -> None:
    a = replace(POSTS, columns=(*POSTS.columns[:2], Column("author_id", "integer", default="1")),
                checks=(CheckConstraint("posts_author_check", "author_id > 0"),))
    b = replace(a, columns=(*POSTS.columns[:2], Column("author_id", "integer", default="2")),
                checks=(CheckConstraint("posts_author_check", "author_id > 1"),))
    assert sorted(lines(_schema(a), _schema(b))) == [
        "~ check posts_author_check on posts: author_id > 0 → author_id > 1",
        "~ column posts.author_id: default 1 → 2"]


def test_names_over_63_bytes_compare_as_postgresql_truncates_them() -> None:
    long = "posts_author_id_users_id_fk_" + "x" * 60
    fk = ForeignKey(long, ("author_id",), "users", ("id",))
    users = Table(name="users", schema="public", columns=(Column("id", "integer", not_null=True),),
                  primary_key=PrimaryKey(("id",)))
    a = _schema(replace(POSTS, foreign_keys=(fk,)), users)
    b = _schema(replace(POSTS, foreign_keys=(replace(fk, name=long[:63]),)), users)
    assert lines(a, b) == []
    c = _schema(replace(POSTS, foreign_keys=(replace(fk, name=long[:63], on_delete="cascade"),)), users)
    assert lines(a, c) == [f"~ foreign key {long[:63]} on posts: on delete no action → cascade"]


def test_default_operator_classes_and_schema_qualifiers() -> None:
    a = replace(POSTS, indexes=(Index("i", (IndexColumn("id", opclass="uuid_ops"),)),
                                Index("j", (IndexColumn("author_id", opclass="public.gin_trgm_ops"),), method="gin")))
    b = replace(POSTS, indexes=(Index("i", (IndexColumn("id"),)),
                                Index("j", (IndexColumn("author_id", opclass="gin_trgm_ops"),), method="gin")))
    assert lines(_schema(a), _schema(b)) == []
    c = replace(POSTS, indexes=(Index("i", (IndexColumn("id", opclass="uuid_minmax_ops"),)), b.indexes[1]))
    assert lines(_schema(b), _schema(c)) == ["~ index i on posts: columns (id) → (id uuid_minmax_ops)"]


def test_operator_class_parameters_count_on_a_default_class_too() -> None:
    """atlas's index-operator-class: `tsvector_ops(siglen=8)` as written equals the server's
    `tsvector_ops (siglen='8')`, and differs from the plain default class and from another siglen."""
    def gist(opclass: str | None, expr: bool = False) -> Table:
        col = IndexColumn("author_id" + (f" {opclass}" if expr else ""), is_expression=expr,
                          opclass=None if expr else opclass)
        return replace(POSTS, indexes=(Index("i", (col,), method="gist"),))
    written, server = gist("tsvector_ops(siglen=8)"), gist("tsvector_ops (siglen='8')")
    assert lines(_schema(written), _schema(server)) == []
    assert lines(_schema(gist("tsvector_ops(siglen=8)", expr=True)), _schema(server)) == []
    assert lines(_schema(server), _schema(gist("tsvector_ops (siglen='9')"))) != []
    assert lines(_schema(server), _schema(gist(None))) != []


def test_expression_index_columns_keep_desc_and_opclass_apart() -> None:
    a = replace(POSTS, indexes=(Index("i", (IndexColumn("lower(name) DESC", is_expression=True),)),))
    b = replace(POSTS, indexes=(Index("i", (IndexColumn("lower(name)", is_expression=True, asc=False,
                                                        nulls="first"),)),))
    assert lines(_schema(a), _schema(b)) == []


def test_old_snapshot_enum_case_and_float_identity_bound() -> None:
    roles = Enum("Roles", ("admin", "user"))
    col = Column("role", "roles")  # a v5/v6 snapshot without typeSchema, lower-cased
    ident = Identity("byDefault", "t_id_seq", "1", "1", "1", "9223372036854776000", "1")
    t = Table(name="t", schema="public", columns=(Column("id", "bigint", not_null=True, identity=ident), col))
    live = Table(name="t", schema="public", columns=(
        Column("id", "bigint", not_null=True, identity=replace(ident, max_value="9223372036854775807")),
        Column("role", "Roles", type_schema="public")))
    assert lines(_schema(t, enums=(roles,)), _schema(live, enums=(roles,))) == []


def test_a_builtin_type_is_not_taken_for_an_enum_of_its_name_in_another_case() -> None:
    """Openpanel-dev/openpanel's Prisma folder: enum "Interval" and reports."interval" "Interval". A database whose
    column had become the built-in interval gave 'no drift': the live column, of no schema, was read as a lower-cased
    enum of an old snapshot and taken for "Interval"."""
    interval = Enum("Interval", ("hour", "day"))
    snap = Table(name="reports", schema="public", columns=(Column("interval", "Interval", type_schema="public"),))
    live = Table(name="reports", schema="public", columns=(Column("interval", "interval"),))
    assert lines(_schema(snap, enums=(interval,)), _schema(live, enums=(interval,))) == [
        "~ column reports.interval: type Interval → interval"]
    assert lines(_schema(live, enums=(interval,)), _schema(live, enums=(interval,))) == []


def test_unnamed_constraints_match_by_definition_and_comments_only_where_held() -> None:
    a = replace(POSTS, uniques=(UniqueConstraint("posts_author_id_unique", ("author_id",)),), comment=None)
    b = replace(POSTS, uniques=(UniqueConstraint("posts_author_id_key", ("author_id",)),), comment="by hand")
    assert lines(_schema(a), _schema(b), comments=False) == []
    assert lines(_schema(a), _schema(b)) == ["~ comment on table posts: none → 'by hand'"]


def test_canonical_forms_remembered_keep_the_fields_equality_ignores() -> None:
    """compare.canonical remembers tables by value; a column's `using`, a key's server name are not part of that
    value, so a table seen before without them must not lend its canonical form to one with them."""
    from mizzle.schema.compare import canonical
    from mizzle.schema.model import Column, PrimaryKey, Table, make_schema

    plain = Table("t", columns=(Column("id", "integer", not_null=True), Column("v", "bigint")), primary_key=PrimaryKey(("id",)))
    with_extra = plain.with_(columns=(plain.columns[0], Column("v", "bigint", using="v::bigint")),
                             primary_key=PrimaryKey(("id",), server_name="old_pkey"))
    canonical(make_schema("postgresql", [plain]))
    again = canonical(make_schema("postgresql", [with_extra])).tables[0]
    assert again.columns[1].using == "v::bigint" and again.primary_key is not None
    assert again.primary_key.server_name == "old_pkey"


def test_a_check_added_not_valid_by_hand_says_so_not_its_respelled_condition() -> None:
    # a drizzle-kit snapshot spells the condition with table-qualified columns; the server deparses it without
    # them. Added NOT VALID in hand-written SQL, only the flag differs (was: the line showed both texts only)
    snap = CheckConstraint("posts_live_chk", '"posts"."published" OR "posts"."author_id" IS NOT NULL')
    live = CheckConstraint("posts_live_chk", 'published OR author_id IS NOT NULL', not_valid=True)
    assert lines(_schema(replace(POSTS, checks=(snap,))), _schema(replace(POSTS, checks=(live,)))) == [
        "~ check posts_live_chk on posts: not valid False → True"]
    other = replace(live, expression="published")  # a condition that differs in meaning: both texts, and the flag
    assert lines(_schema(replace(POSTS, checks=(snap,))), _schema(replace(POSTS, checks=(other,)))) == [
        '~ check posts_live_chk on posts: "posts"."published" OR "posts"."author_id" IS NOT NULL → published, '
        "not valid False → True"]


def test_default_null_is_no_default() -> None:
    # `ADD COLUMN c jsonb DEFAULT NULL`: drizzle-kit's snapshot says "default": "NULL", PostgreSQL stores no default
    # for a NULL constant (cast or not); verify and drift said "~ column …: drop default"
    col = Column("meta", "jsonb")
    for spelled in ("NULL", "null", "NULL::jsonb", "(NULL)::jsonb"):
        snap = replace(POSTS, columns=(*POSTS.columns, replace(col, default=spelled)))
        assert lines(_schema(snap), _schema(replace(POSTS, columns=(*POSTS.columns, col)))) == [], spelled
    quoted = replace(POSTS, columns=(*POSTS.columns, replace(col, default="'null'::jsonb")))  # JSON null: a default
    assert lines(_schema(quoted), _schema(replace(POSTS, columns=(*POSTS.columns, col)))) == [
        "~ column posts.meta: drop default"]


def test_subquery_column_named_as_the_server_names_it() -> None:
    # drizzle-kit keeps a policy's text as the schema code wrote it; the server stores a scalar subquery's column
    # under the name it figures (`AS uid`, `AS current_setting`): the same expression (seen in a real folder's
    # policies, compared after `pull` by `generate --check`, where no server is asked)
    from mizzle.dialects.postgres.expressions import expression_key

    written = ("exists (select 1 from members where members.org_id = \"orgs\".\"id\" "
               "and members.user_id = (select auth.uid()))")
    stored = ("(EXISTS ( SELECT 1\n   FROM members\n  WHERE members.org_id = orgs.id AND members.user_id = "
              "(( SELECT auth.uid() AS uid))))")
    assert expression_key(written) == expression_key(stored)
    assert expression_key("(select current_setting('app.x'))") == \
        expression_key("( SELECT current_setting('app.x'::text) AS current_setting)")
    assert expression_key("(select auth.uid() as other)") != expression_key("(select auth.uid())")


def test_subquery_column_of_exists_case_coalesce_named_as_the_server_names_it() -> None:
    # pohlai88/AFENA-TEMPLATE's Neon crud policies, `(select EXISTS (SELECT 1 FROM migration_jobs WHERE …))`, are
    # stored `( SELECT (EXISTS ( SELECT 1 …)) AS "exists")`: after `pull`, `generate --check` (no server asked) said
    # 4 policies changed. PostgreSQL names an EXISTS, CASE, COALESCE, GREATEST, NULLIF, ARRAY, ROW and CURRENT_USER
    # column so too (each stored form below read back from PostgreSQL 15's pg_policies)
    from mizzle.dialects.postgres.expressions import expression_key

    pairs = [
        ("(select EXISTS (SELECT 1 FROM jobs WHERE jobs.id = \"reports\".\"job_id\" AND jobs.org_id = "
         "auth.org_id()::uuid))",
         "( SELECT (EXISTS ( SELECT 1\n   FROM jobs\n  WHERE jobs.id = reports.job_id AND jobs.org_id = "
         "auth.org_id()::uuid)) AS \"exists\")"),
        ("(select coalesce(a, 0) from t t3 limit 1) = 1",
         "(( SELECT COALESCE(t3.a, 0) AS \"coalesce\"\n   FROM t t3\n LIMIT 1) = 1)"),
        ("(select case when b > 0 then 1 end from t t3 limit 1) = 1",
         "(( SELECT\n        CASE\n            WHEN (t3.b > 0) THEN 1\n            ELSE NULL::integer\n        END "
         "AS \"case\"\n   FROM t t3\n LIMIT 1) = 1)"),
        ("(select array[1,2]) = array[a]", "(( SELECT ARRAY[1, 2] AS \"array\") = ARRAY[a])"),
        ("(select greatest(a,b) from t t3 limit 1) = 1",
         "(( SELECT GREATEST(t3.a, t3.b) AS \"greatest\"\n   FROM t t3\n LIMIT 1) = 1)"),
        ("(select current_user) = 'x'", "(( SELECT CURRENT_USER AS \"current_user\") = 'x'::name)"),
        ("(select nullif(a,b) from t t3 limit 1) = 1",
         "(( SELECT NULLIF(t3.a, t3.b) AS \"nullif\"\n   FROM t t3\n LIMIT 1) = 1)"),
        ("(select row(1,2)) is not null", "(( SELECT ROW(1, 2) AS \"row\") IS NOT NULL)"),
        ("(select array(select 1)) is not null", "(( SELECT ARRAY( SELECT 1) AS \"array\") IS NOT NULL)"),
    ]
    for written, stored in pairs:
        assert expression_key(written) == expression_key(stored), written
    # a name of the author's own is not the server's: still a difference
    assert expression_key("(select exists (select 1) as e)") != expression_key("(select exists (select 1))")
    assert expression_key("(select least(a, b) as greatest from t)") != expression_key("(select least(a, b) from t)")


def test_interval_in_an_expression_as_the_server_prints_it() -> None:
    # `now() + interval '15 minutes'` (a real folder's default) is stored `now() + '00:15:00'::interval`
    from mizzle.dialects.postgres.expressions import expression_key
    from mizzle.dialects.postgres.types import default_key

    assert expression_key("now() + interval '15 minutes'") == expression_key("now() + '00:15:00'::interval")
    assert default_key("now() + interval '2 hours'", "timestamp") == default_key("now() + '02:00:00'::interval",
                                                                              "timestamp")
    assert expression_key("now() + interval '15 minutes'") != expression_key("now() + interval '15 seconds'")
    assert default_key("'90 minutes'", "interval") == "'01:30:00'"


def test_a_policy_made_again_is_one_line_with_both_values() -> None:
    # tambo's snapshot holds an INSERT policy with `using` (drizzle-kit's spelling) where its SQL has WITH CHECK: the
    # policy is dropped and made again, and the two were told apart ("- policy …" and "+ policy …")
    from mizzle.schema.security import Policy

    before = replace(POSTS, policies=(Policy("ins", for_="INSERT", to=("authenticated",), using="true"),))
    after = replace(POSTS, policies=(Policy("ins", for_="INSERT", to=("authenticated",), with_check="true"),))
    assert lines(_schema(before), _schema(after)) == ["~ policy ins on posts: using true → none, with check none → true"]
    moved = replace(POSTS, policies=(Policy("ins", for_="UPDATE", to=("authenticated",), using="true"),))
    assert lines(_schema(before), _schema(moved)) == ["~ policy ins on posts: for INSERT → UPDATE"]


def test_a_policy_line_names_only_what_differs_in_meaning() -> None:
    # flowglad: a policy recreated `TO public` by hand; the server prints its USING in its own spelling, which is not
    # a difference (the line listed it, with the server's line break in it)
    from mizzle.schema.security import Policy

    snap = replace(POSTS, policies=(Policy("own", to=("authenticated",),
                                           using='"author_id" in (select "id" from "authors")'),))
    live = replace(POSTS, policies=(Policy("own", to=("public",),
                                           using="(author_id IN ( SELECT authors.id\n   FROM authors))"),))
    assert lines(_schema(snap), _schema(live)) == ["~ policy own on posts: to (authenticated) → (public)"]
    other = replace(POSTS, policies=(Policy("own", to=("authenticated",),
                                            using="(author_id IN ( SELECT authors.id\n   FROM readers))"),))
    assert lines(_schema(snap), _schema(other)) == [
        '~ policy own on posts: using "author_id" in (select "id" from "authors") → '
        "(author_id IN ( SELECT authors.id FROM readers))"]


def test_a_policy_name_over_63_bytes_is_the_one_postgresql_keeps() -> None:
    # flowglad: drizzle-kit's snapshot keeps the long name its SQL gives; the server cuts it to 63 bytes
    from mizzle.schema.security import Policy

    long = "Enable read for own organizations (subscription_meter_period_calculations)"
    snap = replace(POSTS, policies=(Policy(long, using="true"),))
    live = replace(POSTS, policies=(Policy(long.encode()[:63].decode(), using="true"),))
    assert lines(_schema(snap), _schema(live)) == []


def test_an_enum_column_without_a_type_schema_is_the_public_enum() -> None:
    # onlook: drizzle-kit 0.31 writes no typeSchema for `pgEnum(name, TsEnum)` columns; the server holds public's
    kind = Enum("frame_type", ("web",), "public")
    snap = replace(POSTS, columns=(*POSTS.columns, Column("type", "frame_type", not_null=True)))
    live = replace(POSTS, columns=(*POSTS.columns, Column("type", "frame_type", not_null=True, type_schema="public")))
    assert lines(_schema(snap, enums=(kind,)), _schema(live, enums=(kind,))) == []
    # flowglad 0007: a snapshot placing the server's own `interval` in public differs in that only, and says so
    odd = replace(POSTS, columns=(*POSTS.columns, Column("every", "interval", type_schema="public")))
    plain = replace(POSTS, columns=(*POSTS.columns, Column("every", "interval")))
    assert lines(_schema(odd), _schema(plain)) == ["~ column posts.every: type public.interval → interval"]


def test_an_enum_array_column_without_a_type_schema_is_its_tables_schemas_enum() -> None:
    # zoriya/Kyoo's 0000-0019 snapshots (drizzle-kit 0.x): `"type": "genres[]"` with no typeSchema on a table of
    # pgSchema("kyoo"), whose SQL says "kyoo"."genres"[]; no public enum of that name. verify failed 20 steps on it
    genres = Enum("genres", ("action", "drama"), "kyoo")
    shows = Table(name="shows", schema="kyoo", columns=(Column("pk", "integer", not_null=True),))
    snap = replace(shows, columns=(*shows.columns, Column("genres", "genres[]", not_null=True)))
    live = replace(shows, columns=(*shows.columns, Column("genres", "genres[]", not_null=True, type_schema="kyoo")))
    assert lines(_schema(snap, enums=(genres,)), _schema(live, enums=(genres,))) == []
    # a public enum of that name is the one the server finds (the search path), as before
    both = (genres, Enum("genres", ("x",), "public"))
    assert lines(_schema(snap, enums=both), _schema(live, enums=both)) == [
        "~ column kyoo.shows.genres: type public.genres[] → kyoo.genres[]"]


def test_a_foreign_key_made_again_by_the_plan_is_no_difference() -> None:
    # flowglad: a primary key dropped by hand; the plan drops and adds again each foreign key referencing it, and
    # those read `~ foreign key …: changed` although nothing of theirs differs
    keys = Table(name="keys", schema="public", columns=(Column("id", "text", not_null=True),),
                 primary_key=PrimaryKey(("id",)))
    uses = Table(name="uses", schema="public", columns=(Column("key_id", "text"),),
                 foreign_keys=(ForeignKey("uses_key_id_fk", ("key_id",), "keys", ("id",)),))
    unique = replace(keys, primary_key=None, uniques=(UniqueConstraint("keys_id_unique", ("id",)),))
    assert lines(_schema(keys, uses), _schema(unique, uses)) == [
        "- primary key on keys", "+ unique keys_id_unique on keys(id)"]
    # generate's own summary of such a plan (the drop and the add are its steps) says why, not "changed" (cosmo)
    from mizzle.dialects import get
    from mizzle.schema.compare import describe_all, for_generate
    from mizzle.schema.diff import Renames, diff

    plan = diff(*for_generate(_schema(keys, uses), _schema(unique, uses)), Renames(none=True)).changes
    assert "~ foreign key uses_key_id_fk on uses: dropped and added again, unchanged (the key it references " \
           "changes)" in describe_all(plan, get("postgresql").reader)


def test_a_trigger_definition_not_understood_is_told_at_once() -> None:
    # Lemmy: `… ON public.community_actions REFERENCING OLD TABLE …` made the trigger pattern backtrack exponentially
    # in the table name's length (pull, drift and verify never ended); 16 characters took seconds, now microseconds.
    # Transition tables are read since (coder's chat history triggers); a FROM clause still is not
    import time

    from mizzle.dialects.postgres.introspect_objects import _TRIGGER

    text = ("CREATE TRIGGER update_statement AFTER UPDATE ON public.community REFERENCING OLD TABLE AS o "
            "NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION r.community_aggregates_from_statement()")
    unread = ("CREATE CONSTRAINT TRIGGER update_statement AFTER UPDATE ON public.community_actions FROM "
              "public.community_actions_other NOT DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION f()")
    started = time.perf_counter()
    assert _TRIGGER.match(text) is not None and _TRIGGER.match(unread) is None
    assert time.perf_counter() - started < 0.5


def test_generates_column_line_names_a_types_schema_and_a_collation() -> None:
    # an enum moved to another schema (SQLAlchemy 2.1 with MetaData(schema="app")), a collation added: generate
    # printed "~ column t.e: " with nothing after it
    from mizzle.schema.changes import AlterColumn

    e = Column("e", "e1", type_schema="public")
    s = Column("s", "varchar(10)")
    assert AlterColumn(("public", "t"), e, replace(e, type_schema="app")).describe() == \
        "~ column t.e: type public.e1 → app.e1"
    assert AlterColumn(("public", "t"), s, replace(s, collation="C")).describe() == \
        "~ column t.s: collation default → C"


def test_a_check_made_again_over_a_retyped_column_says_so() -> None:
    # the plan drops a check reading a column whose type changes and adds it again; the summary read
    # "~ check t_check on t: n > 0 → n > 0" (OpenStack models on SQLite)
    from mizzle.dialects import get
    from mizzle.schema.compare import describe_all
    from mizzle.schema.diff import Renames, diff

    t = Table(name="t", schema="public", columns=(Column("n", "integer"),), checks=(CheckConstraint("t_check", "n > 0"),))
    plan = diff(_schema(t), _schema(replace(t, columns=(Column("n", "bigint"),))), Renames(none=True)).changes
    assert "~ check t_check on t: dropped and added again, unchanged (a column it reads changes type)" in \
        describe_all(plan, get("postgresql").reader), describe_all(plan, get("postgresql").reader)


def test_a_check_or_view_made_again_over_a_retyped_column_is_no_difference() -> None:
    # negation-game: a column widened by hand; the plan drops and adds again the check and the view reading it
    # (PostgreSQL checks a check again in its stored form; a view holds its columns' types), and drift read
    # `~ check …` and `~ view …: changed` beside the one difference, the column's type
    from mizzle.schema.objects import View

    t = Table(name="t", schema="public", columns=(Column("id", "integer", not_null=True), Column("code", "varchar(10)")),
              primary_key=PrimaryKey(("id",)), checks=(CheckConstraint("code_nonempty", "length((code)::text) > 0"),))
    wide = replace(t, columns=(t.columns[0], Column("code", "varchar(20)")))
    v = View("v", "SELECT t.id, t.code FROM t")
    assert lines(make_schema("postgresql", (t,), objects=(v,)), make_schema("postgresql", (wide,), objects=(v,))) == [
        "~ column t.code: type varchar(10) → varchar(20)"]
    # a check or view that does change over it still says so
    other = replace(wide, checks=(CheckConstraint("code_nonempty", "length((code)::text) > 1"),))
    assert lines(make_schema("postgresql", (t,), objects=(v,)),
                 make_schema("postgresql", (other,), objects=(View("v", "SELECT t.id FROM t"),))) == [
        "~ column t.code: type varchar(10) → varchar(20)",
        "~ check code_nonempty on t: length((code)::text) > 0 → length((code)::text) > 1",
        "~ view v: definition SELECT t.id, t.code FROM t → SELECT t.id FROM t"]


def test_a_generated_column_made_again_over_a_retyped_column_is_no_difference() -> None:
    # arize-phoenix's alembic-built database against its models: `agent_session_messages.id` bigint where the models
    # say serial; the plan drops and adds again the stored generated column `message_id`, whose expression
    # `(message ->> 'id')` holds the retyped column's name (PostgreSQL refuses to retype a column a generated column
    # uses), and baseline read `- column agent_session_messages.message_id` and `+ column …message_id varchar not
    # null` beside the one difference, the type of `id`
    gen = Column("message_id", "varchar", not_null=True, generated="((message ->> 'id'::text))::character varying")
    t = Table(name="m", schema="public", columns=(Column("id", "integer", not_null=True),
                                                   Column("message", "jsonb", not_null=True), gen),
              primary_key=PrimaryKey(("id",)))
    wide = replace(t, columns=(Column("id", "bigint", not_null=True), *t.columns[1:]))
    assert lines(_schema(t), _schema(wide)) == ["~ column m.id: type integer → bigint"]
    # a generated column that does change over it still says so
    other = replace(wide, columns=(*wide.columns[:2], replace(gen, generated="(message ->> 'key'::text)")))
    assert lines(_schema(t), _schema(other)) == [
        "~ column m.id: type integer → bigint",
        "~ column m.message_id: generated ((message ->> 'id'::text))::character varying → (message ->> 'key'::text)"]


def test_a_changed_key_kept_under_its_0x_name_is_one_line_with_that_name() -> None:
    # kan, converted by `up` (drizzle-kit 1.x's layout): a snapshot's foreign key left unnamed by the code is keyed
    # `…_fkey` (the 1.x default) with the 0.x name `…_fk` the server has (server_name); verify, replaying a migration
    # that set ON DELETE, read "- foreign key board_createdBy_user_id_fkey" (a name nowhere) and "+ … _fk"
    fk = ForeignKey("posts_author_id_users_id_fkey", ("author_id",), "users", ("id",),
                    server_name="posts_author_id_users_id_fk")
    users = Table(name="users", schema="public", columns=(Column("id", "integer", not_null=True),),
                  primary_key=PrimaryKey(("id",)))
    snapshot = _schema(replace(POSTS, foreign_keys=(fk,)), users)
    server = _schema(replace(POSTS, foreign_keys=(replace(fk, name="posts_author_id_users_id_fk", server_name=None,
                                                          on_delete="set null"),)), users)
    assert lines(snapshot, server) == ["~ foreign key posts_author_id_users_id_fk on posts: on delete no action → set null"]
    assert lines(server, snapshot) == ["~ foreign key posts_author_id_users_id_fk on posts: on delete set null → no action"]
    ix = Index("posts_author_id_index", (IndexColumn("author_id"),), server_name="posts_author_idx")
    assert lines(_schema(replace(POSTS, indexes=(ix,))),
                 _schema(replace(POSTS, indexes=(replace(ix, name="posts_author_idx", server_name=None,
                                                         unique=True),)))) == [
        "~ index posts_author_idx on posts: unique"]
    # the code's side keeps the name it gives: an ON DELETE changed in the code is one line under that name
    code = _schema(replace(POSTS, foreign_keys=(replace(fk, server_name=None, on_delete="cascade"),)), users)
    assert lines(snapshot, code) == ["~ foreign key posts_author_id_users_id_fkey on posts: on delete no action → cascade"]


def test_a_key_kept_under_its_0x_name_and_gone_from_one_side_is_named_as_the_server_names_it() -> None:
    # kaneo, converted by `up`: 0015's SQL drops apikey's foreign key apikey_reference_id_user_id_fk, which the
    # snapshots keep (keyed `…_fkey`, the 1.x default, with the 0.x name as server_name): verify and drift read
    # "- foreign key apikey_reference_id_user_id_fkey", a name neither the snapshot file nor any database has
    fk = ForeignKey("posts_author_id_users_id_fkey", ("author_id",), "users", ("id",),
                    server_name="posts_author_id_users_id_fk")
    users = Table(name="users", schema="public", columns=(Column("id", "integer", not_null=True),),
                  primary_key=PrimaryKey(("id",)))
    ix = Index("posts_author_id_index", (IndexColumn("author_id"),), server_name="posts_author_idx")
    snapshot = _schema(replace(POSTS, foreign_keys=(fk,), indexes=(*POSTS.indexes, ix)), users)
    server = _schema(POSTS, users)
    assert lines(snapshot, server) == ["- foreign key posts_author_id_users_id_fk on posts",
                                       "- index posts_author_idx on posts"]


def test_a_unique_left_unnamed_on_the_primary_key_column_is_folded_into_the_key() -> None:
    # homarr's schema through drizzle-kit 1.x: `settingKey: varchar().unique().primaryKey()` is written
    # `"settingKey" varchar(64) PRIMARY KEY UNIQUE`, and PostgreSQL keeps one index, the key, named
    # `serverSetting_pkey`; the snapshot's unique `serverSetting_settingKey_key` read as dropped by verify and drift
    t = Table(name="serverSetting", schema="public", columns=(Column("settingKey", "varchar(64)", not_null=True),),
              primary_key=PrimaryKey(("settingKey",)),
              uniques=(UniqueConstraint("serverSetting_settingKey_key", ("settingKey",)),))
    for server_pk in (PrimaryKey(("settingKey",)), PrimaryKey(("settingKey",), "serverSetting_pkey")):
        server = replace(t, primary_key=server_pk, uniques=())
        assert lines(_schema(t), _schema(server)) == []
    # a unique the code names otherwise is no such fold: PostgreSQL would have given the key its name
    named = replace(t, uniques=(UniqueConstraint("setting_key_uq", ("settingKey",)),))
    assert lines(_schema(named), _schema(replace(t, uniques=()))) == ["- unique setting_key_uq on serverSetting"]
    # generate: the code without it (a pulled model: the server has none) is no change either, while a unique
    # of the code's own on those columns is one (tests/unit/test_pk_unique_fold_generate.py)
    from mizzle.schema.compare import for_generate
    from mizzle.schema.diff import Renames, diff

    old, new = for_generate(_schema(t), _schema(replace(t, uniques=())))
    assert diff(old, new, Renames(none=True)).changes == []
    old, new = for_generate(_schema(t), _schema(named))
    assert [c.describe() for c in diff(old, new, Renames(none=True)).changes] == [
        "~ constraint serverSetting_settingKey_key → setting_key_uq on serverSetting (rename)"]


def test_a_default_cast_to_another_type_than_its_columns_is_told_from_the_servers_own_cast() -> None:
    # supabase/auth's users.phone_change: made varchar(15) DEFAULT '', then altered to text
    from mizzle.dialects.postgres.types import casts_to_another_type

    assert casts_to_another_type("''::character varying", "text")
    assert casts_to_another_type("'{}'::character varying[]", "text[]")
    assert not casts_to_another_type("'x'::character varying", "varchar(255)")
    assert not casts_to_another_type("'{}'::character varying[]", "character varying(24)[]")
    assert not casts_to_another_type("'2020-01-01 00:00:00+00'::timestamp with time zone", "timestamptz")
    assert not casts_to_another_type("now()", "timestamptz")
    assert not casts_to_another_type("'a'::public.citext", "citext")


def test_index_constraint_and_type_comments_only_where_held() -> None:
    """A folder without mizzle's sidecar holds no comment at all: one on an index, a constraint or an enum made on
    the database by hand is no difference either, as one on a table or column is not (buildbot 4.3's models,
    generated by mizzle: `COMMENT ON INDEX logs_slug` made drift fail with `~ comment on index`)."""
    mood = Enum("mood", ("a", "b"))
    a = replace(POSTS, comment=None)
    b = replace(POSTS, comment=None, comments=(("index", "posts_published_idx", "by hand"),))
    assert lines(_schema(a, enums=(mood,)), _schema(b, enums=(replace(mood, comment="x"),)), comments=False) == []
    assert lines(_schema(a), _schema(b)) != []


def test_a_single_column_key_the_code_names_anew_is_renamed() -> None:
    # JupyterHub 1.5 → 2.0: `MetaData(naming_convention={"pk": "pk_%(table_name)s"})` came in, so users.id's key,
    # made unnamed (`users_pkey`), is `pk_users` in the code. generate took the code's name for the snapshot's
    # unnamed key: no statement (or "No schema changes"), the next snapshot said pk_users, and drift then found
    # users_pkey in the database. The composite keys of the same upgrade were renamed already.
    from mizzle.schema.compare import for_generate
    from mizzle.schema.diff import Renames, diff

    users = Table(name="users", schema="public", columns=(Column("id", "serial", not_null=True),),
                  primary_key=PrimaryKey(("id",)))
    named = replace(users, primary_key=PrimaryKey(("id",), "pk_users"))
    changes = diff(*for_generate(_schema(users), _schema(named)), Renames(none=True)).changes
    assert [c.describe() for c in changes] == ["~ primary key on users: name users_pkey → pk_users (rename)"]
    # and back: the code leaving the key unnamed again renames it to PostgreSQL's own name
    changes = diff(*for_generate(_schema(named), _schema(users)), Renames(none=True)).changes
    assert [c.describe() for c in changes] == ["~ primary key on users: name pk_users → users_pkey (rename)"]
    # a key the code calls as the server does is no change, nor one whose snapshot keeps the server's name
    assert diff(*for_generate(_schema(users), _schema(replace(users, primary_key=PrimaryKey(("id",), "users_pkey")))),
                Renames(none=True)).changes == []
    kept = replace(users, primary_key=PrimaryKey(("id",), None, server_name="pk_users"))
    assert diff(*for_generate(_schema(kept), _schema(named)), Renames(none=True)).changes == []
    # a `<name>_pkey` is a name the unnamed key may have on the server, made under a former name of its table
    # (dokploy's 0066 made session_temp and renamed it session; pull names its key session_temp_pkey): no rename,
    # which would fail on that database (it has no session_pkey)
    pulled = replace(users, primary_key=PrimaryKey(("id",), "users_temp_pkey"))
    assert diff(*for_generate(_schema(users), _schema(pulled)), Renames(none=True)).changes == []


def test_a_generated_column_reading_a_json_path_is_unchanged_by_the_servers_spelling_of_the_path() -> None:
    """arize-phoenix's models write the path with spaces, `'{metadata, phoenix, isCompactionMessage}'`; the server
    stores it as the text[] it is cast to (no spaces): pulled, then generated from the models, no drop and re-add of
    the column (a table rewrite) for the spelling."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql as pg

    from mizzle.schema.diff import Renames, diff
    from mizzle.sources.sqlalchemy import schema_from_metadata

    def model(expr: str) -> Schema:
        md = sa.MetaData()
        sa.Table("m", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("message", pg.JSONB),
                 sa.Column("g", sa.Boolean, sa.Computed(expr, persisted=True)))
        return schema_from_metadata([md])

    code = model("coalesce(CAST(message #>> '{metadata, phoenix, isCompactionMessage}' AS BOOLEAN), false)")
    pulled = model("COALESCE(((message #>> '{metadata,phoenix,isCompactionMessage}'::text[]))::boolean, false)")
    assert not diff(pulled, code, Renames(none=True))
    other = model("COALESCE(((message #>> '{metadata,phoenix,other}'::text[]))::boolean, false)")
    assert [c.describe() for c in diff(other, code, Renames(none=True))] == ["~ column m.g: generated expression"]


def test_a_retyped_column_whose_name_is_only_a_string_in_a_generated_expression_leaves_it_alone() -> None:
    """arize-phoenix: retyping `id` dropped and added again `message_id`, generated as `(message ->> 'id')` — a
    table rewrite for a JSON key that happens to be spelled like the column. A name inside a plain string literal
    of a table's expression is no use of the column; one outside it still is."""
    from mizzle.planning.plan import plan
    from mizzle.schema.diff import Renames, diff

    gen = Column("message_id", "varchar", not_null=True, generated="((message ->> 'id'::text))::character varying")
    t = Table(name="m", schema="public", columns=(Column("id", "integer", not_null=True),
                                                   Column("message", "jsonb", not_null=True), gen),
              primary_key=PrimaryKey(("id",)))
    wide = replace(t, columns=(Column("id", "bigint", not_null=True), *t.columns[1:]))
    sql = [s.sql for s in plan(diff(_schema(t), _schema(wide), Renames(none=True)).changes, "postgresql")]
    assert len(sql) == 1 and 'ALTER COLUMN "id" SET DATA TYPE bigint' in sql[0], sql
    uses = replace(gen, generated="((message ->> 'x'::text) || id)")
    t2, wide2 = (replace(x, columns=(*x.columns[:2], uses)) for x in (t, wide))
    sql = [s.sql for s in plan(diff(_schema(t2), _schema(wide2), Renames(none=True)).changes, "postgresql")]
    assert any("DROP COLUMN" in s and "message_id" in s for s in sql), sql


def test_a_generated_tsvector_over_a_coalesced_varchar_is_unchanged_by_the_servers_text_cast() -> None:
    """jns-w/edu-fullstack's lessons.search_vector: `to_tsvector('english', coalesce("title", '') || ' ' ||
    coalesce("content", ''))` over a varchar title is stored as `to_tsvector('english'::regconfig,
    (((COALESCE(title, ''::character varying))::text || ' '::text) || COALESCE(content, ''::text)))`: the server casts
    the varchar COALESCE to text as it casts a varchar column. Pulled, then generate --check against the folder's
    snapshot said the generated expression changed (a drop and re-add of the column)."""
    from mizzle.dialects.postgres.expressions import expression_key as key

    authored = "to_tsvector('english', coalesce(\"title\", '') || ' ' || coalesce(\"content\", ''))"
    stored = ("to_tsvector('english'::regconfig, (((COALESCE(title, ''::character varying))::text || ' '::text) || "
              "COALESCE(content, ''::text)))")
    assert key(authored) == key(stored)
    assert key("coalesce(a, '')::integer") != key("coalesce(a, '')")  # only a cast to text
    assert key("coalesce(lower(a), '')::text") != key("coalesce(lower(a), '')")  # of columns and constants


def test_a_serial_is_not_null_whatever_its_snapshot_says() -> None:
    # drizzle-kit writes `notNull: false` for `bigserial(…, { mode: 'bigint' })` (tests/interop/pg_types'
    # c_bigserial) and a rebuild from hand-written SQL for `user_id bigserial` (atuin's sessions); the server makes
    # every serial NOT NULL: verify and drift said "~ column …: set not null"
    snap = replace(POSTS, columns=(*POSTS.columns, Column("n", "bigserial")))
    live = replace(POSTS, columns=(*POSTS.columns, Column("n", "bigserial", not_null=True)))
    assert lines(_schema(snap), _schema(live)) == []
    assert lines(_schema(replace(POSTS, columns=(*POSTS.columns, Column("n", "bigint")))),
                 _schema(replace(POSTS, columns=(*POSTS.columns, Column("n", "bigint", not_null=True))))) == [
        "~ column posts.n: set not null"]


def test_a_type_modifier_the_grammar_fills_in_is_no_difference() -> None:
    # drizzle-kit's `char('c')` is `char` in its SQL and snapshot, which PostgreSQL stores as character(1) (`bit` as
    # bit(1), `numeric(10)` as numeric(10,0)): verify said "~ column all_types.c_char_no_len: type char → char(1)"
    # on drizzle-kit's own tests/interop/pg_types folder, and drift would on every database it built
    def col(t: str) -> Schema:
        return _schema(replace(POSTS, columns=(*POSTS.columns, Column("c", t))))

    for written, stored in (("char", "char(1)"), ("bit", "bit(1)"), ("numeric(10)", "numeric(10, 0)"),
                            ("char[]", "char(1)[]"), ("bit[][]", "bit(1)[][]")):
        assert lines(col(written), col(stored)) == [], written
    for written, stored in (("char", "char(2)"), ("bpchar", "char(1)"), ('"char"', "char(1)"),
                            ("varchar", "varchar(1)"),
                            ("bit varying", "bit varying(1)"), ("numeric", "numeric(10, 0)")):
        assert lines(col(written), col(stored)) != [], written


def test_a_check_made_again_over_a_retyped_column_in_another_spelling_says_so() -> None:
    # mlflow 3.18's Alembic-built database pulled, then generate --check against its models: runs.status widened
    # varchar(9) → varchar(20) under the unnamed CheckConstraint(status.in_(...)); the plan makes the check again
    # and the summary read "~ check runs_status_check on runs: status::text = ANY (ARRAY['a'::character varying,
    # …]) → status IN ('a', …)", the one condition in the server's and the code's spelling, as if it had changed
    from mizzle.dialects import get
    from mizzle.schema.compare import describe_all
    from mizzle.schema.diff import Renames, diff

    stored = "status::text = ANY (ARRAY['a'::character varying, 'b'::character varying])"
    t = Table(name="runs", schema="public", columns=(Column("status", "varchar(9)"),),
              checks=(CheckConstraint("runs_status_check", stored),))
    wide = replace(t, columns=(Column("status", "varchar(20)"),),
                   checks=(CheckConstraint("runs_status_check", "status IN ('a', 'b')"),))
    plan = diff(_schema(t), _schema(wide), Renames(none=True)).changes
    said = describe_all(plan, get("postgresql").reader)
    assert "~ check runs_status_check on runs: dropped and added again, unchanged (a column it reads changes type)" \
        in said, said
    assert lines(_schema(t), _schema(wide)) == ["~ column runs.status: type varchar(9) → varchar(20)"]


def test_a_check_made_again_in_a_sqlite_rebuild_over_a_retyped_column_is_no_difference() -> None:
    # mlflow 3.18's SQLite database built by its own Alembic migrations, baselined against its models: runs.status
    # VARCHAR(9) there, String(20) in the models, under the check CheckConstraint(status.in_(...)); baseline listed
    # `~ check runs_check on runs: dropped and added again, unchanged (…)` beside the column's own line: the table
    # rebuild's parts were stated one by one, after the comparison had left out what a plan makes again unchanged
    t = Table(name="runs", schema="public", columns=(Column("id", "integer", not_null=True), Column("status", "text(20)")),
              primary_key=PrimaryKey(("id",)), checks=(CheckConstraint("runs_check", "status IN ('a', 'b')"),))
    wide = replace(t, columns=(t.columns[0], Column("status", "varchar(9)")))
    assert lines(make_schema("sqlite", (t,)), make_schema("sqlite", (wide,))) == [
        "~ column runs.status: type text(20) → varchar(9)"]
    # a check that does change in the rebuild still says so
    other = replace(wide, checks=(CheckConstraint("runs_check", "status IN ('a', 'c')"),))
    assert lines(make_schema("sqlite", (t,)), make_schema("sqlite", (other,))) == [
        "~ column runs.status: type text(20) → varchar(9)",
        "~ check runs_check on runs: status IN ('a', 'b') → status IN ('a', 'c')"]
