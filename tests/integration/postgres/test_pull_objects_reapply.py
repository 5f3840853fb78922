"""`x IN ('a', 'b')` on a varchar column in a trigger's WHEN, a policy's USING / WITH CHECK, a view's query, a
materialized view's index predicate and a domain's CHECK (Windmill's `record_resource_version_update_trigger`:
`WHEN (NEW.resource_type NOT IN ('state', 'cache'))`): the server prints `(x)::text = ANY ((ARRAY['a'::character
varying, …])::text[])`, a text that, applied again, is stored as `ANY (ARRAY[('a'::character varying)::text, …])`.
The baseline pull writes must store the text the source database holds, as it does for tables' checks and
indexes."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from pgtools import schema_dump, temp_database

pytestmark = pytest.mark.pg

_SOURCE = (
    "CREATE TABLE r (id integer PRIMARY KEY, kind varchar(20) NOT NULL)",
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "CREATE TRIGGER r_touch AFTER UPDATE ON r FOR EACH ROW WHEN (NEW.kind NOT IN ('state', 'cache')) "
    "EXECUTE FUNCTION touch()",
    "ALTER TABLE r ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY r_kinds ON r USING (kind IN ('a', 'b')) WITH CHECK (kind IN ('a', 'c'))",
    "CREATE VIEW r_xy AS SELECT id FROM r WHERE kind IN ('x', 'y')",
    "CREATE MATERIALIZED VIEW r_mv AS SELECT id, kind FROM r",
    "CREATE INDEX r_mv_pq ON r_mv (id) WHERE kind IN ('p', 'q')",
    "CREATE DOMAIN short_kind AS varchar(10) CHECK (VALUE IN ('a', 'b'))",
)


def test_pulled_objects_store_the_same_text_again(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    with temp_database("mzreap") as source, temp_database("mzreap") as rebuilt:
        with psycopg.connect(source, autocommit=True) as c:
            for s in _SOURCE:
                c.execute(s)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0 and "warning" not in r.stdout + r.stderr, r.stdout + r.stderr
        check = run_mizzle(["generate", "--check"], cwd=tmp_path, url=source)
        assert check.code == 0, check.stdout + check.stderr
        assert run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt).code == 0
        assert schema_dump(rebuilt) == schema_dump(source)
        for url in (source, rebuilt):
            d = run_mizzle(["drift"], cwd=tmp_path, url=url)
            assert d.code == 0, d.stdout + d.stderr


def test_pulled_exclusion_predicate_and_expressions_store_the_same_text_again(tmp_path: Path, run_mizzle) -> None:  # type: ignore[no-untyped-def]
    """The same text in an exclusion constraint's WHERE and in an element's expression."""
    with temp_database("mzreap") as source, temp_database("mzreap") as rebuilt:
        with psycopg.connect(source, autocommit=True) as c:
            c.execute("CREATE TABLE ex (id int PRIMARY KEY, kind varchar(10), during tstzrange, "
                      "EXCLUDE USING gist (during WITH &&) WHERE (kind IN ('x', 'y')), "
                      "EXCLUDE USING btree ((kind IN ('p', 'q')) WITH =))")
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = "schema.py"\nout = "migrations"\n')
        r = run_mizzle(["pull"], cwd=tmp_path, url=source)
        assert r.code == 0 and "warning" not in r.stdout + r.stderr, r.stdout + r.stderr
        assert run_mizzle(["migrate"], cwd=tmp_path, url=rebuilt).code == 0
        assert schema_dump(rebuilt) == schema_dump(source)
        d = run_mizzle(["drift"], cwd=tmp_path, url=rebuilt)
        assert d.code == 0, d.stdout + d.stderr
