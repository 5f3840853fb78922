-- expect: MZ301
ALTER TYPE status ADD VALUE 'archived';
--> statement-breakpoint
UPDATE posts SET status = 'archived' WHERE deleted;
