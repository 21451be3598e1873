/**
 * npm run seed:demo -- [--preset tiny|small|medium|large] [--patients N] [--appointments M]
 *                      [--attentions K] [--doctors D] [--seed S]
 *
 * Fills an empty database with deterministic demo data (the same seed gives the same rows)
 * for demos and the benchmark. Refuses a database that already holds patients (seeded DNIs
 * and history numbers would collide with real ones) and NODE_ENV=production outright: it
 * creates users with a published password. Large presets are meant for PostgreSQL (DATABASE_URL).
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config/env.js';
import { withDevSecrets } from '../src/config/secrets.js';
import { createDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { hashPassword } from '../src/modules/auth/password.js';
import { seedCatalogsIfEmpty } from '../src/modules/catalogs/catalogs.seed.js';
import { Keyring } from '../src/shared/crypto/keyring.js';
import { progressBar } from './catalogs-progress.js';
import { prng } from './seed-demo/data.js';
import { BENCH_PASSWORD, seedAppointments, seedAttentions, seedPatients, seedUsers, type SeedCounts } from './seed-demo/load.js';

export const PRESETS: Record<string, SeedCounts> = {
  tiny: { patients: 2_000, appointments: 5_000, attentions: 1_500, doctors: 10 },
  small: { patients: 20_000, appointments: 60_000, attentions: 20_000, doctors: 20 },
  medium: { patients: 50_000, appointments: 200_000, attentions: 60_000, doctors: 30 },
  large: { patients: 200_000, appointments: 1_000_000, attentions: 300_000, doctors: 60 },
};

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'small' },
    patients: { type: 'string' }, appointments: { type: 'string' }, attentions: { type: 'string' }, doctors: { type: 'string' },
    seed: { type: 'string', default: '20261128' },
  },
});
const preset = PRESETS[values.preset];
if (!preset) {
  process.stderr.write(`--preset debe ser uno de: ${Object.keys(PRESETS).join(', ')}\n`);
  process.exit(64);
}
const count = (v: string | undefined, fallback: number, name: string): number => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) { process.stderr.write(`--${name} debe ser un entero >= 0\n`); process.exit(64); }
  return n;
};
const counts: SeedCounts = {
  patients: count(values.patients, preset.patients, 'patients'),
  appointments: count(values.appointments, preset.appointments, 'appointments'),
  attentions: count(values.attentions, preset.attentions, 'attentions'),
  doctors: Math.max(1, count(values.doctors, preset.doctors, 'doctors')),
};
if (counts.patients === 0 && (counts.appointments > 0 || counts.attentions > 0)) {
  process.stderr.write('--appointments/--attentions necesitan al menos un paciente\n');
  process.exit(64);
}

const config = withDevSecrets(loadConfig()).config;
if (config.NODE_ENV === 'production') {
  process.stderr.write('seed:demo no se ejecuta con NODE_ENV=production (crea usuarios con una contraseña publicada)\n');
  process.exit(64);
}
const database = await createDatabase({ url: config.DATABASE_URL, dataDir: config.HCE_DATA_DIR, poolMax: 2 });
try {
  await runMigrations(database);
  await seedCatalogsIfEmpty(database.db);
  const db = database.db;
  const existing = Number((await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM patients`)).rows[0]?.n ?? 0);
  if (existing > 0) {
    process.stderr.write(`La base ya tiene ${existing} pacientes: seed:demo solo llena una base vacía (cree una nueva).\n`);
    process.exit(65);
  }
  const started = Date.now();
  const rng = prng(Number(values.seed));
  const keyring = new Keyring(config.HCE_DATA_KEY!, config.HCE_DATA_KEYS_OLD);
  const bars = new Map<string, ReturnType<typeof progressBar>>();
  const progress = (table: string, done: number, total: number): void => {
    if (!bars.has(table)) bars.set(table, progressBar(table));
    bars.get(table)!.update('guardando', done, total);
  };
  // One hash for every demo user: bcrypt at the configured cost, so login costs what it will in production.
  const passwordHash = await hashPassword(BENCH_PASSWORD, config.BCRYPT_COST);
  const { doctorIds } = await seedUsers(db, passwordHash, counts.doctors, rng);
  const patientIds = await seedPatients(db, keyring, counts.patients, { prefix: config.HC_PREFIX, digits: config.HC_DIGITS }, rng, progress);
  const attended = Math.min(counts.attentions, counts.appointments);
  const booked = await seedAppointments(db, counts.appointments, attended, patientIds, doctorIds, rng, progress);
  await seedAttentions(db, booked, counts.attentions - attended, patientIds, doctorIds, rng, progress);
  // As after any bulk load: statistics, and the visibility map set so index-only scans skip the
  // table from the first query (otherwise autovacuum does it later, under the benchmark's load).
  await db.execute(sql`VACUUM (ANALYZE)`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`Datos de demostración: ${counts.patients} pacientes, ${counts.appointments} citas, ${counts.attentions} atenciones, ` +
    `${counts.doctors} médicos (medico1..${counts.doctors}@demo.hce.local) y asistente@demo.hce.local; contraseña ${BENCH_PASSWORD}; ${seconds} s.`);
} finally {
  await database.close();
}
