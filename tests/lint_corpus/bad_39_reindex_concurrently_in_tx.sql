-- expect: MZ302
REINDEX INDEX CONCURRENTLY users_name_idx;
