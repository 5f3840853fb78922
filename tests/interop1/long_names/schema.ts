// Names past PostgreSQL's 63 bytes, as drizzle-kit 1.x leaves them (see test_long_names_interop1.py): unnamed
// indexes named `<table>_<columns>_index` in full, and unnamed foreign keys named `<table>_<hash>_fkey` or
// `<hash>_fkey` (a table name of 45 characters or more).
import { pgTable, bigint, bigserial, integer, text, index, uniqueIndex, unique } from "drizzle-orm/pg-core";

export const parent = pgTable("a_rather_long_parent_table_name_for_testing", {
  id: integer().primaryKey(), code: integer().notNull(),
}, (t) => [unique().on(t.id, t.code)]);

export const child = pgTable("a_rather_long_child_table_name_for_testing_names", {
  someVeryLongColumnNameNumberOne: integer().notNull().unique(),
  someVeryLongColumnNameNumberTwo: integer().notNull(),
  other: text(),
}, (t) => [
  index().on(t.someVeryLongColumnNameNumberTwo, t.other),
  uniqueIndex().on(t.other, t.someVeryLongColumnNameNumberOne),
]);

export const child2 = pgTable("child2_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", {
  pid: integer().references(() => parent.id),
});

export const workspaceMembers = pgTable("workspace_members", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
});

export const cardWorkspaceMembers = pgTable("_card_workspace_members", {
  workspaceMemberId: bigint("workspaceMemberId", { mode: "number" }).notNull()
    .references(() => workspaceMembers.id, { onDelete: "cascade" }),
});
