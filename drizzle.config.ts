import { defineConfig } from 'drizzle-kit';

// Migrations are generated here and applied from code (src/db/migrate.ts), never with
// `drizzle-kit migrate`/`push`: PGlite needs its extensions loaded first.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './src/db/migrations',
  strict: true,
  casing: 'snake_case',
  verbose: true,
});
