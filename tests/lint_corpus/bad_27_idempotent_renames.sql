-- mizzle:idempotent
-- expect: MZ401, MZ401, MZ107, MZ106
ALTER TABLE IF EXISTS "public"."users" RENAME COLUMN "a" TO "b";
--> statement-breakpoint
ALTER TABLE "public"."posts" RENAME TO "articles";
