-- expect: MZ305
-- midday's 0016_add_insights (drizzle-kit SQL, no mizzle directive): ADD VALUEs, then CREATE INDEX CONCURRENTLY
SET lock_timeout = '5s';--> statement-breakpoint
ALTER TYPE "public"."insight_kind" ADD VALUE 'weekly';--> statement-breakpoint
CREATE INDEX CONCURRENTLY "insights_kind_idx" ON "insights" USING btree ("kind");
