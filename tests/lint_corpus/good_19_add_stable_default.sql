-- expect: none
ALTER TABLE events ADD COLUMN seen_at timestamp DEFAULT CURRENT_TIMESTAMP;
--> statement-breakpoint
ALTER TABLE events ADD COLUMN tags text[] DEFAULT '{}'::text[] NOT NULL;
