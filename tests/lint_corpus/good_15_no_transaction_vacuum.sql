-- mizzle:no-transaction
-- expect: none
VACUUM ANALYZE users;
