-- expect: none
-- Trusted contrib extensions (PostgreSQL 13+: CREATE on the database is enough), as kan's migrations create them,
-- then row-level security and a policy as mizzle writes them.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "public"."docs" ("id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(), "owner" text NOT NULL);
--> statement-breakpoint
ALTER TABLE "public"."docs" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "own_rows" ON "public"."docs" AS PERMISSIVE FOR SELECT TO public USING (owner = current_user);
