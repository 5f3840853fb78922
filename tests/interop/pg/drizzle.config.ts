import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './pg/schema.ts',
  out: './pg/out',
});
