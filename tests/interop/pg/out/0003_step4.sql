ALTER TABLE "analytics"."events" RENAME COLUMN "duration" TO "elapsed";--> statement-breakpoint
ALTER TABLE "users" RENAME COLUMN "wake_up" TO "wakes_at";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "locale" text DEFAULT 'en';