interface PgError {
  code?: string;
  constraint?: string;
  cause?: unknown;
}

/** Drizzle wraps driver errors; find the PostgreSQL error underneath. */
export function pgErrorOf(error: unknown): PgError | undefined {
  let current: unknown = error;
  for (let i = 0; i < 5 && current; i++) {
    const e = current as PgError;
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
    current = e.cause;
  }
  return undefined;
}

/** The violated constraint's name when `error` is a unique violation (23505). */
export function uniqueViolation(error: unknown): string | undefined {
  const e = pgErrorOf(error);
  return e?.code === '23505' ? (e.constraint ?? '') : undefined;
}

/** Exclusion-constraint violation (23P01), e.g. overlapping appointments. */
export function exclusionViolation(error: unknown): string | undefined {
  const e = pgErrorOf(error);
  return e?.code === '23P01' ? (e.constraint ?? '') : undefined;
}

export function isSerializationFailure(error: unknown): boolean {
  const code = pgErrorOf(error)?.code;
  return code === '40001' || code === '40P01';
}
