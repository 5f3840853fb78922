import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './pg_types/schema.ts',
  out: './pg_types/out',
  entities: { roles: true },
});
