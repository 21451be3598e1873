import { randomBytes } from 'node:crypto';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config/env.js';
import { withDevSecrets } from './config/secrets.js';
import { createDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { seedCatalogsIfEmpty } from './modules/catalogs/catalogs.seed.js';
import { createLogger } from './shared/logger.js';
import { logSlowQueries } from './shared/slow-query.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const secrets = withDevSecrets(config);
  config = secrets.config;
  if (secrets.generatedFile) {
    logger.warn({ file: secrets.generatedFile },
      'JWT_SECRET/HCE_DATA_KEY were not set: generated development secrets and stored them in the data directory. Set them explicitly in production.');
  }

  const database = await createDatabase({
    url: config.DATABASE_URL,
    dataDir: config.HCE_DATA_DIR,
    poolMax: config.DATABASE_POOL_MAX,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
  });
  if (database.pool) logSlowQueries(database.pool, config.SLOW_QUERY_MS, logger);
  await runMigrations(database);
  logger.info({ driver: database.kind }, 'database ready, migrations applied');

  const app = await buildApp({ config, database, logger });
  await app.ready();

  // First start: an ADMIN from HCE_ADMIN_EMAIL/HCE_ADMIN_PASSWORD, or a generated password
  // printed once to the console (never through the redacting logger, never again).
  const adminEmail = config.HCE_ADMIN_EMAIL ?? 'admin@hce.local';
  const generated = config.HCE_ADMIN_PASSWORD ? undefined : randomBytes(18).toString('base64url');
  if (await app.ctx.services.users.bootstrapAdmin(adminEmail, config.HCE_ADMIN_PASSWORD ?? generated!)) {
    logger.warn({ email: adminEmail }, 'no users existed: created the initial ADMIN');
    if (generated) {
      process.stdout.write(`\n  Initial ADMIN: ${adminEmail}\n  Password (shown once, change it): ${generated}\n\n`);
    }
  }
  // First start: load the shipped catalogs (CIE-10, medicines, procedures…) before serving.
  const seeded = await seedCatalogsIfEmpty(database.db, { importer: app.ctx.services.catalogs.importer });
  if (seeded) logger.info({ catalogs: seeded.catalogs, templatesAdded: seeded.templatesAdded }, 'first start: catalogs loaded from seeds/');

  // The billing system's key from HCE_SALES_API_KEY, and delivery of the events it is owed.
  if (config.HCE_SALES_API_KEY) {
    const bootstrap = await app.ctx.services.integrationClients.bootstrapFromEnv(config.HCE_SALES_API_KEY);
    if (bootstrap !== 'exists') logger.info({ result: bootstrap }, 'HCE_SALES_API_KEY: integration client checked');
  }
  app.ctx.services.outbox.start();

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones');
    const force = setTimeout(() => {
      logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out, exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    // Keep-alive sockets that finish their last in-flight request become idle after close()
    // began; Node does not close those on its own, so sweep them until the server is closed.
    const sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
    sweeper.unref();
    app
      .close()
      .then(() => database.close())
      .then(() => {
        logger.info('shutdown complete');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((error: unknown) => {
  process.stderr.write(`Fatal: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
