"""Triggers with transition tables (`REFERENCING OLD TABLE AS … NEW TABLE AS …`) on a real server. coder's dump
(`coderd/database/dump.sql`) keeps a chat's history with two statement triggers of this kind: pull named them
as not managed, so the module it wrote rebuilt a database without them (`pg_dump -s` differed by the two
triggers). Declared with `Trigger(..., old_table=…, new_table=…)`, made, changed and dropped with
`generate --check`, `drift` and `verify` clean at each step; made by hand, pulled, and the module rebuilds the
same database."""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest
from pg_project import assert_clean, fresh_config, write_project
from pgtools import schema_dump, temp_database, url_for

import mizzle
from mizzle.commands.generate import export, generate
from mizzle.commands.pull import pull
from mizzle.config import load_config
from mizzle.migrations.folder import split_statements
from mizzle.pg import Trigger

pytestmark = pytest.mark.pg
SERVER = url_for("postgres")

HEAD = '''
import sqlalchemy as sa
from mizzle.pg import Function, Trigger

metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))
seen = Function("seen", "BEGIN RETURN NULL; END", returns="trigger")
'''
STEP1 = HEAD + '''
t_ins = Trigger("t_ins", t, seen, events=("INSERT",), timing="AFTER", for_each="STATEMENT",
                new_table="new rows")
t_upd = Trigger("t_upd", t, seen, events=("UPDATE",), timing="AFTER", for_each="STATEMENT",
                old_table="o", new_table="n", comment="history")
'''
STEP2 = HEAD + '''
t_ins = Trigger("t_ins", t, seen, events=("INSERT",), timing="AFTER", for_each="STATEMENT",
                new_table="added")
t_upd = Trigger("t_upd", t, seen, events=("UPDATE",), timing="AFTER", for_each="STATEMENT",
                old_table="o", new_table="n", comment="history")
t_del = Trigger("t_del", t, seen, events=("DELETE",), timing="AFTER", old_table="gone")
'''
STEP3 = HEAD


def _transition_tables(url: str) -> list[tuple[str, str | None, str | None]]:
    with psycopg.connect(url) as c:
        return c.execute("SELECT tgname, tgoldtable, tgnewtable FROM pg_trigger WHERE NOT tgisinternal "
                         "ORDER BY tgname").fetchall()


def test_transition_tables_created_changed_dropped(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    with temp_database("mztrans") as url:
        sqls = []
        for n, source in enumerate((STEP1, STEP2, STEP3), 1):
            write_project(root, source)
            sqls.append(generate(fresh_config(root), name=f"step{n}").sql_path.read_text())
            mizzle.migrate(url=url, folder=root / "migrations")
            assert_clean(fresh_config(root), url, SERVER)
            if n == 1:
                assert _transition_tables(url) == [("t_ins", None, "new rows"), ("t_upd", "o", "n")]
            if n == 2:
                assert _transition_tables(url) == [("t_del", "gone", None), ("t_ins", None, "added"),
                                                   ("t_upd", "o", "n")]
        assert 'ON "public"."t" REFERENCING NEW TABLE AS "new rows" FOR EACH STATEMENT' in sqls[0], sqls[0]
        assert 'REFERENCING OLD TABLE AS "o" NEW TABLE AS "n" FOR EACH STATEMENT' in sqls[0], sqls[0]
        assert "t_upd" not in sqls[1] and 'REFERENCING OLD TABLE AS "gone" FOR EACH ROW' in sqls[1], sqls[1]
        assert _transition_tables(url) == []


def test_transition_tables_pulled_rebuild_the_database(tmp_path: Path) -> None:
    setup = ["CREATE TABLE chat_messages (id int PRIMARY KEY, body text)",
             "CREATE FUNCTION keep_history() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$",
             # coder's two chat history triggers, as its dump makes them
             "CREATE TRIGGER trigger_update_chat_history_after_message_insert AFTER INSERT ON chat_messages "
             "REFERENCING NEW TABLE AS chat_message_history_new_rows FOR EACH STATEMENT "
             "EXECUTE FUNCTION keep_history()",
             "CREATE TRIGGER trigger_update_chat_history_after_message_update AFTER UPDATE ON chat_messages "
             "REFERENCING OLD TABLE AS chat_message_history_old_rows NEW TABLE AS chat_message_history_new_rows "
             "FOR EACH STATEMENT EXECUTE FUNCTION keep_history()",
             'CREATE TRIGGER "odd one" AFTER DELETE ON chat_messages REFERENCING OLD TABLE AS "Old Rows" '
             "FOR EACH ROW WHEN (true) EXECUTE FUNCTION keep_history('x')"]
    with temp_database("mztransp") as src, temp_database("mztransp2") as dst:
        with psycopg.connect(src, autocommit=True) as c:
            for sql in setup:
                c.execute(sql)
        (tmp_path / "mizzle.toml").write_text('dialect = "postgresql"\nschema = ["db/schema.py"]\nout = "migrations"\n')
        result = pull(load_config(tmp_path / "mizzle.toml"), src, mark=False)
        assert not [w for w in result.unmanaged if "trigger" in w], result.unmanaged
        assert not [w for w in result.warnings if "trigger" in w], result.warnings
        text = result.schema_path.read_text()
        assert "old_table='chat_message_history_old_rows', new_table='chat_message_history_new_rows'" in text, text
        for name in [n for n, m in sys.modules.items() if getattr(m, "__file__", None) == str(result.schema_path)]:
            del sys.modules[name]
        cfg = load_config(tmp_path / "mizzle.toml")
        again = generate(cfg, check=True)
        assert again.changes == [], [c.describe() for c in again.changes]
        with psycopg.connect(dst, autocommit=True) as c:
            for st in split_statements(export(cfg)):
                c.execute(st.sql)
        assert schema_dump(dst) == schema_dump(src)


@pytest.mark.parametrize("kwargs", [dict(new_table="n"), dict(timing="AFTER", constraint=True, new_table="n"),
                                    dict(timing="AFTER", events=("INSERT", "UPDATE"), new_table="n"),
                                    dict(timing="AFTER", events="UPDATE OF n", old_table="o"),
                                    dict(timing="AFTER", old_table="o"),
                                    dict(timing="AFTER", events=("DELETE",), new_table="n")])
def test_transition_table_declaration_errors(kwargs: dict[str, object]) -> None:
    kwargs = {"events": ("INSERT",), **kwargs}
    with pytest.raises(ValueError, match="trigger x: "):
        Trigger("x", "t", "f", **kwargs)  # type: ignore[arg-type]
