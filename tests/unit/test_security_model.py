"""Security facts without a server: the snapshot codec (drizzle-kit's fields and the sidecar), the diff's
phases and what a side that does not track a kind means, the SQL, and the schema-code errors."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mizzle.dialects.postgres.ddl import render
from mizzle.dialects.postgres.snapshot import schema_from_snapshot, snapshot_from_schema
from mizzle.errors import SchemaLoadError
from mizzle.schema.compare import lines
from mizzle.schema.diff import Renames, diff
from mizzle.schema.model import Column, PrimaryKey, Table, make_schema
from mizzle.schema.security import Extension, Grant, Policy, Role, make_security

POL = Policy("own", "PERMISSIVE", "SELECT", ("reader",), "owner = current_user")
DOCS = Table("docs", columns=(Column("id", "integer", not_null=True), Column("owner", "text")),
             primary_key=PrimaryKey(("id",)))


def _model(tables: tuple[Table, ...] = (DOCS,), **security: object):  # type: ignore[no-untyped-def]
    return make_schema("postgresql", tables, security=make_security(**security))  # type: ignore[arg-type]


def _round_trip(model):  # type: ignore[no-untyped-def]
    snap, side = snapshot_from_schema(model, id_="x")
    return snap, side, schema_from_snapshot(snap, {"snapshots": {"x": side}} if side else None)


def test_snapshot_round_trip_in_drizzle_fields_and_sidecar() -> None:
    t = replace(DOCS, rls=True, force_rls=True, policies=(POL,))
    model = _model((t,), extensions=[Extension("pg_trgm", "public")], roles=[Role("reader", create_db=True)],
                   grants=[Grant("table", "public", "docs", "reader", ("SELECT",))])
    snap, side, back = _round_trip(model)
    assert back == model
    table = snap["tables"]["public.docs"]
    # drizzle-kit's spelling: a table with policies has RLS on without isRLSEnabled (that is `.enableRLS()`)
    assert table["isRLSEnabled"] is False
    assert table["policies"] == {"own": {"name": "own", "as": "PERMISSIVE", "for": "SELECT", "to": ["reader"],
                                         "using": "owner = current_user"}}
    assert snap["roles"] == {"reader": {"name": "reader", "createDb": True, "createRole": False, "inherit": True}}
    assert side["extensions"] == [{"name": "pg_trgm", "schema": "public"}]
    assert side["tables"]["public.docs"] == {"forceRls": True}


def test_policies_on_a_table_whose_rls_is_off_round_trip() -> None:
    model = _model((replace(DOCS, policies=(POL,)),))
    snap, side, back = _round_trip(model)
    assert side["tables"]["public.docs"] == {"rls": False} and back.tables == model.tables


def test_drizzle_snapshot_policies_imply_rls_and_untracked_kinds() -> None:
    snap, _, _ = _round_trip(_model((replace(DOCS, rls=True, policies=(POL,)),)))
    back = schema_from_snapshot(snap)  # no sidecar: as drizzle-kit wrote it
    assert back.tables[0].rls and back.security.extensions is None and back.security.grants is None
    assert back.security.roles is None  # drizzle-kit writes "roles": {}: nothing recorded, nothing to drop


def test_diff_phases_and_sql() -> None:
    old = _model(extensions=[], roles=[], grants=[])  # tracked, empty
    new = _model((replace(DOCS, rls=True, policies=(POL,)),), extensions=[Extension("pg_trgm")],
                 roles=[Role("reader")], grants=[Grant("schema", "public", "public", "reader", ("USAGE",))])
    sql = [s.sql for s in render(diff(old, new, Renames(none=True)).changes)]
    assert sql[0] == 'CREATE EXTENSION IF NOT EXISTS "pg_trgm"'
    assert sql[1].startswith("DO $mizzle$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = "
                             "'reader') THEN CREATE ROLE \"reader\" WITH NOCREATEDB NOCREATEROLE INHERIT")
    assert sql[2:] == ['ALTER TABLE "public"."docs" ENABLE ROW LEVEL SECURITY',
                       'CREATE POLICY "own" ON "public"."docs" AS PERMISSIVE FOR SELECT TO "reader" '
                       "USING (owner = current_user)",
                       'GRANT USAGE ON SCHEMA "public" TO "reader"']
    assert [s.sql for s in render(diff(new, _model(), Renames(none=True)).changes)][-1].startswith("ALTER TABLE")
    back = [s.sql for s in render(diff(new, old, Renames(none=True)).changes)]
    assert back == ['DROP POLICY "own" ON "public"."docs"', 'REVOKE USAGE ON SCHEMA "public" FROM "reader"',
                    'ALTER TABLE "public"."docs" DISABLE ROW LEVEL SECURITY', 'DROP EXTENSION "pg_trgm"',
                    'DROP ROLE IF EXISTS "reader"']


def test_policy_changes_alter_or_redo() -> None:
    old = _model((replace(DOCS, rls=True, policies=(POL,)),))
    def sql(p: Policy, **cols: str) -> list[str]:
        t = replace(DOCS, rls=True, policies=(p,))
        if cols:
            t = replace(t, columns=(DOCS.columns[0], Column("owner", cols["owner"])))
        return [s.sql for s in render(diff(old, _model((t,)), Renames(none=True)).changes)]
    assert sql(replace(POL, to=("public",))) == ['ALTER POLICY "own" ON "public"."docs" TO public '
                                                 "USING (owner = current_user)"]
    assert sql(replace(POL, as_="RESTRICTIVE"))[0] == 'DROP POLICY "own" ON "public"."docs"'
    retyped = sql(POL, owner="varchar(10)")
    assert retyped[0].startswith("DROP POLICY") and "ALTER COLUMN" in retyped[1] and \
        retyped[-1].startswith('CREATE POLICY "own"')


def test_policies_over_a_rebuilt_enum_are_dropped_before_and_made_again_after() -> None:
    """An enum losing a value is rebuilt: its columns go to text and back, then the old type is dropped. PostgreSQL
    refuses both while a policy names the column or the type ("cannot alter type of a column used in a policy
    definition"; ycherrou/agri-deal-flow's supabase policy `etat = 'en_attente'::revente_status` on
    reventes_clients, and Supabase's `has_role(auth.uid(), 'admin'::user_role)` on any table)."""
    from mizzle.schema.model import Enum

    status = Enum("revente_status", ("en_attente", "vendu", "annule"))
    reventes = Table("reventes_clients", columns=(Column("id", "integer", not_null=True),
                                                  Column("etat", "revente_status", type_schema="public")),
                     primary_key=PrimaryKey(("id",)), rls=True,
                     policies=(Policy("market", "PERMISSIVE", "SELECT", ("public",),
                                      "etat = 'en_attente'::revente_status"),))
    other = replace(DOCS, rls=True, policies=(Policy("typed", "PERMISSIVE", "SELECT", ("public",),
                                                     "'vendu'::revente_status IS NOT NULL"),))

    def model(e: Enum):  # type: ignore[no-untyped-def]
        return make_schema("postgresql", (reventes, other), enums=(e,))

    sql = [s.sql for s in render(diff(model(status), model(replace(status, values=("en_attente", "vendu"))),
                                      Renames(none=True)).changes)]
    first_alter = next(i for i, s in enumerate(sql) if "ALTER COLUMN" in s)
    for name, table in (("market", "reventes_clients"), ("typed", "docs")):
        drop, create = f'DROP POLICY "{name}" ON "public"."{table}"', f'CREATE POLICY "{name}"'
        assert drop in sql and sql.index(drop) < first_alter, sql
        made = [i for i, s in enumerate(sql) if s.startswith(create)]
        assert made and made[0] > next(i for i, s in enumerate(sql) if s.startswith("CREATE TYPE")), sql


def test_untracked_side_is_not_compared() -> None:
    live = _model(extensions=[Extension("pg_trgm", "public", "1.6")])
    assert lines(_model(), live) == []  # a snapshot drizzle-kit wrote cannot know extensions
    declared = _model(extensions=[Extension("pg_trgm")])  # schema and version left open
    assert lines(declared, live) == []
    assert lines(_model(extensions=[Extension("pg_trgm", version="1.5")]), live) == \
        ["~ extension pg_trgm: version 1.5 → 1.6"]
    # generate: what the code declares and the old snapshot does not know is created
    assert [c.describe() for c in diff(_model(), declared).changes] == ["+ extension pg_trgm"]


def test_schema_code_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from mizzle.pg import Policy as PgPolicy
    from mizzle.sources.loader import FoundMetaData
    from mizzle.sources.sqlalchemy import schema_from_metadata

    md = sa.MetaData()
    t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))
    bad = PgPolicy("p", t, for_="select", with_check="true")
    with pytest.raises(SchemaLoadError, match="a SELECT policy cannot have WITH CHECK"):
        schema_from_metadata([FoundMetaData(md, "m", (bad,))])
    with pytest.raises(SchemaLoadError, match="no table public.nope"):
        schema_from_metadata([FoundMetaData(md, "m", (PgPolicy("p", "nope"),))])
    with pytest.raises(SchemaLoadError, match="SQLite has no policies: Policy"):
        schema_from_metadata([FoundMetaData(md, "m", (PgPolicy("p", t),))], dialect="sqlite")


