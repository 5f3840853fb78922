-- expect: MZ101
DROP TABLE "public"."users";
