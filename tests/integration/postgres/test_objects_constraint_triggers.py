"""Constraint triggers (`CREATE CONSTRAINT TRIGGER … DEFERRABLE INITIALLY DEFERRED`, pg-schema-diff's cases) on a
real server: declared with `Trigger(..., constraint=True, deferrable=…, initially_deferred=…)`, made, changed
(dropped and made again, or renamed in place: PostgreSQL has no OR REPLACE for them) and dropped with `generate --check`, `drift` and
`verify` clean at each step; made by hand, pulled, and the module rebuilds the same database (`pg_dump -s`).
One naming a referenced table (`FROM`) is not managed: named in pull's warnings (triggers with transition tables
are managed: test_objects_transition_tables.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest
from pg_project import assert_clean, fresh_config, write_project
from pgtools import schema_dump, temp_database, url_for

import mizzle
from mizzle.commands.drift import drift
from mizzle.commands.generate import export, generate
from mizzle.commands.pull import pull
from mizzle.config import load_config
from mizzle.dialects.postgres.objects_idempotent import rerunnable
from mizzle.migrations.folder import split_statements
from mizzle.pg import Trigger

pytestmark = pytest.mark.pg
SERVER = url_for("postgres")

HEAD = '''
import sqlalchemy as sa
from mizzle.pg import Function, Trigger

metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))
check_n = Function("check_n", "BEGIN IF NEW.n < 0 THEN RAISE 'negative'; END IF; RETURN NULL; END",
                   returns="trigger")
'''
STEP1 = HEAD + '''
t_check = Trigger("t_check", t, check_n, events=("INSERT",), constraint=True, deferrable=True,
                  initially_deferred=True, comment="checked at commit")
t_plain = Trigger("t_plain", t, check_n, events=("UPDATE",), constraint=True)
'''
STEP2 = HEAD + '''
t_check = Trigger("t_check", t, check_n, events=("INSERT", "UPDATE"), constraint=True, deferrable=True,
                  comment="checked at commit")
t_plain2 = Trigger("t_plain2", t, check_n, events=("UPDATE",), constraint=True, renamed_from="t_plain")
'''
STEP3 = HEAD


def _clean(root: Path, url: str) -> None:
    assert_clean(fresh_config(root), url, SERVER)


def _triggers(url: str) -> list[tuple[str, bool, bool, bool]]:
    with psycopg.connect(url) as c:
        return c.execute("SELECT tgname, tgconstraint <> 0, tgdeferrable, tginitdeferred FROM pg_trigger "
                         "WHERE NOT tgisinternal ORDER BY tgname").fetchall()


def test_constraint_triggers_created_changed_dropped(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    with temp_database("mzctrig") as url:
        sqls = []
        for n, source in enumerate((STEP1, STEP2, STEP3), 1):
            write_project(root, source)
            sqls.append(generate(fresh_config(root), name=f"step{n}").sql_path.read_text())
            mizzle.migrate(url=url, folder=root / "migrations")
            _clean(root, url)
            if n == 1:
                assert _triggers(url) == [("t_check", True, True, True), ("t_plain", True, False, False)]
                made = [st.sql.rstrip().rstrip(";") for st in split_statements(sqls[0]) if st.sql.startswith("CREATE CONSTRAINT")]
                with psycopg.connect(url, autocommit=True) as c:  # generate --idempotent's form runs again
                    for sql in made:
                        c.execute(rerunnable(sql))
                with psycopg.connect(url) as c:  # deferred: the bad row passes the INSERT, fails the COMMIT
                    c.execute("INSERT INTO t VALUES (1, -1)")
                    with pytest.raises(psycopg.errors.RaiseException):
                        c.commit()
            if n == 2:
                assert _triggers(url) == [("t_check", True, True, False), ("t_plain2", True, False, False)]
        assert 'CREATE CONSTRAINT TRIGGER "t_check" AFTER INSERT ON "public"."t" DEFERRABLE INITIALLY DEFERRED ' \
               "FOR EACH ROW" in sqls[0], sqls[0]
        assert 'NOT DEFERRABLE INITIALLY IMMEDIATE' in sqls[0]
        assert 'DROP TRIGGER "t_check"' in sqls[1] and "INITIALLY IMMEDIATE FOR EACH ROW" in sqls[1], sqls[1]
        assert 'ALTER TRIGGER "t_plain" ON "public"."t" RENAME TO "t_plain2"' in sqls[1], sqls[1]
        assert _triggers(url) == []


def test_constraint_triggers_pulled_rebuild_the_database(tmp_path: Path) -> None:
    setup = ["CREATE TABLE t (id int PRIMARY KEY, n int)", "CREATE TABLE other (id int PRIMARY KEY)",
             "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$",
             "CREATE CONSTRAINT TRIGGER c1 AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
             "EXECUTE FUNCTION f()",
             "CREATE CONSTRAINT TRIGGER c2 AFTER UPDATE OF n OR DELETE ON t DEFERRABLE FOR EACH ROW "
             "WHEN (OLD.n IS DISTINCT FROM 0) EXECUTE FUNCTION f('a')",
             "CREATE CONSTRAINT TRIGGER c3 AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()",
             "COMMENT ON TRIGGER c3 ON t IS 'immediate'"]
    unmanaged = ["CREATE CONSTRAINT TRIGGER c4 AFTER INSERT ON t FROM other FOR EACH ROW EXECUTE FUNCTION f()"]
    with temp_database("mzctrigp") as src, temp_database("mzctrigp2") as dst:
        with psycopg.connect(src, autocommit=True) as c:
            for sql in setup + unmanaged:
                c.execute(sql)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        result = pull(load_config(tmp_path / "mizzle.toml"), src, mark=False)
        listed = [w for w in result.unmanaged if "constraint triggers from another table" in w]
        assert len(listed) == 1 and "c4 on public.t" in listed[0], result.unmanaged
        assert not [w for w in result.warnings if w.startswith("not pulled")], result.warnings  # named once
        text = result.schema_path.read_text()
        assert "constraint=True, deferrable=True, initially_deferred=True" in text, text
        for name in [n for n, m in sys.modules.items() if getattr(m, "__file__", None) == str(result.schema_path)]:
            del sys.modules[name]
        cfg = load_config(tmp_path / "mizzle.toml")
        again = generate(cfg, check=True)
        assert again.changes == [], [c.describe() for c in again.changes]
        with psycopg.connect(dst, autocommit=True) as c:
            for st in split_statements(export(cfg)):
                c.execute(st.sql)
            for sql in unmanaged:
                c.execute(sql)
        assert schema_dump(dst) == schema_dump(src)
        found = drift(url=src, folder=tmp_path / "migrations")  # (nothing marked applied there: listed all the same)
        assert any("constraint triggers from another table" in w and "c4 on public.t" in w
                   for w in found.unmanaged), found.unmanaged


@pytest.mark.parametrize("kwargs", [dict(deferrable=True), dict(constraint=True, timing="BEFORE"),
                                    dict(constraint=True, for_each="STATEMENT"),
                                    dict(constraint=True, initially_deferred=True)])
def test_constraint_trigger_declaration_errors(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="trigger x: "):
        Trigger("x", "t", "f", events=("INSERT",), **kwargs)  # type: ignore[arg-type]
