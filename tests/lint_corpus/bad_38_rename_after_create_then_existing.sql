-- expect: MZ106
CREATE TABLE "public"."fresh" ("id" integer);
--> statement-breakpoint
ALTER TABLE "public"."fresh" RENAME TO "fresher";
--> statement-breakpoint
ALTER TABLE "public"."old" RENAME TO "older";
