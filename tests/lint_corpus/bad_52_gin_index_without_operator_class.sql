-- expect: MZ006
-- prefect 3.9's models: a trigram index declared USING gin on a varchar column without gin_trgm_ops
CREATE TABLE "flow" ("id" uuid PRIMARY KEY, "name" varchar NOT NULL);
--> statement-breakpoint
CREATE INDEX "trgm_ix_flow_name" ON "flow" USING gin ("name");
