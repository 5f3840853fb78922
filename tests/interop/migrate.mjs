#!/usr/bin/env node
// Apply a drizzle-kit migrations folder with drizzle-orm's own migrator.
// usage: node migrate.mjs <postgres DATABASE_URL | sqlite:/path/to.db> <migrationsFolder> [migrationsSchema] [migrationsTable]
//   postgres: node migrate.mjs postgres://postgres@127.0.0.1:5432/drizref pg/out
//   sqlite:   node migrate.mjs sqlite:/tmp/ref.db sqlite/out
// TRACE_SQL=1 prints every SQL text sent to the database on stderr.
// Exit code 0 on success, 1 on failure (error printed to stderr).
const [url, folder, migrationsSchema, migrationsTable] = process.argv.slice(2);
if (!url || !folder) {
  console.error('usage: node migrate.mjs <DATABASE_URL|sqlite:FILE> <migrationsFolder> [schema] [table]');
  process.exit(2);
}

async function runPg() {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  if (process.env.TRACE_SQL) {
    // print every query text drizzle-orm sends (to stderr), to document the migrator's exact SQL
    const orig = client.query.bind(client);
    client.query = (q, ...rest) => {
      const text = typeof q === 'string' ? q : q?.text;
      const values = typeof q === 'object' && q?.values ? q.values : rest[0];
      process.stderr.write(`-- query: ${JSON.stringify(text)}${values && values.length ? ' params: ' + JSON.stringify(values) : ''}\n`);
      return orig(q, ...rest);
    };
  }
  try {
    const db = drizzle(client);
    const cfg = { migrationsFolder: folder };
    if (migrationsSchema) cfg.migrationsSchema = migrationsSchema;
    if (migrationsTable) cfg.migrationsTable = migrationsTable;
    await migrate(db, cfg);
  } finally {
    await client.end();
  }
}

async function runSqlite() {
  const { default: Database } = await import('better-sqlite3');
  const { drizzle } = await import('drizzle-orm/better-sqlite3');
  const { migrate } = await import('drizzle-orm/better-sqlite3/migrator');
  const sqlite = new Database(url.slice('sqlite:'.length));
  if (process.env.TRACE_SQL) {
    for (const m of ['prepare', 'exec']) {
      const orig = sqlite[m].bind(sqlite);
      sqlite[m] = (text, ...rest) => {
        process.stderr.write(`-- ${m}: ${JSON.stringify(text)}\n`);
        return orig(text, ...rest);
      };
    }
  }
  try {
    const db = drizzle(sqlite);
    const cfg = { migrationsFolder: folder };
    if (migrationsTable) cfg.migrationsTable = migrationsTable;
    migrate(db, cfg);
  } finally {
    sqlite.close();
  }
}

try {
  if (url.startsWith('sqlite:')) await runSqlite();
  else await runPg();
  console.log(`migrated ${folder} -> ${url}`);
} catch (e) {
  console.error('MIGRATION FAILED:', e?.message ?? e);
  if (e?.cause) console.error('cause:', e.cause?.message ?? e.cause);
  process.exit(1);
}
