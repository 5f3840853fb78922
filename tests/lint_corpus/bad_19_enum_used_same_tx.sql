-- expect: MZ301
ALTER TYPE "public"."mood" ADD VALUE 'meh' BEFORE 'sad';
--> statement-breakpoint
ALTER TABLE "public"."users" ALTER COLUMN "mood" SET DEFAULT 'meh';
