-- expect: none
ALTER TYPE "public"."mood" ADD VALUE 'meh' BEFORE 'sad';
--> statement-breakpoint
-- mizzle:commit
ALTER TABLE "public"."users" ALTER COLUMN "mood" SET DEFAULT 'meh';
