-- expect: MZ007, MZ007
-- PostgreSQL: column "assign_to" cannot be cast automatically to type integer, on any table, empty or not
-- (AarnaTechLko/d1notes' drizzle-kit 0009: ticket.assign_to varchar(255) → integer, which drizzle-orm's migrator
-- and mizzle migrate both fail on). With USING it runs (values that do not parse fail it: MZ105).
CREATE TABLE "tickets" ("id" serial PRIMARY KEY, "assign_to" varchar(255), "due" text, "done" text);
--> statement-breakpoint
ALTER TABLE "tickets" ALTER COLUMN "assign_to" SET DATA TYPE integer;
--> statement-breakpoint
ALTER TABLE "tickets" ALTER COLUMN "due" SET DATA TYPE timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "tickets" ALTER COLUMN "done" SET DATA TYPE boolean USING "done"::boolean;
