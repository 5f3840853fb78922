-- mizzle:no-transaction
-- mizzle:online
-- expect: none
SELECT set_config('lock_timeout', '2s', false);
--> statement-breakpoint
CREATE INDEX CONCURRENTLY users_x_idx ON users (x);
