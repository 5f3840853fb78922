// mizzle interop, security: row-level security and policies, as drizzle-kit 0.31 declares them. Equivalent
// SQLAlchemy + mizzle.pg: schema.py next to this file. A policy enables RLS on its table (drizzle-kit's rule).
import { sql } from 'drizzle-orm';
import { integer, pgPolicy, pgTable, text } from 'drizzle-orm/pg-core';

export const docs = pgTable('docs', {
  id: integer('id').primaryKey(),
  owner: text('owner').notNull(),
  title: text('title'),
}, () => [
  pgPolicy('own_rows', { as: 'permissive', for: 'select', to: 'public', using: sql`owner = current_user` }),
  pgPolicy('checked', { as: 'restrictive', for: 'insert', to: 'public', withCheck: sql`length(title) > 0` }),
]);

export const notes = pgTable('notes', {
  id: integer('id').primaryKey(),
  body: text('body'),
}).enableRLS();
