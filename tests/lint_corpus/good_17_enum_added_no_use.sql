-- expect: none
ALTER TYPE mood ADD VALUE 'ecstatic';
--> statement-breakpoint
ALTER TYPE mood ADD VALUE 'calm' AFTER 'happy';
