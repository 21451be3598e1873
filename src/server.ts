import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config/env.js';
import { withDevSecrets } from './config/secrets.js';
import { createDatabase } from './db/client.js';
import { runMigrations } from './db/migrate.js';
import { seedCatalogsIfEmpty } from './modules/catalogs/catalogs.seed.js';
import type { Logger } from 'pino';
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
  // A cluster worker (HCE_WORKERS > 1): the primary already did the one-time start-up work.
  const isWorker = cluster.isWorker;
  if (!isWorker) {
    await runMigrations(database);
    logger.info({ driver: database.kind }, 'database ready, migrations applied');
  }

  const lifecycle = { draining: false };
  const app = await buildApp({ config, database, logger, lifecycle });
  await app.ready();
  if (!isWorker) await firstStart(app, config, database, logger);
  // In-flight requests, counted on the raw server so aborted ones are released too.
  const traffic = { inflight: 0, lastRequestAt: 0 };
  app.server.on('request', (_req, res) => {
    traffic.inflight += 1;
    traffic.lastRequestAt = Date.now();
    res.once('close', () => { traffic.inflight -= 1; });
  });

  if (config.HCE_WORKERS > 1 && cluster.isPrimary) {
    // The primary did the one-time work above; it serves nothing itself and supervises.
    await app.close();
    await database.close();
    if (!config.REDIS_URL) {
      logger.warn({ workers: config.HCE_WORKERS }, 'HCE_WORKERS without REDIS_URL: per-IP rate limits are counted per process (lockouts, kept in the database, still hold)');
    }
    supervise(config.HCE_WORKERS, config.HCE_WORKER_HEAP_MB, config.SHUTDOWN_TIMEOUT_MS, logger);
    return;
  }
  await serve(app, config, database, logger, lifecycle, traffic);
}

type App = Awaited<ReturnType<typeof buildApp>>;
type Config = ReturnType<typeof loadConfig>;
type Database = Awaited<ReturnType<typeof createDatabase>>;

async function firstStart(app: App, config: Config, database: Database, logger: Logger): Promise<void> {
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
}

/** Quiet time after the last request before the listener closes (see shutdown). */
const DRAIN_QUIET_MS = 250;

async function serve(app: App, config: Config, database: Database, logger: Logger,
  lifecycle: { draining: boolean }, traffic: { inflight: number; lastRequestAt: number }): Promise<void> {
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
    // Drain before closing the listener: closing it first would reset connections the kernel
    // had already accepted but Node had not read yet. Meanwhile new requests get 503
    // SHUTTING_DOWN (Connection: close) and /health/ready turns 503, so a balancer moves on.
    lifecycle.draining = true;
    const drainDeadline = Date.now() + config.SHUTDOWN_TIMEOUT_MS / 2;
    const drained = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        const quiet = traffic.inflight === 0 && Date.now() - traffic.lastRequestAt >= DRAIN_QUIET_MS;
        if (quiet || Date.now() >= drainDeadline) {
          clearInterval(check);
          resolve();
        }
      }, 25);
    });
    // Keep-alive sockets that finish their last in-flight request become idle after close()
    // began; Node does not close those on its own, so sweep them until the server is closed.
    drained
      .then(() => {
        const sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
        sweeper.unref();
        return app.close();
      })
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

/**
 * HCE_WORKERS > 1: the API is stateless (sessions are JWTs, limits in Redis or the database),
 * so N processes share the port through node:cluster. A worker that dies is replaced; on
 * SIGTERM each worker drains its in-flight requests and the primary exits when all have.
 */
function supervise(workers: number, heapMb: number, shutdownTimeoutMs: number, logger: Logger): void {
  let stopping = false;
  // NODE_OPTIONS is Node's own flag channel, not an HCE setting: read only to respect an operator's heap flag.
  // eslint-disable-next-line no-restricted-properties
  const execArgv = workerExecArgv(heapMb, process.execArgv, process.env.NODE_OPTIONS);
  cluster.setupPrimary({ execArgv });
  const recentCrashes: number[] = [];
  const fork = () => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.values(cluster.workers ?? {}).every((w) => !w || w.isDead())) {
        logger.info('all workers stopped');
        process.exit(0);
      }
      return;
    }
    const now = Date.now();
    recentCrashes.push(now);
    while (recentCrashes.length > 0 && now - recentCrashes[0]! > 60_000) recentCrashes.shift();
    if (recentCrashes.length > workers * 5) {
      logger.fatal({ crashes: recentCrashes.length }, 'workers keep crashing; giving up');
      process.exit(1);
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'worker exited; starting a replacement');
    fork();
  });
  for (let i = 0; i < workers; i++) fork();
  logger.info({ workers, execArgv }, 'cluster started');
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(1), shutdownTimeoutMs + 2000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Fatal: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});

/**
 * Node flags for the workers: the old-generation cap (HCE_WORKER_HEAP_MB; 0 leaves V8's
 * default) and a 32 MB young-generation semi-space. V8 sizes its heap-growth factor by the
 * cap: with the default (several GB on a large host) a busy worker grows to ~350 MB before
 * collecting; with 512 MB it stays near 200 MB, and a large catalog import still has room.
 * The larger semi-space lets each request's short-lived objects (a 100 KB agenda answer)
 * die young instead of being promoted into the now tighter old generation. Flags the
 * operator gave (command line or NODE_OPTIONS) win.
 */
function workerExecArgv(heapMb: number, execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  const has = (flag: string) => given.some((f) => f.startsWith(flag));
  const flags = [...execArgv];
  if (heapMb > 0 && !has('--max-old-space-size')) flags.push(`--max-old-space-size=${heapMb}`);
  if (heapMb > 0 && !has('--max-semi-space-size')) flags.push('--max-semi-space-size=32');
  return flags;
}
