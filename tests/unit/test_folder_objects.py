"""What a drizzle-kit folder's SQL made that its snapshots cannot hold (migrations/folder_objects.py), read from the
SQL text: a CREATE inside a DO block runs when the migration does (VeriTeknik/pluggedin-app's 0083 makes two
triggers in `DO $$ BEGIN IF NOT EXISTS (…) THEN CREATE TRIGGER … END IF; END$$;`), one inside a function's body only
when the function is called. No server."""

from __future__ import annotations

import json
from pathlib import Path

from mizzle.migrations.folder import MigrationFolder
from mizzle.migrations.folder_objects import made_by_sql

SQL = """CREATE OR REPLACE FUNCTION touch() RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE FUNCTION later() RETURNS void LANGUAGE plpgsql AS $body$
BEGIN
    CREATE TRIGGER made_only_when_called BEFORE UPDATE ON "t" FOR EACH ROW EXECUTE FUNCTION touch();
END $body$;
--> statement-breakpoint
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'clusters_updated_at_trigger') THEN
        CREATE TRIGGER clusters_updated_at_trigger
            BEFORE UPDATE ON "clusters" FOR EACH ROW EXECUTE FUNCTION touch();
    END IF;
END$$;
--> statement-breakpoint
do language plpgsql $do$ begin create trigger "Quoted" before update on "t" for each row execute function touch();
end $do$;
--> statement-breakpoint
DO $$ BEGIN DROP TRIGGER IF EXISTS gone ON "t"; END $$;
"""


def test_a_create_in_a_do_block_is_made_one_in_a_function_body_is_not(tmp_path: Path) -> None:
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text('CREATE TRIGGER gone BEFORE UPDATE ON "t" FOR EACH ROW EXECUTE FUNCTION f();')
    (out / "0001_objects.sql").write_text(SQL)
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
        for i, tag in enumerate(["0000_init", "0001_objects"])]}))
    assert made_by_sql(MigrationFolder(out)) == {
        ("function", "touch"), ("function", "later"), ("trigger", "clusters_updated_at_trigger"),
        ("trigger", "Quoted")}


RENAMES = """ALTER FUNCTION capture_old() RENAME TO capture_new;
--> statement-breakpoint
ALTER TRIGGER old_trg ON "renamed_table" RENAME TO new_trg;
--> statement-breakpoint
ALTER FUNCTION public.sum_it(a numeric(10, 2), b integer DEFAULT 0) RENAME TO "SumIt";
--> statement-breakpoint
ALTER FUNCTION unknown_here() RENAME TO not_made_here;
--> statement-breakpoint
ALTER TABLE "t" RENAME TO "u";
"""


def test_a_rename_moves_what_the_sql_made_to_its_new_name(tmp_path: Path) -> None:
    """2witstudios/PageSpace's 0254 renames a function and a trigger it made earlier (ALTER FUNCTION … RENAME TO,
    ALTER TRIGGER … ON … RENAME TO): generate --check took them for objects no migration made yet."""
    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text(
        "CREATE FUNCTION capture_old() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$;\n"
        "--> statement-breakpoint\n"
        'CREATE TRIGGER old_trg AFTER DELETE ON "t" FOR EACH ROW EXECUTE FUNCTION capture_old();\n'
        "--> statement-breakpoint\n"
        "CREATE FUNCTION sum_it(a numeric(10, 2), b integer DEFAULT 0) RETURNS numeric LANGUAGE sql "
        "AS 'SELECT a + b';")
    (out / "0001_rename.sql").write_text(RENAMES)
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
        for i, tag in enumerate(["0000_init", "0001_rename"])]}))
    assert made_by_sql(MigrationFolder(out)) == {
        ("function", "capture_new"), ("trigger", "new_trg"), ("function", "SumIt")}


