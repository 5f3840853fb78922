// step 4: add FK on an existing column (posts.editor_id -> users.id: table rebuild), rename column comments.body -> content,
// rename table tags -> labels (renames answered interactively through a pty).
import { sql } from 'drizzle-orm';
import {
  blob, check, foreignKey, index, integer, numeric, primaryKey, real, sqliteTable, text, unique, uniqueIndex,
} from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name').notNull().default('anonymous'),
  quote: text('quote').default("it's"),
  role: text('role', { enum: ['admin', 'user'] }).notNull().default('user'),
  isActive: integer('is_active', { mode: 'boolean' }).notNull().default(true),
  isAdmin: integer('is_admin', { mode: 'boolean' }).default(false),
  createdAt: integer('created_at', { mode: 'timestamp' }).notNull().default(sql`(unixepoch())`),
  updatedAtMs: integer('updated_at_ms', { mode: 'timestamp_ms' }),
  createdText: text('created_text').default(sql`CURRENT_TIMESTAMP`),
  age: integer('age'),
  score: integer('score').default(2),
  balance: numeric('balance').default('0.00'),
  avatar: blob('avatar'),
  meta: blob('meta', { mode: 'json' }),
  big: blob('big', { mode: 'bigint' }),
  settings: text('settings', { mode: 'json' }).default(sql`'{}'`),
  counter: integer('counter').default(0),
  bio: text('bio'),
  loginCount: integer('login_count').notNull().default(0),
}, (t) => [
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
  body: integer('body'),
  editorId: integer('editor_id').references(() => users.id, { onDelete: 'set null' }),
  views: integer('views').notNull().default(0),
}, (t) => [
  index('posts_user_idx').on(t.userId),
  index('posts_views_idx').on(t.views),
  unique('posts_user_slug_uq').on(t.userId, t.slug),
]);

export const tags = sqliteTable('labels', {
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

export const comments = sqliteTable('comments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  postId: integer('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
  body: text('content').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch() * 1000)`),
});
