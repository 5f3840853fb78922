-- expect: MZ208
ALTER TABLE "public"."users" ADD COLUMN "ext" uuid DEFAULT gen_random_uuid() NOT NULL;
