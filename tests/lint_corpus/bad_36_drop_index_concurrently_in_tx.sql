-- expect: MZ302
DROP INDEX CONCURRENTLY users_old_idx;
