import { sql } from 'drizzle-orm';
import { integer, sqliteTable, sqliteView, text } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
  id: integer('id').primaryKey(),
  name: text('name'),
  active: integer('active').notNull(),
});

export const activeUsers = sqliteView('active_users', { id: integer('id'), name: text('name') })
  .as(sql`select "id", "name" from "users" where "active" = 1`);
