-- expect: MZ122
-- CASCADE drops the column account.tags with its values
CREATE TYPE "public"."tag" AS ENUM ('a', 'b');
--> statement-breakpoint
CREATE TABLE "account" ("id" integer PRIMARY KEY, "tags" "public"."tag"[]);
--> statement-breakpoint
DROP TYPE "public"."tag" CASCADE;
