-- expect: MZ125
-- PostgreSQL: foreign key constraint "bans_user_id_fkey" cannot be implemented (CodesWhat/concord's hand-written
-- 0002_add_bans.sql: bans.user_id text referencing users.id uuid)
CREATE TABLE "users" ("id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL, "username" varchar(32) NOT NULL);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "bans" (
	"user_id" text NOT NULL REFERENCES "users"("id"),
	"reason" text
);
