#!/usr/bin/env node
// Apply a drizzle-kit 1.x migrations folder (`<timestamp>_<name>/migration.sql`) with drizzle-orm 1.x's own
// migrator (PostgreSQL, node-postgres driver).
// usage: node migrate.mjs <postgres DATABASE_URL> <migrationsFolder> [migrationsSchema] [migrationsTable]
// Exit code 0 on success, 1 on failure (error printed to stderr).
const [url, folder, migrationsSchema, migrationsTable] = process.argv.slice(2);
if (!url || !folder) {
  console.error('usage: node migrate.mjs <DATABASE_URL> <migrationsFolder> [schema] [table]');
  process.exit(2);
}

const { default: pg } = await import('pg');
const { drizzle } = await import('drizzle-orm/node-postgres');
const { migrate } = await import('drizzle-orm/node-postgres/migrator');
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const cfg = { migrationsFolder: folder };
  if (migrationsSchema) cfg.migrationsSchema = migrationsSchema;
  if (migrationsTable) cfg.migrationsTable = migrationsTable;
  await migrate(drizzle({ client }), cfg);
} catch (e) {
  console.error(String(e?.cause?.message ?? e?.message ?? e));
  process.exitCode = 1;
} finally {
  await client.end();
}
