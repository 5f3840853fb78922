-- expect: MZ103
DROP SCHEMA "analytics" CASCADE;
