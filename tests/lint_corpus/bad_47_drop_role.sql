-- expect: MZ108
-- a Role removed from the schema code: generate writes DROP ROLE IF EXISTS, which every database of the server feels
DROP ROLE IF EXISTS "reader";
