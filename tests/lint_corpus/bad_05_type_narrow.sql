-- expect: MZ105, MZ105, MZ105, MZ104
-- types are known for columns this file adds (a lone file knows no earlier types)
ALTER TABLE users ADD COLUMN code varchar(80), ADD COLUMN n bigint, ADD COLUMN note text, ADD COLUMN price numeric(10, 2);
--> statement-breakpoint
ALTER TABLE users ALTER COLUMN code TYPE varchar(20);
--> statement-breakpoint
ALTER TABLE users ALTER COLUMN n TYPE integer;
--> statement-breakpoint
ALTER TABLE users ALTER COLUMN note TYPE varchar(10), ALTER COLUMN price TYPE numeric(12, 4);
