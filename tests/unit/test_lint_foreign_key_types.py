"""A column retyped under a foreign key to a type its other column cannot be compared with (MZ124): PostgreSQL
refuses the ALTER ("foreign key constraint … cannot be implemented", 42804). drizzle-kit 1.x wrote it for
zaidmukaddam/scira (chat.id text → uuid, message.chat_id left text) and Mail-0/Zero (mail0_user.id text → uuid
under the text user_id keys): the migrations failed on every database, and lint said nothing."""

from __future__ import annotations

from mizzle.lint import LintContext, lint_file
from mizzle.schema.model import Column, ForeignKey, PrimaryKey, Schema, Table

CHAT = Table("chat", columns=(Column("id", "text", not_null=True), Column("n", "integer")),
             primary_key=PrimaryKey(("id",)))
MESSAGE = Table("message", columns=(Column("id", "text", not_null=True), Column("chat_id", "text", not_null=True),
                                    Column("n", "integer")),
                primary_key=PrimaryKey(("id",)),
                foreign_keys=(ForeignKey("message_chat_id_chat_id_fkey", ("chat_id",), "chat", ("id",)),))
BEFORE = Schema(tables=(CHAT, MESSAGE))


def rules(text: str) -> dict[str, str]:
    return {f.rule: f.message for f in lint_file(text, LintContext(previous=BEFORE, file="t.sql"))}


def test_the_referenced_key_retyped_under_a_foreign_key_of_the_previous_snapshot() -> None:
    m = rules('ALTER TABLE "chat" ALTER COLUMN "id" SET DATA TYPE uuid USING "id"::uuid;')
    assert "MZ124" in m, m
    assert "message_chat_id_chat_id_fkey" in m["MZ124"] and "public.message.chat_id" in m["MZ124"], m


def test_the_referencing_column_retyped() -> None:
    m = rules('ALTER TABLE "message" ALTER COLUMN "chat_id" SET DATA TYPE uuid USING "chat_id"::uuid;')
    assert "MZ124" in m and "public.chat.id" in m["MZ124"], m


def test_types_the_key_can_compare_and_a_key_dropped_first_are_no_finding() -> None:
    assert "MZ124" not in rules('ALTER TABLE "chat" ALTER COLUMN "id" SET DATA TYPE varchar(64);')
    assert "MZ124" not in rules('ALTER TABLE "chat" ALTER COLUMN "n" SET DATA TYPE uuid USING NULL;')
    moved = ('ALTER TABLE "message" DROP CONSTRAINT "message_chat_id_chat_id_fkey";\n--> statement-breakpoint\n'
             'ALTER TABLE "chat" ALTER COLUMN "id" SET DATA TYPE uuid USING "id"::uuid;\n--> statement-breakpoint\n'
             'ALTER TABLE "message" ALTER COLUMN "chat_id" SET DATA TYPE uuid USING "chat_id"::uuid;\n'
             '--> statement-breakpoint\nALTER TABLE "message" ADD CONSTRAINT "message_chat_id_chat_id_fkey" '
             'FOREIGN KEY ("chat_id") REFERENCES "chat"("id");')
    assert "MZ124" not in rules(moved)


def test_a_renamed_column_keeps_its_foreign_key() -> None:
    text = ('ALTER TABLE "message" RENAME COLUMN "chat_id" TO "thread_id";\n--> statement-breakpoint\n'
            'ALTER TABLE "message" ALTER COLUMN "thread_id" SET DATA TYPE bigint USING 0;')
    assert "public.chat.id" in rules(text).get("MZ124", ""), rules(text)


def test_a_foreign_key_added_between_types_the_key_cannot_compare() -> None:
    """CodesWhat/concord's apps/api/migrations/0002_add_bans.sql: `CREATE TABLE IF NOT EXISTS "bans" ("user_id" text
    NOT NULL REFERENCES "users"("id"), …)` where users.id is uuid: both migrators fail on it ("foreign key
    constraint "bans_user_id_fkey" cannot be implemented"), and lint said nothing (MZ124 read retypes only)."""
    m = rules('CREATE TABLE IF NOT EXISTS "bans" (\n\t"chat" uuid NOT NULL REFERENCES "chat"("id"),\n\t"n" integer\n);')
    assert "MZ125" in m and "bans_chat_fkey" in m["MZ125"] and "public.chat.id" in m["MZ125"], m
    m = rules('ALTER TABLE "message" ADD CONSTRAINT "m_n_fk" FOREIGN KEY ("n") REFERENCES "chat"("id");')
    assert "MZ125" in m and "m_n_fk" in m["MZ125"], m
    assert "MZ125" in rules('ALTER TABLE "message" ADD COLUMN "c2" uuid REFERENCES "chat"("id");')
    # types the key compares, a column the file made earlier, a table referencing itself, an unknown column
    assert "MZ125" not in rules('CREATE TABLE "b" ("chat" varchar(64) REFERENCES "chat"("id"));')
    assert "MZ125" not in rules('CREATE TABLE "t" ("id" uuid PRIMARY KEY, "up" uuid REFERENCES "t"("id"));')
    assert "MZ125" in rules('CREATE TABLE "t" ("id" uuid PRIMARY KEY, "up" text REFERENCES "t"("id"));')
    assert "MZ125" not in rules('CREATE TABLE "b" ("x" uuid REFERENCES "elsewhere"("id"));')
    made = ('ALTER TABLE "chat" ADD COLUMN "u" uuid;\n--> statement-breakpoint\n'
            'CREATE TABLE "b" ("chat" uuid REFERENCES "chat"("u"));')
    assert "MZ125" not in rules(made)
