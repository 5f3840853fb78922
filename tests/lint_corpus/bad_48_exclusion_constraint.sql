-- expect: MZ209
-- Django's ExclusionConstraint (django.contrib.postgres) on an existing table: PostgreSQL has no NOT VALID and no
-- USING INDEX for EXCLUDE, so MZ203's advice (a unique index CONCURRENTLY, then USING INDEX) does not apply
ALTER TABLE "public"."kitchen_kitchen" ADD CONSTRAINT "kitchen_excl_during" EXCLUDE USING gist ("during" WITH &&, "span" WITH =) WHERE (seats > 0);
