-- expect: MZ002, MZ101
-- mizzle:lint-ignore MZ999
DROP TABLE users;
