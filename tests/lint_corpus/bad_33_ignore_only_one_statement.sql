-- expect: MZ101
-- mizzle:lint-ignore MZ101
DROP TABLE a;
--> statement-breakpoint
DROP TABLE b;
