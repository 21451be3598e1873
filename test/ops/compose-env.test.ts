import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { composeEnvironment, resolveCompose } from '../../scripts/fault/compose-env.js';

/**
 * docker-compose.yml is documentation an operator copies: every variable it sets for the API
 * must be one the README's configuration table explains, and one the app accepts.
 */

function readmeVariables(): Set<string> {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const table = section.slice(0, section.indexOf('\n## ', 5));
  const names = new Set<string>();
  for (const row of table.split('\n').filter((l) => l.startsWith('| `'))) {
    const firstCell = row.split(' | ')[0] ?? '';
    for (const m of firstCell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) names.add(m[1]!);
  }
  return names;
}

describe('docker-compose.yml environment', () => {
  const compose = readFileSync('docker-compose.yml', 'utf8');
  const env = composeEnvironment(compose, 'api');

  it('sets the variables a production start needs', () => {
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['NODE_ENV', 'DATABASE_URL', 'JWT_SECRET', 'HCE_DATA_KEY', 'HCE_DATA_DIR']));
  });

  it('only uses variables documented in the README configuration table', () => {
    const documented = readmeVariables();
    expect(documented.size).toBeGreaterThan(40);
    expect(Object.keys(env).filter((k) => !documented.has(k))).toEqual([]);
  });

  it('is a configuration the app accepts once its secrets are filled in', () => {
    const filled = resolveCompose(env, { JWT_SECRET: 'x'.repeat(48), HCE_DATA_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=' });
    expect(() => loadConfig(filled)).not.toThrow();
  });
});
