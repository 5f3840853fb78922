ALTER TABLE "memberships" ALTER COLUMN "role" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "memberships" ALTER COLUMN "role" SET DEFAULT 'guest';--> statement-breakpoint
ALTER TABLE "orgs" ALTER COLUMN "slug" SET DATA TYPE varchar(128);--> statement-breakpoint
ALTER TABLE "orgs" ALTER COLUMN "slug" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "orgs" ALTER COLUMN "region" SET DEFAULT 'EU';--> statement-breakpoint
ALTER TABLE "orgs" ALTER COLUMN "region" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "name" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "age" SET DEFAULT 18;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "score" SET DEFAULT 2.5;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "rating" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "settings" SET DATA TYPE jsonb;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "login_count" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "legacy_code" SET DATA TYPE integer;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "phone" SET DEFAULT '';--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "phone" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "nickname";