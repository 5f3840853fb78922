-- expect: none
CREATE TABLE t (name varchar(40), price numeric(10, 2), note varchar(10));
--> statement-breakpoint
ALTER TABLE t ALTER COLUMN name SET DATA TYPE varchar(80);
--> statement-breakpoint
ALTER TABLE t ALTER COLUMN price TYPE numeric(12, 2);
--> statement-breakpoint
ALTER TABLE t ALTER COLUMN note TYPE text;
