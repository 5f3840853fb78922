-- expect: MZ104
ALTER TABLE "public"."users" ALTER COLUMN "legacy" SET DATA TYPE bigint USING "legacy"::bigint;