def test_merge_keeps_both_sides_policies_and_extensions() -> None:
    """rebase: a policy or an extension added on each branch are both kept; one policy changed on both sides is
    a conflict naming it."""
    from mizzle.schema.merge import merge

    base = _model(extensions=[])
    ours = _model((replace(DOCS, rls=True, policies=(POL,)),), extensions=[Extension("pg_trgm")])
    other = replace(POL, name="other")
    theirs = _model((replace(DOCS, policies=(other,)),), extensions=[Extension("citext")])
    result = merge(base, ours, theirs)
    assert result.ok, result.conflicts
    t = result.schema.tables[0]
    assert [p.name for p in t.policies] == ["other", "own"] and t.rls
    assert [e.name for e in result.schema.security.extensions or ()] == ["citext", "pg_trgm"]
    clash = merge(ours, _model((replace(DOCS, rls=True, policies=(replace(POL, using="true"),)),)),
                  _model((replace(DOCS, rls=True, policies=(replace(POL, using="false"),)),)))
    assert "policy own on docs" in clash.conflicts


def test_a_rebuilt_model_keeps_every_field() -> None:
    """Schema.with_ replaces what it is given and keeps the rest: objects and security were lost once by rebuilds
    that listed the fields one by one (a field added to Schema must survive every rebuild)."""
    from dataclasses import fields

    from mizzle.schema.model import Enum, Sequence
    from mizzle.schema.objects import View

    t = replace(DOCS, rls=True, policies=(POL,))
    model = make_schema("postgresql", (t,), [Enum("mood", ("a", "b"))], [Sequence("s")], ["app"], [("views", "{}")],
                        objects=[View("v", "SELECT id FROM docs")],
                        security=make_security(roles=[Role("reader")], extensions=[Extension("pg_trgm", "public")]))
    for f in fields(model):
        assert getattr(model, f.name) not in ((), None, "") and not (hasattr(getattr(model, f.name), "is_empty")
                                                                   and getattr(model, f.name).is_empty), f.name
    rebuilt = model.with_(tables=[replace(t, comment="x")])
    assert rebuilt.tables[0].comment == "x"
    assert {f.name: getattr(rebuilt, f.name) for f in fields(model) if f.name != "tables"} == \
        {f.name: getattr(model, f.name) for f in fields(model) if f.name != "tables"}


