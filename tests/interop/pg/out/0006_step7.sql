ALTER TABLE "counters" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "public"."counters" SET SCHEMA "analytics";
--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "role" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "role" SET DEFAULT 'user'::text;--> statement-breakpoint
DROP TYPE "public"."user_role";--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('admin', 'moderator', 'user');--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "role" SET DEFAULT 'user'::"public"."user_role";--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "role" SET DATA TYPE "public"."user_role" USING "role"::"public"."user_role";--> statement-breakpoint
ALTER TABLE "analytics"."events" ALTER COLUMN "id" SET INCREMENT BY 1;--> statement-breakpoint
ALTER TABLE "analytics"."events" ALTER COLUMN "id" SET CACHE 1;--> statement-breakpoint
ALTER TABLE "analytics"."events" ALTER COLUMN "id" SET CYCLE;--> statement-breakpoint
ALTER TABLE "analytics"."sessions" ALTER COLUMN "id" SET GENERATED ALWAYS;--> statement-breakpoint
ALTER TABLE "users" drop column "full_name";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "full_name" text GENERATED ALWAYS AS (trim(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))) STORED;--> statement-breakpoint
ALTER TABLE "analytics"."sessions" DROP CONSTRAINT "sessions_pk";
--> statement-breakpoint
ALTER TABLE "analytics"."sessions" ADD CONSTRAINT "sessions_pk" PRIMARY KEY("id","user_id");