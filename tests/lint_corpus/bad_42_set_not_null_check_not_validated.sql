SET LOCAL lock_timeout = '5s';
ALTER TABLE "public"."posts" ADD CONSTRAINT "posts_body_nn" CHECK ("body" IS NOT NULL) NOT VALID;
--> statement-breakpoint
-- expect: MZ202
ALTER TABLE "public"."posts" ALTER COLUMN "body" SET NOT NULL;
