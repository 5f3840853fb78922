-- expect: MZ301
-- mizzle:online
SET lock_timeout = '5s';
--> statement-breakpoint
ALTER TYPE status ADD VALUE 'archived';
--> statement-breakpoint
UPDATE posts SET status = 'archived' WHERE deleted;
