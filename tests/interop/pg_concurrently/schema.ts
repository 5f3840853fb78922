// mizzle interop reference: index .concurrently(). drizzle-kit emits CREATE INDEX CONCURRENTLY, which
// drizzle-orm's pg migrator cannot apply (it runs every pending migration inside one transaction):
// "CREATE INDEX CONCURRENTLY cannot run inside a transaction block". Kept as a generate-only fixture.
import { index, integer, pgTable, serial } from 'drizzle-orm/pg-core';

export const items = pgTable('items', {
  id: serial('id').primaryKey(),
  n: integer('n'),
}, (t) => [
  index('items_n_idx').on(t.n).concurrently(),
]);
