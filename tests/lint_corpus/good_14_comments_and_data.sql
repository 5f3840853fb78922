-- expect: none
COMMENT ON TABLE users IS 'people';
--> statement-breakpoint
UPDATE users SET active = true WHERE active IS NULL;
--> statement-breakpoint
ALTER TABLE users ALTER COLUMN name SET DEFAULT 'x', ALTER COLUMN name DROP NOT NULL;
