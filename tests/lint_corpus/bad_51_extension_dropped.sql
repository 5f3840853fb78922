-- expect: MZ126, MZ126
-- `generate` writes DROP EXTENSION for an extension the schema code no longer declares (mealie's pg_trgm and the
-- fastapi template's uuid-ossp, after adopting mizzle on a pull of their databases): the extension's functions,
-- types and operators go with it, and a trigram index or uuid_generate_v4() default makes the DROP fail
DROP EXTENSION "pg_trgm";
--> statement-breakpoint
DROP EXTENSION IF EXISTS "uuid-ossp" CASCADE;
