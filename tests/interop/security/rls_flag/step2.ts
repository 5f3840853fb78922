// mizzle interop, security: step1.ts with notes.body added (a change unrelated to row-level security).
import { sql } from 'drizzle-orm';
import { integer, pgPolicy, pgTable, text } from 'drizzle-orm/pg-core';

export const chats = pgTable('chats', {
  id: integer('id').primaryKey(),
  owner: text('owner').notNull(),
}, () => [
  pgPolicy('own_chats', { for: 'select', to: 'public', using: sql`owner = current_user` }),
]).enableRLS();

export const notes = pgTable('notes', {
  id: integer('id').primaryKey(),
  body: text('body'),
});
