-- expect: MZ207
ALTER TABLE "public"."orgs" ADD CONSTRAINT "orgs_slug_len" CHECK (char_length(slug) > 2);