COMMENTS = """COMMENT ON TABLE "users" IS 'People; who -- sign in';
--> statement-breakpoint
COMMENT ON COLUMN "users"."display_name" IS 'Full name from GitHub, ''as given''';
--> statement-breakpoint
COMMENT ON COLUMN public.users.avatar_url IS 'GitHub avatar URL';
--> statement-breakpoint
-- COMMENT ON COLUMN "users"."email" IS 'only a comment of the file';
COMMENT ON COLUMN "users"."gone" IS 'dropped later';
--> statement-breakpoint
COMMENT ON COLUMN "users"."nulled" IS 'unset later';
--> statement-breakpoint
COMMENT ON COLUMN "users"."escaped" IS E'not read: an escape string';
--> statement-breakpoint
COMMENT ON COLUMN "old_t"."c" IS 'follows its table';
--> statement-breakpoint
COMMENT ON COLUMN "users"."old_c" IS 'follows its column';
--> statement-breakpoint
CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN COMMENT ON TABLE "users" IS 'only when called'; END $$;
"""
LATER = """ALTER TABLE "users" DROP COLUMN "gone";--> statement-breakpoint
COMMENT ON COLUMN "users"."nulled" IS NULL;--> statement-breakpoint
ALTER TABLE "old_t" RENAME TO "new_t";--> statement-breakpoint
ALTER TABLE "users" RENAME COLUMN "old_c" TO "new_c";--> statement-breakpoint
DROP TABLE "dropped";
"""


def test_the_comments_a_folders_sql_leaves_follow_drops_renames_and_nulls(tmp_path: Path) -> None:
    """Vasteras-Stadsmission/matkassen's 0033 comments two columns by hand (COMMENT ON COLUMN "users"."display_name"
    IS '…'): drizzle-kit's snapshots have no field for comments, so the folder's SQL is where they are recorded."""
    from mizzle.migrations.folder_objects import comments_by_sql

    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text(COMMENTS + "--> statement-breakpoint\n"
                                       "COMMENT ON TABLE \"dropped\" IS 'made and dropped';")
    (out / "0001_later.sql").write_text(LATER)
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
        for i, tag in enumerate(["0000_init", "0001_later"])]}))
    assert comments_by_sql(MigrationFolder(out)) == {
        (None, "users", None): "People; who -- sign in",
        (None, "users", "display_name"): "Full name from GitHub, 'as given'",
        ("public", "users", "avatar_url"): "GitHub avatar URL",
        (None, "new_t", "c"): "follows its table",
        (None, "users", "new_c"): "follows its column"}


def test_the_extensions_a_folders_sql_leaves_created(tmp_path: Path) -> None:
    """kanbn/kan's SQL creates pg_trgm and uuid-ossp (quoted); one dropped later, or created only inside a function's
    body, is not left; one moved by ALTER EXTENSION … SET SCHEMA is where it was moved."""
    from mizzle.migrations.folder_objects import extensions_by_sql

    out = tmp_path / "drizzle"
    (out / "meta").mkdir(parents=True)
    (out / "0000_init.sql").write_text(
        'CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint\nCREATE EXTENSION IF NOT EXISTS "uuid-ossp";'
        "--> statement-breakpoint\nCREATE EXTENSION citext WITH SCHEMA extensions;--> statement-breakpoint\n"
        "CREATE EXTENSION hstore;--> statement-breakpoint\n"
        "-- CREATE EXTENSION ltree;\nCREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
        "CREATE EXTENSION intarray; END $$;")
    (out / "0001_later.sql").write_text("DROP EXTENSION IF EXISTS hstore CASCADE;--> statement-breakpoint\n"
                                        "ALTER EXTENSION pg_trgm SET SCHEMA extensions;")
    (out / "meta" / "_journal.json").write_text(json.dumps({"version": "7", "dialect": "postgresql", "entries": [
        {"idx": i, "version": "7", "when": 1700000000000 + i, "tag": tag, "breakpoints": True}
        for i, tag in enumerate(["0000_init", "0001_later"])]}))
    assert extensions_by_sql(MigrationFolder(out)) == {
        "pg_trgm": "extensions", "uuid-ossp": None, "citext": "extensions"}
