-- expect: MZ121
CREATE TABLE "orders" ("id" integer PRIMARY KEY, "amount" integer);
--> statement-breakpoint
CREATE VIEW "big_orders" AS SELECT id, amount FROM orders WHERE amount > 100;
--> statement-breakpoint
CREATE VIEW "biggest" AS SELECT max(amount) FROM big_orders;
--> statement-breakpoint
DROP VIEW "big_orders" CASCADE;
