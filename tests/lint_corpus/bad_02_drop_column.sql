-- expect: MZ102
ALTER TABLE "public"."users" DROP COLUMN "legacy";
