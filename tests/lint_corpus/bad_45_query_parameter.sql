-- expect: MZ003
-- drizzle-kit 0.31's SQL for `index("i").on(t.status).where(eq(t.status, "active"))` on a table it creates; the
-- function body's $1 is its own parameter, not one of the statement's
CREATE TABLE "calcs" ("status" text);
CREATE INDEX "calcs_active_idx" ON "calcs" USING btree ("status") WHERE "calcs"."status" = $1;
CREATE FUNCTION "double"(integer) RETURNS integer LANGUAGE sql AS $$ SELECT $1 * 2 $$;
