-- mizzle:lint-ignore MZ204, MZ205
-- expect: none

CREATE INDEX users_a_idx ON users (a);
--> statement-breakpoint
DROP INDEX users_b_idx;
