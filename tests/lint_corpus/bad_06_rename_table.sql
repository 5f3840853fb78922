-- expect: MZ106
ALTER TABLE "public"."posts" RENAME TO "articles";
