-- expect: none
ALTER TABLE "public"."users" ADD COLUMN "nickname" text;
