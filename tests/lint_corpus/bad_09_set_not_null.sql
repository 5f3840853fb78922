-- expect: MZ202
ALTER TABLE "public"."posts" ALTER COLUMN "body" SET NOT NULL;
