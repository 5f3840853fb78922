// Step 2 of 3 (see step1): a column and an index added, a foreign key's action changed (a table rebuild), a
// view dropped, a table with a two-column unique constraint and a named foreign key added.
import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, primaryKey, sqliteTable, text, unique, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').default('anon'),
  age: integer('age').default(0),
  bio: text('bio'),
}, (t) => [index('users_name_idx').on(t.name), check('age_ok', sql`"age" >= 0`)]);

export const posts = sqliteTable('posts', {
  id: integer('id').primaryKey(),
  authorId: integer('author_id').references(() => users.id, { onDelete: 'set null' }),
  title: text('title').notNull(),
}, (t) => [uniqueIndex('posts_title_uq').on(t.title), index('posts_author_idx').on(t.authorId)]);

export const tags = sqliteTable('tags', { a: integer('a').notNull(), b: integer('b').notNull() },
  (t) => [primaryKey({ columns: [t.a, t.b] })]);

export const labels = sqliteTable('labels', {
  id: integer('id').primaryKey(),
  postId: integer('post_id').notNull(),
  name: text('name').notNull(),
}, (t) => [unique().on(t.postId, t.name), foreignKey({ name: 'labels_post', columns: [t.postId], foreignColumns: [posts.id] })]);
