// drizzle-kit 1.x interop, objects: roles, row-level security, policies and views. Step 1 of 3; the SQLAlchemy +
// mizzle.pg twin is schema.py next to this file. __R1__/__R2__ are role names the test fills in (roles belong to
// the cluster, so each run takes new ones).
import { sql } from 'drizzle-orm';
import { boolean, integer, pgMaterializedView, pgPolicy, pgRole, pgSchema, pgTable, pgView, serial, text } from 'drizzle-orm/pg-core';

export const admin = pgRole('__R1__', { createRole: true, inherit: false });
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
  pgPolicy('own_rows', { as: 'permissive', for: 'select', to: 'public', using: sql`owner = current_user` }),
  pgPolicy('checked', { as: 'restrictive', for: 'insert', to: admin, withCheck: sql`length(title) > 0` }),
]);

export const notes = pgTable('notes', {
  id: integer('id').primaryKey(),
  body: text('body'),
}).enableRLS();

export const items = app.table('items', { id: integer('id').primaryKey(), owner: text('owner') });
export const itemsUpdate = pgPolicy('items_update', {
  for: 'update', to: admin, using: sql`true`, withCheck: sql`owner = current_user`,
}).link(items);

export const activeUsers = pgView('active_users', { id: integer('id'), name: text('name') })
  .with({ securityBarrier: true })
  .as(sql`select "id", "name" from "users" where "active"`);
export const userCount = pgMaterializedView('user_count', { n: integer('n') })
  .with({ fillfactor: 70 })
  .as(sql`select count(*) as n from "users"`);
export const recent = app.view('recent', { id: integer('id') }).as(sql`select "id" from "app"."items"`);
