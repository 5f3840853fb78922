-- mizzle:no-transaction
-- expect: MZ303
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
