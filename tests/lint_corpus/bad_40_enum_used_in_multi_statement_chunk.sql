-- expect: MZ301, MZ302, MZ303
-- mizzle:online
ALTER TYPE mood ADD VALUE 'zen'; INSERT INTO moods VALUES ('zen');
--> statement-breakpoint
CREATE INDEX CONCURRENTLY moods_idx ON moods (m);
