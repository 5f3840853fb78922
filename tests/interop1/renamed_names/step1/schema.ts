// drizzle-kit 1.x interop: a table renamed (step 2) keeps the names of the unique constraints, foreign keys and
// indexes it left unnamed; step 3 drops and changes them. The SQLAlchemy twin is schema.py next to this file.
import { index, integer, pgTable, text, unique, uniqueIndex } from "drizzle-orm/pg-core";

export const owner = pgTable("owner", { id: integer("id").primaryKey() });

export const userTemp = pgTable("user_temp", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  nick: text("nick"),
  a: text("a"),
  b: text("b"),
  ownerId: integer("owner_id").references(() => owner.id),
}, (t) => [unique().on(t.a, t.b), index().on(t.nick), uniqueIndex().on(t.a)]);

export const child = pgTable("child", { id: integer("id").primaryKey(), uid: text("uid").references(() => userTemp.id) });
