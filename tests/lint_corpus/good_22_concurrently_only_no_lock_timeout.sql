-- mizzle:no-transaction
-- mizzle:online
-- expect: none
-- CONCURRENTLY waits without blocking writers: no lock_timeout needed (one would cancel a finished build)
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
--> statement-breakpoint
DROP INDEX CONCURRENTLY IF EXISTS users_old_idx;
