/**
 * npm run user:create -- --email a@b.pe --role ADMIN [--password …] [--nombres …] [--apellido …] [--cmp …]
 * Without --password a strong one is generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/env.js';
import { withDevSecrets } from '../src/config/secrets.js';
import { createDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { createServices } from '../src/container.js';
import { ROLES, type RoleName } from '../src/modules/auth/auth.types.js';
import { createUserBody } from '../src/modules/users/users.schemas.js';
import { AppError } from '../src/shared/errors.js';
import { createLogger } from '../src/shared/logger.js';

const { values } = parseArgs({
  options: {
    email: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' },
    nombres: { type: 'string', default: 'Usuario' }, apellido: { type: 'string', default: 'HCE' },
    cmp: { type: 'string' }, especialidad: { type: 'string' },
  },
});
if (!values.email || !values.role || !ROLES.includes(values.role as RoleName)) {
  console.error(`Uso: npm run user:create -- --email correo --role ${ROLES.join('|')} [--password clave] [--nombres N] [--apellido A] [--cmp 12345]`);
  process.exit(2);
}
const config = withDevSecrets(loadConfig()).config;
const database = await createDatabase({ url: config.DATABASE_URL, dataDir: config.HCE_DATA_DIR, poolMax: 2 });
await runMigrations(database);
const services = createServices({ config, database, logger: createLogger('warn') });
const password = values.password ?? randomBytes(18).toString('base64url');
try {
  const input = createUserBody.parse({
    email: values.email, password, role: values.role, nombres: values.nombres, apellidoPaterno: values.apellido,
    ...(values.cmp ? { cmp: values.cmp } : {}), ...(values.especialidad ? { especialidad: values.especialidad } : {}),
  });
  const user = await services.users.create({ actorKind: 'cli' }, input);
  console.log(`Usuario creado: ${user.email} (${user.role}) id=${user.id}`);
  if (!values.password) console.log(`Contraseña generada (se muestra una sola vez): ${password}`);
} catch (error) {
  if (error instanceof AppError) {
    console.error(`${error.detail}${error.errors ? ' ' + error.errors.map((e) => `${e.path}: ${e.message}`).join('; ') : ''}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  services.mailer.close();
  await services.rateLimiter.store.close();
  await database.close();
}
