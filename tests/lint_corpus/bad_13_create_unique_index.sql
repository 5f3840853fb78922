-- expect: MZ204
CREATE UNIQUE INDEX users_lower_email_idx ON users (lower(email));
