-- expect: MZ001
CREATE TABLE "public"."t2" ("id" integer);
--> statement-breakpoint
ALTER TABLE "public"."t2" ADD COLUMNN "x" text;
--> statement-breakpoint
CREATE INDEX ON "public"."t2" ("id");
