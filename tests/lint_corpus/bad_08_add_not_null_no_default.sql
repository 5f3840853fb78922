-- expect: MZ201
ALTER TABLE "public"."users" ADD COLUMN "visits" integer NOT NULL;
