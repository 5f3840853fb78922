// mizzle interop reference, SQLite step 1: initial schema.
import { sql } from 'drizzle-orm';
import {
  blob, check, foreignKey, index, integer, numeric, primaryKey, real, sqliteTable, text, unique, uniqueIndex,
} from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').default('anon'),
  quote: text('quote').default("it's"),
  role: text('role', { enum: ['admin', 'user'] }).notNull().default('user'),
  isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
  isAdmin: integer('is_admin', { mode: 'boolean' }).default(false),
  createdAt: integer('created_at', { mode: 'timestamp' }).notNull().default(sql`(unixepoch())`),
  updatedAtMs: integer('updated_at_ms', { mode: 'timestamp_ms' }),
  createdText: text('created_text').default(sql`CURRENT_TIMESTAMP`),
  age: integer('age'),
  score: real('score').default(1.5),
  balance: numeric('balance').default('0.00'),
  avatar: blob('avatar'),
  meta: blob('meta', { mode: 'json' }),
  big: blob('big', { mode: 'bigint' }),
  settings: text('settings', { mode: 'json' }).default(sql`'{}'`),
  counter: integer('counter').default(0),
  legacy: text('legacy'),
}, (t) => [
  index('users_name_idx').on(t.name),
  uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`),
  index('users_active_idx').on(t.createdAt).where(sql`${t.isActive} = 1`),
  index('users_age_score_idx').on(t.age, t.score),
  check('users_age_check', sql`${t.age} >= 0`),
]);

export const posts = sqliteTable('posts', {
  id: integer('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade', onUpdate: 'no action' }),
  title: text('title', { length: 200 }).notNull(),
  slug: text('slug').notNull(),
  body: text('body'),
  editorId: integer('editor_id'),
  views: integer('views').notNull().default(0),
}, (t) => [
  index('posts_user_idx').on(t.userId),
  unique('posts_user_slug_uq').on(t.userId, t.slug),
]);

export const tags = sqliteTable('tags', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  label: text('label').notNull(),
});

export const postTags = sqliteTable('post_tags', {
  postId: integer('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
  tagId: integer('tag_id').notNull(),
  weight: real('weight'),
}, (t) => [
  primaryKey({ columns: [t.postId, t.tagId] }),
  foreignKey({ columns: [t.tagId], foreignColumns: [tags.id], name: 'post_tags_tag_fk' }).onDelete('set null').onUpdate('cascade'),
]);
