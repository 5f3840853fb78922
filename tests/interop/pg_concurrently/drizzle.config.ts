import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './pg_concurrently/schema.ts',
  out: './pg_concurrently/out',
});
