-- expect: MZ124
-- PostgreSQL: foreign key constraint "message_chat_id_fkey" cannot be implemented (scira's chat.id made
-- uuid while message.chat_id stays text, as drizzle-kit 1.x wrote it)
CREATE TABLE "chat" ("id" text PRIMARY KEY);
--> statement-breakpoint
CREATE TABLE "message" ("id" text PRIMARY KEY, "chat_id" text NOT NULL REFERENCES "chat"("id"));
--> statement-breakpoint
ALTER TABLE "chat" ALTER COLUMN "id" SET DATA TYPE uuid USING "id"::uuid;
