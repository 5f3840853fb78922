-- expect: none
-- drizzle-kit's enum rebuild (the column to text first), and a composite type retyped once no column uses it
CREATE TYPE "public"."status" AS ENUM ('a', 'b');
--> statement-breakpoint
CREATE TYPE "money_type" AS ("currency" varchar(3), "amount" integer);
--> statement-breakpoint
CREATE TABLE "account" ("id" integer PRIMARY KEY, "status" "public"."status", "balance" "money_type");
--> statement-breakpoint
ALTER TABLE "account" ALTER COLUMN "status" SET DATA TYPE text;
--> statement-breakpoint
DROP TYPE "public"."status";
--> statement-breakpoint
CREATE TYPE "public"."status" AS ENUM ('b', 'a');
--> statement-breakpoint
ALTER TABLE "account" ALTER COLUMN "status" SET DATA TYPE "public"."status" USING "status"::"public"."status";
--> statement-breakpoint
ALTER TABLE "account" DROP COLUMN "balance";
--> statement-breakpoint
ALTER TYPE "money_type" ALTER ATTRIBUTE "amount" TYPE bigint;
