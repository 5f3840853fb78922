-- expect: none
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
--> statement-breakpoint
ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
