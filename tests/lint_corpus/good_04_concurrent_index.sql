-- mizzle:no-transaction
-- expect: none
SET lock_timeout = '5s';
--> statement-breakpoint
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name);
--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS users_old_idx;
