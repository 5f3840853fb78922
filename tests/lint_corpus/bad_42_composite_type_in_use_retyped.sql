-- expect: MZ122
-- PostgreSQL: cannot alter type "money_type" because column "account.balance" uses it (CASCADE or not)
CREATE TYPE "money_type" AS ("currency" varchar(3), "amount" integer);
--> statement-breakpoint
CREATE TABLE "account" ("id" integer PRIMARY KEY, "balance" "money_type");
--> statement-breakpoint
ALTER TYPE "money_type" ALTER ATTRIBUTE "amount" TYPE bigint;
