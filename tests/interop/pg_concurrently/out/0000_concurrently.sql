CREATE TABLE "items" (
	"id" serial PRIMARY KEY NOT NULL,
	"n" integer
);
--> statement-breakpoint
CREATE INDEX CONCURRENTLY "items_n_idx" ON "items" USING btree ("n");