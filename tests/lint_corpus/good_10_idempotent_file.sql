-- mizzle:idempotent
-- expect: none
CREATE SCHEMA IF NOT EXISTS "analytics";
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "analytics"."events" ("id" bigint PRIMARY KEY);
--> statement-breakpoint
ALTER TABLE "public"."users" ADD COLUMN IF NOT EXISTS "bio" text;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "events_id_idx" ON "analytics"."events" ("id");
--> statement-breakpoint
ALTER TYPE "public"."mood" ADD VALUE IF NOT EXISTS 'ok';
--> statement-breakpoint
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type WHERE typname = 'kind') THEN
		CREATE TYPE "public"."kind" AS ENUM('a', 'b');
	END IF;
END $$;
--> statement-breakpoint
ALTER TABLE "public"."users" ALTER COLUMN "bio" SET DEFAULT '';
