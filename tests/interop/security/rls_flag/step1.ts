// mizzle interop, security: drizzle-kit's isRLSEnabled on a table that has policies too (.enableRLS() and a
// pgPolicy: miurla/morphic's chats). step2.ts adds an unrelated column; schema.py next to this file is step 2.
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
});
