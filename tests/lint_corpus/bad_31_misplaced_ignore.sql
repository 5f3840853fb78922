-- expect: MZ002, MZ102
ALTER TABLE users DROP COLUMN a;
-- mizzle:lint-ignore MZ102
