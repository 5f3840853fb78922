// homarr's serverSetting: a text primary key also declared unique, which drizzle-kit 1.x writes as
// `PRIMARY KEY UNIQUE` inside CREATE TABLE (SQLite makes no index for the UNIQUE) and as a `uniques` row.
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const serverSetting = sqliteTable('serverSetting', {
  settingKey: text().notNull().unique().primaryKey(),
  value: text().default('{"json": {}}').notNull(),
});
