import { sql } from 'drizzle-orm';
import { boolean, integer, pgMaterializedView, pgTable, pgView, serial, text } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  name: text('name'),
  active: boolean('active').notNull().default(true),
});

export const activeUsers = pgView('active_users', { id: integer('id'), name: text('name') })
  .with({ securityBarrier: true })
  .as(sql`select "id", "name" from "users" where "active"`);

export const userCount = pgMaterializedView('user_count', { n: integer('n') })
  .with({ fillfactor: 70 })
  .as(sql`select count(*) as n from "users"`);
