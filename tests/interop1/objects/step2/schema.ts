// Step 2 of 3 (see step1): a policy's expression changes, one is dropped, one is added on a table whose RLS was
// already on; a view's query and options change, a materialized view's option changes; a second role.
import { sql } from 'drizzle-orm';
import { boolean, integer, pgMaterializedView, pgPolicy, pgRole, pgSchema, pgTable, pgView, serial, text } from 'drizzle-orm/pg-core';

export const admin = pgRole('__R1__', { createRole: true, inherit: false });
export const reader = pgRole('__R2__', { createDb: true });
export const app = pgSchema('app');

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  name: text('name'),
  active: boolean('active').notNull().default(true),
});

export const docs = pgTable('docs', {
  id: integer('id').primaryKey(),
  owner: text('owner').notNull(),
  title: text('title'),
}, () => [
  pgPolicy('own_rows', { as: 'permissive', for: 'select', to: 'public', using: sql`owner = current_user or title is null` }),
]);

export const notes = pgTable('notes', {
  id: integer('id').primaryKey(),
  body: text('body'),
}, () => [
  pgPolicy('notes_read', { for: 'select', to: [admin, reader], using: sql`true` }),
]).enableRLS();

export const items = app.table('items', { id: integer('id').primaryKey(), owner: text('owner') });
export const itemsUpdate = pgPolicy('items_update', {
  for: 'update', to: admin, using: sql`true`, withCheck: sql`owner = current_user`,
}).link(items);

export const activeUsers = pgView('active_users', { id: integer('id'), name: text('name') })
  .with({ securityBarrier: true, checkOption: 'cascaded' })
  .as(sql`select "id", "name" from "users" where "active" and "name" is not null`);
export const userCount = pgMaterializedView('user_count', { n: integer('n') })
  .with({ fillfactor: 80 })
  .as(sql`select count(*) as n from "users"`);
export const recent = app.view('recent', { id: integer('id') }).as(sql`select "id" from "app"."items"`);
