-- mizzle:idempotent
-- expect: MZ401, MZ401, MZ401, MZ401, MZ401, MZ401, MZ401, MZ101
CREATE TABLE "public"."t" ("id" integer);
--> statement-breakpoint
ALTER TABLE "public"."t" ADD COLUMN "x" text;
--> statement-breakpoint
CREATE INDEX "t_x_idx" ON "public"."t" ("x");
--> statement-breakpoint
CREATE TYPE "public"."k" AS ENUM('a');
--> statement-breakpoint
ALTER TYPE "public"."k" ADD VALUE 'b';
--> statement-breakpoint
DROP TABLE "public"."gone";
--> statement-breakpoint
ALTER TABLE "public"."t" ADD CONSTRAINT "t_x_check" CHECK (x <> '');
