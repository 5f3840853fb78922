#!/usr/bin/env node
// Apply a drizzle-kit 1.x SQLite migrations folder with drizzle-orm 1.x's own migrator. drizzle-orm's
// better-sqlite3 driver would need better-sqlite3 installed here (a native build); its sqlite-proxy migrator runs
// the same steps (upgrade of an older tracking table, the same table, the same choice of migrations to run) and
// hands the SQL to a callback, which runs it on better-sqlite3 from tests/interop (built there by `npm ci`).
// usage: node migrate_sqlite.mjs <file.db> <migrationsFolder>
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [file, folder] = process.argv.slice(2);
if (!file || !folder) {
  console.error('usage: node migrate_sqlite.mjs <file.db> <migrationsFolder>');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const Database = createRequire(path.join(here, '..', 'interop', 'package.json'))('better-sqlite3');
const { drizzle } = await import('drizzle-orm/sqlite-proxy');
const { migrate } = await import('drizzle-orm/sqlite-proxy/migrator');
const conn = new Database(file);
const executors = {
  all: async (sql, params, rowMode) => {
    const st = conn.prepare(sql);
    return st.reader ? (rowMode === 'object' ? st.all(...params) : st.raw().all(...params)) : (st.run(...params), []);
  },
  get: async (sql, params, rowMode) => (rowMode === 'object' ? conn.prepare(sql).get(...params)
    : conn.prepare(sql).raw().get(...params)),
  run: async (sql, params) => conn.prepare(sql).run(...params),
};
try {
  const db = drizzle(executors);
  await migrate(db, async (queries) => {
    conn.exec('BEGIN');
    try {
      for (const q of queries) conn.exec(q);
      conn.exec('COMMIT');
    } catch (e) {
      conn.exec('ROLLBACK');
      throw e;
    }
  }, { migrationsFolder: folder });
} catch (e) {
  console.error(String(e?.cause?.message ?? e?.message ?? e));
  process.exitCode = 1;
} finally {
  conn.close();
}
