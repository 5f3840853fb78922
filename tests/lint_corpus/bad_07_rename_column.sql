-- expect: MZ107
ALTER TABLE "public"."users" RENAME COLUMN "nickname" TO "handle";
