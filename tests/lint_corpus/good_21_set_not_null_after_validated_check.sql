-- mizzle:no-transaction
-- mizzle:online
-- expect: none
SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."posts" ADD CONSTRAINT "posts_body_mizzle_nn" CHECK ("body" IS NOT NULL) NOT VALID;
--> statement-breakpoint
SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."posts" VALIDATE CONSTRAINT "posts_body_mizzle_nn";
--> statement-breakpoint
SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."posts" ALTER COLUMN "body" SET NOT NULL;
ALTER TABLE "public"."posts" DROP CONSTRAINT "posts_body_mizzle_nn";
