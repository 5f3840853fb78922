"""Names past PostgreSQL's 63 bytes in a rebuilt drizzle-kit 0.x snapshot (lobe-chat): the server keeps them cut,
the SQL (and drizzle-kit's own snapshot) whole."""

from __future__ import annotations

from dataclasses import replace

from mizzle import dialects
from mizzle.migrations.rebuilt_keys import repeated_uniques, whole_names, whole_policy_names
from mizzle.schema import model as m

CUT = dialects.get("postgresql").reader.stored_name
TABLE = "child_table_with_an_even_longer_name"
UNIQUE = f"{TABLE}_some_very_long_column_name_one_some_very_long_column_name_two_unique"
FK = f"{TABLE}_parent_id_parent_table_with_a_long_name_id_fk"
INDEX = f"idx_{TABLE}_some_very_long_column_name_one"
COLS = ("some_very_long_column_name_one", "some_very_long_column_name_two")
SQL = (f'CREATE TABLE "{TABLE}" (\n\t"id" integer PRIMARY KEY NOT NULL,\n\t"{COLS[0]}" text,\n\t"{COLS[1]}" text,\n'
       f'\t"parent_id" integer,\n\tCONSTRAINT "{UNIQUE}" UNIQUE("{COLS[0]}","{COLS[1]}")\n);\n'
       f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{FK}" FOREIGN KEY ("parent_id") REFERENCES '
       '"public"."parent_table_with_a_long_name"("id") ON DELETE no action ON UPDATE no action;\n'
       f'CREATE INDEX "{INDEX}" ON "{TABLE}" USING btree ("{COLS[0]}");\n')


def _live(unique: str = CUT(UNIQUE), fk: str = CUT(FK), index: str = CUT(INDEX)):  # type: ignore[no-untyped-def]
    """The table as the server keeps it after SQL."""
    t = m.Table(TABLE, columns=(m.Column("id", "integer", not_null=True), m.Column(COLS[0], "text"),
                                m.Column(COLS[1], "text"), m.Column("parent_id", "integer")),
                primary_key=m.PrimaryKey(("id",)), uniques=(m.UniqueConstraint(unique, COLS),),
                foreign_keys=(m.ForeignKey(fk, ("parent_id",), "parent_table_with_a_long_name", ("id",)),),
                indexes=(m.Index(index, (m.IndexColumn(COLS[0]),)),))
    return m.make_schema("postgresql", tables=[t])


def test_a_unique_constraint_whose_name_the_server_cut_is_no_repeat() -> None:
    """The SQL's whole name against the server's cut one: read as a repeat PostgreSQL dropped, the constraint was
    kept twice, and drizzle-kit's next generate dropped the real one."""
    live = _live()
    assert repeated_uniques(live, None, SQL, CUT) is live
    (t,) = repeated_uniques(live, live, "SELECT 1;", CUT).tables  # nor from the previous migration's model
    assert [u.name for u in t.uniques] == [CUT(UNIQUE)]


def test_a_repeat_postgresql_dropped_is_still_added_back() -> None:
    repeat = SQL.replace(f'\tCONSTRAINT "{UNIQUE}"', f'\tCONSTRAINT "again_{UNIQUE}" UNIQUE("{COLS[0]}","{COLS[1]}"),'
                                                     f'\n\tCONSTRAINT "{UNIQUE}"')
    (t,) = repeated_uniques(_live(), None, repeat, CUT).tables
    assert sorted(u.name for u in t.uniques) == sorted([CUT(UNIQUE), f"again_{UNIQUE}"])


def test_the_rebuilt_names_are_the_sqls_whole_names() -> None:
    (t,) = whole_names(_live(), None, SQL, CUT).tables
    assert (t.uniques[0].name, t.foreign_keys[0].name, t.indexes[0].name) == (UNIQUE, FK, INDEX)
    assert t.uniques[0].real_name == UNIQUE  # the server cuts it as it did: no name of its own to remember