def test_grant_option_is_declared_kept_and_rendered() -> None:
    """WITH GRANT OPTION: part of a grant's identity; a privilege declared with and without it has it (what
    PostgreSQL keeps); the sidecar keeps it; GRANT says it; a change of it is a revoke and a grant."""
    import sqlalchemy as sa

    from mizzle.pg import Grant as PgGrant
    from mizzle.sources.loader import FoundMetaData
    from mizzle.sources.sqlalchemy import schema_from_metadata

    md = sa.MetaData()
    t = sa.Table("docs", md, sa.Column("id", sa.Integer, primary_key=True))
    declared = (PgGrant(["select", "insert"], on=t, to="r"), PgGrant("select", on=t, to="r", with_grant_option=True))
    model = schema_from_metadata([FoundMetaData(md, "m", declared)])
    assert model.security.grants == (Grant("table", "public", "docs", "r", ("INSERT",)),
                                     Grant("table", "public", "docs", "r", ("SELECT",), True))
    _, side, back = _round_trip(model)
    assert back.security.grants == model.security.grants and side["grants"][1]["grantOption"] is True
    plain = _model(grants=[Grant("table", "public", "docs", "r", ("INSERT", "SELECT"))])
    sql = [s.sql for s in render(diff(plain, replace(plain, security=model.security), Renames(none=True)).changes)]
    assert sql == ['REVOKE SELECT ON TABLE "public"."docs" FROM "r"',
                   'GRANT SELECT ON TABLE "public"."docs" TO "r" WITH GRANT OPTION'], sql


