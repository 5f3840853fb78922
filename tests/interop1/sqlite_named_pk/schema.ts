// papra-hq/papra's documents_tags (apps/papra-server/src/modules/tags/tags.table.ts, minimized): a composite
// primary key named explicitly, which drizzle-kit 1.x writes as `CONSTRAINT documents_tags_pkey PRIMARY KEY(…)`
// and keeps as a `pks` row with nameExplicit.
import { primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const documentsTable = sqliteTable('documents', {
  id: text('id').primaryKey(),
});

export const tagsTable = sqliteTable('tags', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
});

export const documentsTagsTable = sqliteTable('documents_tags', {
  documentId: text('document_id').notNull().references(() => documentsTable.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
  tagId: text('tag_id').notNull().references(() => tagsTable.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
}, table => [
  primaryKey({
    name: 'documents_tags_pkey',
    columns: [table.documentId, table.tagId],
  }),
]);
