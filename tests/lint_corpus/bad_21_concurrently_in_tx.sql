-- expect: MZ302
SET lock_timeout = '5s';
--> statement-breakpoint
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
