import { sql } from "drizzle-orm";
import { check, index, pgTable, text, integer, uuid } from "drizzle-orm/pg-core";

export const tx = pgTable("tx", {
  id: uuid().defaultRandom().primaryKey(),
  status: text().notNull(),
  amount: integer().notNull(),
  note: text(),
}, (t) => [
  check("tx_amount_check", sql`${t.amount} > 0`),
  index("tx_pending_idx").on(t.id).where(sql`${t.status} = 'pending'`),
]);
