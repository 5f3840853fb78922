-- expect: MZ205
DROP INDEX "public"."users_tags_gin_idx";
