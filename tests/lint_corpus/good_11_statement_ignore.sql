-- expect: none
-- mizzle:lint-ignore MZ101
DROP TABLE "public"."old_sessions";
