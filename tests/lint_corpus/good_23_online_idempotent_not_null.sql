-- mizzle:no-transaction
-- mizzle:online
-- mizzle:idempotent
-- expect: none
SET LOCAL lock_timeout = '5s';
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = to_regclass('"public"."posts"') AND conname = 'posts_body_mizzle_nn') THEN
		ALTER TABLE "public"."posts" ADD CONSTRAINT "posts_body_mizzle_nn" CHECK ("body" IS NOT NULL) NOT VALID;
	END IF;
END $$;--> statement-breakpoint
SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."posts" VALIDATE CONSTRAINT "posts_body_mizzle_nn";--> statement-breakpoint
SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."posts" ALTER COLUMN "body" SET NOT NULL;
ALTER TABLE "public"."posts" DROP CONSTRAINT IF EXISTS "posts_body_mizzle_nn";
