-- expect: none
-- drizzle-kit's own output (no mizzle directive): the runner commits after the ADD VALUE (issue 15 item 9)
ALTER TYPE "public"."mood" ADD VALUE 'meh' BEFORE 'sad';
--> statement-breakpoint
ALTER TABLE "public"."users" ALTER COLUMN "mood" SET DEFAULT 'meh';
