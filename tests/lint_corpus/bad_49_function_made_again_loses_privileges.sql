-- expect: MZ123
-- generate's SQL for a function whose arguments change (basejump's get_account_id, granted to authenticated):
-- the DROP takes the GRANT EXECUTE along, and the new function has only what default privileges give it
DROP FUNCTION "public"."get_account_id"(slug text);
--> statement-breakpoint
CREATE FUNCTION "public"."get_account_id"(slug text, strict boolean DEFAULT false)
RETURNS uuid
LANGUAGE sql
AS $$ SELECT NULL::uuid $$;
