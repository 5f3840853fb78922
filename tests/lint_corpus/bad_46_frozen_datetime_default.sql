-- expect: MZ004, MZ004, MZ004
-- SQLAlchemy's `server_default="now()"` (letta's archives_agents.created_at): a string, read as a timestamp when the
-- table is made; `now()` the function, and a text column's 'today', are fine
CREATE TABLE "archives" (
	"id" integer PRIMARY KEY,
	"created_at" timestamp with time zone DEFAULT 'now()',
	"day" date DEFAULT 'today'::date,
	"updated_at" timestamp with time zone DEFAULT now(),
	"label" text DEFAULT 'today'
);
ALTER TABLE "archives" ALTER COLUMN "updated_at" SET DEFAULT 'now';
