"""A drizzle-kit folder (no meta/_mizzle.json) whose hand-written SQL made a function and a trigger (found on dyad's
SQLite folder: five FTS triggers; ai-chatbot's with a trigger added): its snapshots have no field for them, so after
`pull` wrote them into the schema code, `generate` created them a second time — a migration that fails where they
exist. generate now takes them as made by the folder's SQL and says so; a DROP in a later migration undoes that."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hand_made_folder import folder_with_hand_sql, point_at, pulled_code
from pgtools import temp_database

from mizzle.commands.generate import generate
from mizzle.config import load_config
from mizzle.errors import IntegrityError
from mizzle.runner.migrate import migrate

pytestmark = pytest.mark.pg

TABLES = '''import sqlalchemy as sa
metadata = sa.MetaData()
t = sa.Table("t", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))
log = sa.Table("log", metadata, sa.Column("id", sa.Integer))
'''
OBJECTS = {
    "sqlite": "CREATE TRIGGER `t_ai` AFTER INSERT ON `t` BEGIN\n\tINSERT INTO `log` (`id`) VALUES (new.`id`);\nEND;",
    "postgresql": "CREATE FUNCTION log_t() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO log (id) "
                  "VALUES (NEW.id); RETURN NEW; END $$;\n--> statement-breakpoint\n"
                  "CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION log_t();",
}


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_objects_a_folders_sql_made_are_not_made_again(dialect: str, pg_available: bool, tmp_path: Path) -> None:
    project = tmp_path / dialect
    module = f"folder_objects_{dialect}"
    folder_with_hand_sql(project, module, TABLES, OBJECTS[dialect], "objects")
    with temp_database("mzfo") if dialect == "postgresql" else _sqlite(tmp_path) as url:
        migrate(url=url, folder=project / "drizzle")
        code = pulled_code(tmp_path / f"pulled_{dialect}", dialect, url)
        assert "t_ai" in code
        (project / f"{module}.py").write_text(code)
        point_at(project, module)
        try:
            result = generate(load_config(project / "mizzle.toml"), check=True)
            assert not result.changes
            # a real change next: the objects are said to be taken, and recorded from then on
            (project / f"{module}.py").write_text(code.replace('sa.Column("n", sa.Integer', 'sa.Column("m", sa.Integer), '
                                                               'sa.Column("n", sa.Integer', 1))
            sys.modules.pop(module, None)
            result = generate(load_config(project / "mizzle.toml"), name="more")
            assert [c for c in result.changes if "t_ai" in c or "log_t" in c] == [], result.changes
            assert any("taken as the folder's own SQL made them" in w and "t_ai" in w for w in result.warnings)
            migrate(url=url, folder=project / "drizzle")  # the new migration applies: no object made twice
            assert (project / "drizzle" / "meta" / "_mizzle.json").exists()
            sys.modules.pop(module, None)
            assert not generate(load_config(project / "mizzle.toml"), check=True).changes
        finally:
            sys.modules.pop(module, None)


class _sqlite:
    def __init__(self, tmp: Path) -> None:
        self.url = f"sqlite:///{tmp / 'app.db'}"

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc: object) -> None:
        pass


HAND_MADE_PARTS = ("CREATE MATERIALIZED VIEW t_sums AS SELECT n, count(*) AS c FROM t GROUP BY n;\n"
                   "--> statement-breakpoint\nCREATE UNIQUE INDEX IF NOT EXISTS t_sums_n ON t_sums (n);\n"
                   "--> statement-breakpoint\n"
                   'ALTER TABLE "t" ADD CONSTRAINT "t_n_excl" EXCLUDE USING btree ("n" WITH =);')


def test_a_materialized_views_index_and_an_exclusion_a_folders_sql_made_are_not_made_again(
        pg_available: bool, tmp_path: Path) -> None:
    """portabase's unique index on a materialized view and bissbilanz's EXCLUDE constraint, both written by hand: after
    `pull`, generate made them a second time (CREATE UNIQUE INDEX, ADD CONSTRAINT … EXCLUDE, failing where they exist)."""
    project = tmp_path / "postgresql"
    module = "folder_parts_postgresql"
    folder_with_hand_sql(project, module, TABLES, HAND_MADE_PARTS, "parts")
    snap = project / "drizzle" / "meta" / "0001_snapshot.json"
    with temp_database("mzfp") as url:
        migrate(url=url, folder=project / "drizzle")
        code = pulled_code(tmp_path / "pulled", "postgresql", url)
        assert "t_sums_n" in code and "t_n_excl" in code
        # the view itself is in drizzle-kit's snapshot (its `views` field), as drizzle-kit would have written it
        import json

        from mizzle.dialects.postgres.snapshot import snapshot_from_schema
        from mizzle.pg import View
        data = json.loads(snap.read_text())
        data["views"] = snapshot_from_schema(_only_view(View("t_sums", "SELECT n, count(*) AS c FROM t GROUP BY n",
                                                             materialized=True)))[0]["views"]
        snap.write_text(json.dumps(data, indent=2))
        (project / f"{module}.py").write_text(code)
        point_at(project, module)
        try:
            result = generate(load_config(project / "mizzle.toml"), check=True)
            assert not result.changes, result.changes
            assert any("taken as the folder's own SQL made them" in w and "t_sums_n" in w and "t_n_excl" in w
                       for w in result.warnings), result.warnings
        finally:
            sys.modules.pop(module, None)


def _only_view(view):  # type: ignore[no-untyped-def]
    from mizzle.schema.model import make_schema

    return make_schema("postgresql", tables=[], objects=[view.to_model()])


HAND_MADE_COMMENTS = """COMMENT ON TABLE "t" IS 'Counts, as ''given''';
--> statement-breakpoint
COMMENT ON COLUMN "t"."n" IS 'Full name from the profile, updated on each login';
--> statement-breakpoint
COMMENT ON COLUMN "log"."id" IS 'unset again';
--> statement-breakpoint
COMMENT ON COLUMN "log"."id" IS NULL;
"""


def test_comments_a_folders_sql_made_are_not_made_again(pg_available: bool, tmp_path: Path) -> None:
    """Vasteras-Stadsmission/matkassen's 0033 comments users.display_name and users.avatar_url by hand (COMMENT ON
    COLUMN … IS '…'): drizzle-kit's snapshots have no field for comments, so after `pull` wrote them into the schema
    code, generate --check reported '~ column users.display_name: comment None → …' on the database the folder built.
    A comment the code states as the folder's SQL left it is now taken as made; any other text is still a change."""
    project = tmp_path / "postgresql"
    module = "folder_comments_postgresql"
    folder_with_hand_sql(project, module, TABLES, HAND_MADE_COMMENTS, "comments")
    with temp_database("mzfc") as url:
        migrate(url=url, folder=project / "drizzle")
        code = pulled_code(tmp_path / "pulled", "postgresql", url)
        assert "Full name from the profile" in code
        (project / f"{module}.py").write_text(code)
        point_at(project, module)
        try:
            result = generate(load_config(project / "mizzle.toml"), check=True)
            assert not result.changes, result.changes
            assert any("comments" in w and "t.n" in w for w in result.warnings), result.warnings
            # a comment no migration made is still a change
            (project / f"{module}.py").write_text(code.replace("Full name from the profile", "Another text"))
            sys.modules.pop(module, None)
            with pytest.raises(IntegrityError) as e:
                generate(load_config(project / "mizzle.toml"), check=True)
            assert [ln.strip() for ln in str(e.value).splitlines()[1:]] == [
                "~ column t.n: comment None → 'Another text, updated on each login'"]
        finally:
            sys.modules.pop(module, None)
