-- expect: MZ101, MZ101
DROP TABLE "public"."a", "public"."b" CASCADE;
