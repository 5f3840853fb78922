-- expect: MZ302, MZ303
DROP INDEX CONCURRENTLY users_old_idx;
