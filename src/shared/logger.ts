import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** Keys whose values never reach a log line, at any depth. */
const SENSITIVE_KEYS = new Set(
  [
    'password', 'new_password', 'confirm_new_password', 'currentPassword', 'passwordHash', 'password_hash',
    'token', 'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'resetToken', 'idToken',
    'authorization', 'cookie', 'set-cookie', 'x-api-key', 'apiKey', 'api_key', 'secret', 'jwt',
    'numeroDocumento', 'numero_documento', 'dni', 'ruc', 'digitoVerificador', 'signature', 'sig',
    'JWT_SECRET', 'HCE_DATA_KEY', 'HCE_DATA_KEYS_OLD', 'HCE_ADMIN_PASSWORD', 'HCE_SALES_API_KEY',
    'PACS_API_KEY', 'LIS_API_KEY', 'METRICS_TOKEN', 'SMTP_URL', 'DATABASE_URL', 'keyHash', 'tokenHash',
  ].map((k) => k.toLowerCase()),
);

const REDACTED = '[REDACTED]';

function scrub(value: unknown, depth: number): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SENSITIVE_KEYS.has(key.toLowerCase()) ? REDACTED : scrub(v, depth + 1);
  }
  return out;
}

/** Paths only: query strings carry names and document numbers. */
export function pathOnly(url: string | undefined): string | undefined {
  return url?.split('?')[0];
}

interface PgLikeError extends Error {
  code?: string;
  detail?: string;
  where?: string;
  constraint?: string;
}

function serializeError(err: PgLikeError): Record<string, unknown> {
  const base = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  // PostgreSQL's `detail` echoes row values (e.g. "Key (x)=(...) already exists").
  delete base.detail;
  delete base.where;
  delete base.parameters;
  delete base.params;
  delete base.query;
  for (const key of ['message', 'stack'] as const) {
    if (typeof base[key] === 'string') {
      base[key] = (base[key] as string)
        // Drizzle puts the bound values (names, document ciphertexts, notes) after "params:".
        .replace(/\nparams: [^\n]*/g, '\nparams: [REDACTED]')
        .replace(/\([^()]*\)=\([^)]*\)/g, '(…)=(…)');
    }
  }
  return scrub(base, 0) as Record<string, unknown>;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'hce-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    formatters: {
      level: (label) => ({ level: label }),
      log: (object) => scrub(object, 0) as Record<string, unknown>,
    },
    serializers: {
      err: serializeError,
      error: serializeError,
      req: (req: { method?: string; url?: string; id?: string; ip?: string; routeOptions?: { url?: string } }) => ({
        method: req.method,
        url: pathOnly(req.url),
        route: req.routeOptions?.url,
        ip: req.ip,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'], censor: REDACTED },
  };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
