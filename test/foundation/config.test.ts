import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.js';
import { withDevSecrets } from '../../src/config/secrets.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('applies documented defaults on an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HCE_DATA_DIR).toBe('./data');
    expect(config.embeddedDatabase).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('LOG_LEVEL:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('DATABASE_URL:'))).toBe(true);
  });

  it('requires secrets, with a hint to generate them, when a server database is shared', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/hce' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^JWT_SECRET: obligatorio.*openssl rand/),
        expect.stringMatching(/^HCE_DATA_KEY: obligatorio.*openssl rand/),
      ]),
    );
  });

  it('requires secrets and a strong bcrypt cost in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production', BCRYPT_COST: '8' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['JWT_SECRET', 'HCE_DATA_KEY', 'BCRYPT_COST']),
    );
  });

  it('refuses a short JWT secret and a TLS certificate without its key', () => {
    expect(problemsOf({ JWT_SECRET: 'short' })[0]).toMatch(/^JWT_SECRET: .*32/);
    expect(problemsOf({ TLS_CERT_FILE: '/tmp/cert.pem' })[0]).toMatch(/^TLS_CERT_FILE\/TLS_KEY_FILE/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).PORT).toBe(3000);
  });

  it('generates development secrets once and reuses them on the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hce-secrets-'));
    const first = withDevSecrets(loadConfig({ HCE_DATA_DIR: dir }));
    expect(first.generatedFile).toBe(join(dir, 'secrets.json'));
    expect(existsSync(first.generatedFile!)).toBe(true);
    expect(statSync(first.generatedFile!).mode & 0o077).toBe(0);
    expect(first.config.JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
    const second = withDevSecrets(loadConfig({ HCE_DATA_DIR: dir }));
    expect(second.generatedFile).toBeUndefined();
    expect(second.config.JWT_SECRET).toBe(first.config.JWT_SECRET);
    expect(second.config.HCE_DATA_KEY).toBe(first.config.HCE_DATA_KEY);
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')).HCE_DATA_KEY).toBe(first.config.HCE_DATA_KEY);
  });
});