def test_a_role_still_named_is_not_dropped_and_only_roles_both_sides_read_are_compared() -> None:
    t = replace(DOCS, rls=True, policies=(POL,))  # TO reader
    old = _model((t,), roles=[Role("reader"), Role("writer")], grants=[])
    new = _model((t,), roles=[Role("writer")], grants=[Grant("table", "public", "docs", "auditor", ("SELECT",))])
    changes = diff(old, replace(new, security=replace(new.security, roles=(Role("writer"),))),
                   Renames(none=True)).changes
    assert not [c for c in changes if "role" in c.describe()], [c.describe() for c in changes]
    # a database reads the roles its policies and grants name; the code declares others too
    code = _model((t,), roles=[Role("reader", create_db=True), Role("unused")])
    live = _model((t,), roles=[Role("reader"), Role("owner_of_nothing")])
    assert lines(code, live) == ["~ role reader: createDb True → False"]


def test_a_grant_on_a_serials_own_sequence_is_revoked() -> None:
    """apgdiff's revoke_on_table_sequence: GRANT … ON SEQUENCE t1_id_seq (a serial column's own sequence, not a
    declared one) removed from the code gave no REVOKE, so the grant stayed."""
    t = Table("t1", columns=(Column("id", "serial", not_null=True),), primary_key=PrimaryKey(("id",)))
    seq = Grant("sequence", "public", "t1_id_seq", "public", ("SELECT", "USAGE"))
    old = make_schema("postgresql", [t], security=make_security(grants=[seq]))
    new = make_schema("postgresql", [t], security=make_security(grants=[]))
    sql = [s.sql for s in render(diff(old, new, Renames(none=True)).changes)]
    assert sql == ['REVOKE SELECT, USAGE ON SEQUENCE "public"."t1_id_seq" FROM public'], sql


def test_a_declared_role_the_old_policies_already_name_is_not_created() -> None:
    """onlook-dev/onlook's drizzle-kit folder (Supabase: `pgPolicy(…, { to: authenticatedRole })`, roles provider
    `supabase`): its snapshots name `authenticated` in policies and list no role (`"roles": {}`). `mizzle pull` of
    the database the folder built declares Role("authenticated") (the policies name it), and `generate --check`
    against the folder asked to create it (+ role authenticated). A role the old schema's policies or grants name
    exists wherever that schema was migrated (PostgreSQL refuses a policy or grant to a missing role): declaring it
    is no change. A role nothing named before is still created."""
    authed = replace(POL, to=("authenticated",))
    t = replace(DOCS, rls=True, policies=(authed,))
    folder = _model((t,), roles=[], grants=[Grant("table", "public", "docs", "anon", ("SELECT",))])
    pulled = _model((t,), roles=[Role("authenticated"), Role("anon")],
                    grants=[Grant("table", "public", "docs", "anon", ("SELECT",))])
    changes = diff(folder, pulled, Renames(none=True)).changes
    assert [c.describe() for c in changes] == [], [c.describe() for c in changes]
    fresh = _model((replace(DOCS, rls=True, policies=(POL,)),), roles=[], grants=[])
    named_now = _model((t,), roles=[Role("authenticated")], grants=[])
    assert "+ role authenticated" in [c.describe() for c in diff(fresh, named_now, Renames(none=True)).changes]
