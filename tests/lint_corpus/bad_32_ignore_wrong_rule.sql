-- expect: MZ101
-- mizzle:lint-ignore MZ102
DROP TABLE users;
