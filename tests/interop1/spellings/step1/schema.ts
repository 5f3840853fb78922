// A check and a partial index as drizzle-kit 1.x spells them (`"tx"."amount" > 0`); step2 adds a column, the
// SQLAlchemy twin spelling both as a person writes them (see test_long_names_interop1.py).
import { sql } from "drizzle-orm";
import { check, index, pgTable, text, integer, uuid } from "drizzle-orm/pg-core";

export const tx = pgTable("tx", {
  id: uuid().defaultRandom().primaryKey(),
  status: text().notNull(),
  amount: integer().notNull(),
}, (t) => [
  check("tx_amount_check", sql`${t.amount} > 0`),
  index("tx_pending_idx").on(t.id).where(sql`${t.status} = 'pending'`),
]);