def test_the_whole_names_carry_on_through_later_migrations() -> None:
    before = whole_names(_live(), None, SQL, CUT)
    (t,) = whole_names(_live(), before, 'ALTER TABLE "x" ADD COLUMN "y" text;', CUT).tables
    assert (t.uniques[0].name, t.foreign_keys[0].name, t.indexes[0].name) == (UNIQUE, FK, INDEX)


def test_a_cut_name_two_whole_names_share_stays_cut() -> None:
    other = UNIQUE.replace("_two_unique", "_three_unique")
    live = _live()
    assert whole_names(live, None, SQL + f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{other}" UNIQUE("id");', CUT) \
        .tables[0].uniques[0].name == CUT(UNIQUE)


def test_short_names_and_sqlite_are_left_alone() -> None:
    live = _live("u", "f", "i")
    assert whole_names(live, None, SQL, CUT) is live
    live = _live()
    assert whole_names(live, None, SQL, dialects.get("sqlite").reader.stored_name) is live


def test_an_inline_unique_on_the_key_column_postgresql_dropped_is_added_back() -> None:
    """drizzle-kit 1.x writes a unique the code leaves unnamed on its column: homarr's `"settingKey" varchar(64)
    PRIMARY KEY UNIQUE`, of which PostgreSQL keeps the key only; drizzle-kit's snapshot has the unique under
    PostgreSQL's default name, and without it in the rebuilt one drizzle-kit's next generate added it."""
    sql = ('CREATE TABLE "serverSetting" (\n\t"settingKey" varchar(64) PRIMARY KEY UNIQUE,\n'
           '\t"value" text DEFAULT \'UNIQUE\' NOT NULL,\n\t"note" text CHECK (note <> \'x UNIQUE\')\n);\n')
    t = m.Table("serverSetting", columns=(m.Column("settingKey", "varchar(64)", not_null=True),
                                          m.Column("value", "text", not_null=True, default="'UNIQUE'"),
                                          m.Column("note", "text")),
                primary_key=m.PrimaryKey(("settingKey",)))
    (out,) = repeated_uniques(m.make_schema("postgresql", tables=[t]), None, sql, CUT).tables
    assert out.uniques == (m.UniqueConstraint("serverSetting_settingKey_key", ("settingKey",)),)
    # a unique the server kept (on a column that is no key) is no repeat
    other = sql.replace('PRIMARY KEY UNIQUE', 'PRIMARY KEY').replace('"note" text', '"note" text UNIQUE')
    kept = m.UniqueConstraint("serverSetting_note_key", ("note",))
    (out,) = repeated_uniques(m.make_schema("postgresql", tables=[replace(t, uniques=(kept,))]), None, other,
                              CUT).tables
    assert out.uniques == (kept,)
    # the last element runs on past the table's closing parenthesis: what follows is not the column's
    last = ('CREATE TABLE "serverSetting" (\n\t"value" text,\n\t"settingKey" varchar(64) PRIMARY KEY\n);\n'
            'ALTER TABLE "serverSetting" ADD CONSTRAINT "serverSetting_value_uq" UNIQUE("value");\n'
            'CREATE UNIQUE INDEX "i" ON "serverSetting" ("value");\n')
    (out,) = repeated_uniques(m.make_schema("postgresql", tables=[t]), None, last, CUT).tables
    assert out.uniques == ()


def test_renamed_to_follows_a_chain_of_renames_in_any_spelling() -> None:
    from mizzle.migrations.rebuilt_keys import renamed_to

    sql = ('ALTER TABLE "payment_receipts_new" RENAME TO "payment_receipts";\n'
           'alter table if exists public.Older rename to payment_receipts_new;\n'
           'ALTER TABLE "other" RENAME TO "elsewhere";')
    assert renamed_to(sql, "payment_receipts") == {"payment_receipts_new", "older"}
    assert renamed_to(sql, "other") == set()


def test_a_policy_name_the_server_cut_is_the_sqls_whole_name() -> None:
    """midday's packages/db/src/schema.ts: pgPolicy("Provider notification batches can be created by a member of
    the team") is 69 bytes; PostgreSQL keeps 63 of them, drizzle-kit's snapshot all. Rebuilt with the cut name,
    drizzle-kit's next generate asked whether to rename or drop and create all four such policies."""
    from mizzle.schema.security import Policy

    whole = "Provider notification batches can be created by a member of the team"
    sql = (f'CREATE POLICY "{whole}" ON "batches" AS PERMISSIVE FOR INSERT TO public WITH CHECK (true);\n'
           'CREATE POLICY "short" ON "batches" AS PERMISSIVE FOR ALL TO public USING (true);\n')
    t = m.Table("batches", columns=(m.Column("id", "integer"),), policies=(
        Policy(CUT(whole), for_="INSERT", with_check="true"), Policy("short", using="true")))
    live = m.make_schema("postgresql", tables=[t])
    (got,) = whole_policy_names(live, None, sql, CUT).tables
    assert [p.name for p in got.policies] == [whole, "short"]
    (later,) = whole_policy_names(live, whole_policy_names(live, None, sql, CUT), "SELECT 1;", CUT).tables
    assert [p.name for p in later.policies] == [whole, "short"]
    renamed = f'ALTER POLICY "{whole}" ON "batches" RENAME TO "{whole} now";'
    t2 = replace(t, policies=(Policy(CUT(whole + " now"), for_="INSERT", with_check="true"), t.policies[1]))
    (moved,) = whole_policy_names(m.make_schema("postgresql", tables=[t2]), whole_policy_names(live, None, sql, CUT),
                           renamed, CUT).tables
    assert moved.policies[0].name == whole + " now"


def test_a_unique_the_sql_renames_is_no_repeat_under_its_old_name() -> None:
    """motormetrics/motormetrics' packages/database/migrations (drizzle-kit 1.0.0-rc.4): 20260809181715_windy_revanche
    renames camelCase unique constraints (`ALTER TABLE "coe" RENAME CONSTRAINT "coe_month_biddingNo_unique" TO
    "coe_month_bidding_no_unique"`). The previous model's unique, on the same columns as the renamed one, was taken
    for a repeat PostgreSQL dropped: `check --rebuild-snapshots` kept it beside the new name (a create delta and no
    rename), and `verify` then found the rebuilt snapshot's old unique missing from the database."""
    cols = ("month", "bidding_no")
    t = m.Table("coe", columns=(m.Column("id", "uuid", not_null=True), m.Column("month", "text", not_null=True),
                                m.Column("bidding_no", "integer")),
                primary_key=m.PrimaryKey(("id",)))
    before = m.make_schema("postgresql", tables=[replace(t, uniques=(m.UniqueConstraint(
        "coe_month_biddingNo_unique", cols),))])
    live = m.make_schema("postgresql", tables=[replace(t, uniques=(m.UniqueConstraint(
        "coe_month_bidding_no_unique", cols),))])
    sql = 'ALTER TABLE "coe" RENAME CONSTRAINT "coe_month_biddingNo_unique" TO "coe_month_bidding_no_unique";'
    (out,) = repeated_uniques(live, before, sql, CUT).tables
    assert [u.name for u in out.uniques] == ["coe_month_bidding_no_unique"]
    # renamed through another name, spelled unquoted: the same
    chained = ('ALTER TABLE coe RENAME CONSTRAINT "coe_month_biddingNo_unique" TO tmp;\n'
               'ALTER TABLE coe RENAME CONSTRAINT tmp TO coe_month_bidding_no_unique;')
    (out,) = repeated_uniques(live, before, chained, CUT).tables
    assert [u.name for u in out.uniques] == ["coe_month_bidding_no_unique"]
    # a repeat the SQL does not rename is still kept (the midday case above)
    (out,) = repeated_uniques(live, before, "SELECT 1;", CUT).tables
    assert sorted(u.name for u in out.uniques) == ["coe_month_biddingNo_unique", "coe_month_bidding_no_unique"]
