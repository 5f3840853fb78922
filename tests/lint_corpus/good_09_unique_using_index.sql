-- mizzle:no-transaction
-- expect: none
SET lock_timeout = '3s';
--> statement-breakpoint
CREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);
--> statement-breakpoint
ALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE USING INDEX users_handle_key;
