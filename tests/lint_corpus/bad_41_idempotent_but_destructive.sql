-- mizzle:idempotent
-- expect: MZ101, MZ102, MZ106
-- re-runnable, but still destructive: idempotency does not make a drop safe
DROP TABLE IF EXISTS "public"."old";
--> statement-breakpoint
ALTER TABLE "public"."users" DROP COLUMN IF EXISTS "legacy";
--> statement-breakpoint
ALTER TABLE IF EXISTS "public"."posts" RENAME TO "articles";
