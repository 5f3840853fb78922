// Named table constraints as karakeep's packages/db/schema.ts declares them (minimized): drizzle-kit 1.x writes
// them inside CREATE TABLE (`CONSTRAINT … UNIQUE(…)`, `CONSTRAINT … FOREIGN KEY (…)`), where SQLite's catalog keeps
// neither name (see test_interop1_sqlite.py).
import { foreignKey, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";

export const bookmarkTags = sqliteTable("bookmarkTags", {
  id: text("id").notNull().primaryKey(),
  name: text("name").notNull(),
  userId: text("userId").notNull(),
}, (bt) => [
  unique("bookmarkTags_userId_id_idx").on(bt.userId, bt.id),
  unique().on(bt.userId, bt.name),
]);

export const ruleEngineActions = sqliteTable("ruleEngineActions", {
  id: text("id").notNull().primaryKey(),
  userId: text("userId").notNull(),
  tagId: text("tagId"),
  email: text("email").unique(),
}, (t) => [
  foreignKey({
    name: "ruleEngineActions_userId_tagId_fk",
    columns: [t.userId, t.tagId],
    foreignColumns: [bookmarkTags.userId, bookmarkTags.id],
  }).onDelete("cascade"),
]);
