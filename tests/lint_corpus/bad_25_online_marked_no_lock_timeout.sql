-- mizzle:online
-- expect: MZ303
ALTER TABLE users ADD COLUMN note text;
