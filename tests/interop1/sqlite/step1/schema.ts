// drizzle-kit 1.x interop, SQLite, step 1 of 3; the SQLAlchemy twin is schema.py next to this file.
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, sqliteView, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').default('anon'),
  age: integer('age').default(0),
}, (t) => [index('users_name_idx').on(t.name), check('age_ok', sql`"age" >= 0`)]);

export const posts = sqliteTable('posts', {
  id: integer('id').primaryKey(),
  authorId: integer('author_id').references(() => users.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
}, (t) => [uniqueIndex('posts_title_uq').on(t.title)]);

export const tags = sqliteTable('tags', { a: integer('a').notNull(), b: integer('b').notNull() },
  (t) => [primaryKey({ columns: [t.a, t.b] })]);

export const v = sqliteView('v', { x: integer('x') }).as(sql`select 1 as x`);
