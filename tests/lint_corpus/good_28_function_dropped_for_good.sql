-- expect: none
-- a function dropped and not made again, and a function made beside it: nothing to grant again
DROP FUNCTION "public"."old_helper"(n integer);
--> statement-breakpoint
CREATE FUNCTION "public"."new_helper"(n integer) RETURNS integer LANGUAGE sql AS $$ SELECT n $$;
