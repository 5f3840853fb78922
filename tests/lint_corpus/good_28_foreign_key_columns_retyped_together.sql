-- expect: none
-- a key and the column referencing it retyped with the foreign key dropped first, and retypes the key compares
CREATE TABLE "chat" ("id" text PRIMARY KEY, "seq" integer UNIQUE);
--> statement-breakpoint
CREATE TABLE "message" ("id" text PRIMARY KEY, "chat_id" text NOT NULL, "chat_seq" integer);
--> statement-breakpoint
ALTER TABLE "message" ADD CONSTRAINT "message_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chat"("id");
--> statement-breakpoint
ALTER TABLE "message" ADD CONSTRAINT "message_chat_seq_fkey" FOREIGN KEY ("chat_seq") REFERENCES "chat"("seq");
--> statement-breakpoint
ALTER TABLE "chat" ALTER COLUMN "seq" SET DATA TYPE bigint;
--> statement-breakpoint
ALTER TABLE "message" ALTER COLUMN "chat_id" SET DATA TYPE varchar(64);
--> statement-breakpoint
ALTER TABLE "message" DROP CONSTRAINT "message_chat_id_fkey";
--> statement-breakpoint
ALTER TABLE "chat" ALTER COLUMN "id" SET DATA TYPE uuid USING "id"::uuid;
--> statement-breakpoint
ALTER TABLE "message" ALTER COLUMN "chat_id" SET DATA TYPE uuid USING "chat_id"::uuid;
--> statement-breakpoint
ALTER TABLE "message" ADD CONSTRAINT "message_chat_id_fkey" FOREIGN KEY ("chat_id") REFERENCES "chat"("id");
