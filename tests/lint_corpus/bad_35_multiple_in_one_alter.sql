-- expect: MZ201, MZ203, MZ208
ALTER TABLE accounts ADD COLUMN code text NOT NULL UNIQUE, ADD COLUMN token text DEFAULT md5(random()::text);
