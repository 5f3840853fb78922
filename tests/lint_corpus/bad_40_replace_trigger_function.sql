-- expect: MZ120
CREATE TABLE "users" ("id" integer PRIMARY KEY, "updated_at" timestamptz);
--> statement-breakpoint
CREATE FUNCTION "touch"() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN NEW.updated_at := now(); RETURN NEW; END$$;
--> statement-breakpoint
CREATE TRIGGER "users_touch" BEFORE UPDATE ON "users" FOR EACH ROW EXECUTE FUNCTION "touch"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "touch"() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
