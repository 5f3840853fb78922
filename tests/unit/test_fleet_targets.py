"""Fleet targets without a server: the targets file format, shard assignment (a partition, independent of
order and password), and `[fleets.NAME]` parsing errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mizzle.config import parse_config
from mizzle.errors import ConfigError, UsageError
from mizzle.runner.targets import display, parse_shard, read_targets_file, select_shard, shard_of

URLS = [f"postgresql://app:pw{i}@db{i % 3}.internal:5432/tenant_{i}" for i in range(60)]


def test_targets_file_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    p = tmp_path / "t.txt"
    p.write_text("# header\n\n  postgresql://a@h/one   # note\npostgresql://a@h/two\n\t# indented comment\n")
    assert read_targets_file(p) == ["postgresql://a@h/one", "postgresql://a@h/two"]


def test_shards_partition_the_fleet_whatever_the_order_or_password() -> None:
    for n in (1, 2, 3, 7):
        parts = [select_shard(URLS, i, n) for i in range(n)]
        assert sorted(u for p in parts for u in p) == sorted(URLS)
        assert sum(len(p) for p in parts) == len(URLS)
        assert all(shard_of(u, n) == shard_of(u.replace(":pw", ":rotated"), n) for u in URLS)
        assert [select_shard(list(reversed(URLS)), i, n) for i in range(n)] == [list(reversed(p)) for p in parts]
    assert len({shard_of(u, 4) for u in URLS}) == 4  # the hash spreads 60 targets over all 4 shards


def test_tenant_schemas_are_distinct_targets() -> None:
    a, b = "postgresql://a:pw@h/db#schema=t1", "postgresql://a:pw@h/db#schema=t2"
    assert display(a) == "postgresql://a:***@h/db#schema=t1" and display(a) != display(b)


@pytest.mark.parametrize("value", ["1", "a/b", "4/4", "-1/4", "0/0", "1/2/3"])
def test_bad_shard(value: str) -> None:
    with pytest.raises(UsageError):
        parse_shard(value)


@pytest.mark.parametrize("fleet, message", [
    ({}, "needs exactly one of urls, urls_env, query, schemas"),
    ({"urls": ["postgresql://a@h/x"], "urls_env": "X"}, "(has urls, urls_env)"),
    ({"urls_env": "X", "control_env": "C"}, "has a control database but no query or schemas"),
    ({"query": "SELECT 1", "nope": 1}, "unknown key(s) in [fleets.f]: nope"),
    ({"query": 1}, "`fleets.f.query` must be a string"),
])
def test_fleet_config_errors(fleet: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ConfigError) as e:
        parse_config({"fleets": {"f": fleet}}, root=Path("."), source=Path("mizzle.toml"))
    assert message in e.value.message


def test_fleet_config_parses() -> None:
    cfg = parse_config({"fleets": {"t": {"schemas": ["a", "b"], "control_env": "C"}}}, root=Path("."),
                       source=Path("mizzle.toml"))
    assert cfg.fleets["t"].schemas == ("a", "b") and cfg.fleets["t"].control_env == "C"


def test_tenant_folder_sql_unqualified_and_leftovers_reported() -> None:
    from mizzle.planning.plan import PlannedStatement
    from mizzle.planning.tenant import for_tenant

    stmts = [PlannedStatement('CREATE SCHEMA "tenant"'),
             PlannedStatement('CREATE TABLE "tenant"."a" ("p" text REFERENCES "public"."plans"("name"))'),
             PlannedStatement('''ALTER TABLE "tenant"."a" ALTER COLUMN "n" SET DEFAULT nextval('tenant.s')''')]
    out, warnings = for_tenant(stmts, "tenant")
    assert [s.sql for s in out] == ['CREATE TABLE "a" ("p" text REFERENCES "public"."plans"("name"))',
                                   '''ALTER TABLE "a" ALTER COLUMN "n" SET DEFAULT nextval('tenant.s')''']
    assert len(warnings) == 1 and "still names the tenant schema 'tenant'" in warnings[0] and "nextval('tenant.s')" in warnings[0]


def test_rename_schema_moves_every_reference() -> None:
    from mizzle.schema.model import Column, Enum, ForeignKey, Table, make_schema
    from mizzle.schema.tenant import rename_schema

    t = Table("a", "tenant", (Column("k", "kind", type_schema="tenant"), Column("b", "kind", type_schema="tenant")),
              foreign_keys=(ForeignKey("a_b_fk", ("b",), "a", ("k",), ref_schema="tenant"),))
    m = rename_schema(make_schema("postgresql", [t], [Enum("kind", ("x",), "tenant")], schemas=["tenant"]),
                      "tenant", "t_1")
    assert m.schemas == ("t_1",) and m.enums[0].schema == "t_1" and m.tables[0].schema == "t_1"
    assert m.tables[0].columns[0].type_schema == "t_1" and m.tables[0].foreign_keys[0].ref_schema == "t_1"


def test_tenant_schema_config(tmp_path: Path) -> None:
    cfg = parse_config({"tenant_schema": "tenant"}, tmp_path, tmp_path / "mizzle.toml")
    assert cfg.tenant_schema == "tenant" and cfg.schema_filter == ("tenant",)
    with pytest.raises(ConfigError, match="leaves out `tenant_schema`"):
        parse_config({"tenant_schema": "tenant", "schema_filter": ["public"]}, tmp_path, tmp_path / "mizzle.toml")


@pytest.mark.parametrize("url", ["postgresql://app@db/saas#schema=tenant_a", "postgresql://app:pa#zq9@db/saas"])
def test_a_url_with_a_fragment_is_refused_without_showing_it(url: str) -> None:
    """`--url URL#schema=NAME` used to drop the fragment: migrate/status/drift ran on the database's own schemas."""
    from mizzle.dburl import parse_url

    with pytest.raises(UsageError) as e:
        parse_url(url)
    assert "has a '#'" in e.value.message and "zq9" not in e.value.message and "tenant_a" not in e.value.message


@pytest.mark.parametrize("line", [
    "postgresql://app:s3cret@db1/acme postgresql://app@db2/globex",  # two URLs on one line
    "postgresql://app:s3cret@db1/acme\tpostgresql://app@db2/globex",
    "postgresql://app:s3 cret@db1/acme",  # a space in a password, not written %20
])
def test_a_line_with_two_urls_names_the_whitespace(tmp_path: Path, line: str) -> None:
    """A targets line holding two URLs (found joining kan's fleet list by hand) was read as one URL whose
    user/password ran to the last '@': 'malformed database URL 'postgresql://app:***@db2/globex': database name
    contains '/'' — a URL that looks fine, and a reason that is not the problem."""
    p = tmp_path / "t.txt"
    p.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(UsageError) as e:
        read_targets_file(p)
    assert e.value.message == f"targets file {p}, target 1: a database URL cannot contain whitespace"
    assert "s3" not in str(e.value.message) + str(e.value.details)
    assert "one URL per line" in str(e.value.details)
