// Step 3: the renamed table's unique on email and index on nick dropped, its foreign key changed (ON DELETE CASCADE).
import { integer, pgTable, text, unique, uniqueIndex } from "drizzle-orm/pg-core";

export const owner = pgTable("owner", { id: integer("id").primaryKey() });

export const user = pgTable("user", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
  nick: text("nick"),
  a: text("a"),
  b: text("b"),
  ownerId: integer("owner_id").references(() => owner.id, { onDelete: "cascade" }),
}, (t) => [unique().on(t.a, t.b), uniqueIndex().on(t.a)]);

export const child = pgTable("child", { id: integer("id").primaryKey(), uid: text("uid").references(() => user.id) });
