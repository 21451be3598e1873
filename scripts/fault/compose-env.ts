/**
 * The API service's environment from docker-compose.yml, with `${VAR:-default}` resolved to
 * its default and required secrets (`${VAR:?…}`) taken from the caller's environment.
 *   tsx scripts/fault/compose-env.ts   → KEY=VALUE lines (CI starts the built server with them)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Variables under `environment:` of one compose service (a map, as our file writes it). */
export function composeEnvironment(text: string, service: string): Record<string, string> {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === `  ${service}:`);
  const env: Record<string, string> = {};
  let inEnv = false;
  for (const line of lines.slice(start + 1)) {
    if (/^ {2}\S/.test(line) || /^\S/.test(line)) break;
    if (/^ {4}environment:\s*$/.test(line)) {
      inEnv = true;
      continue;
    }
    if (inEnv && /^ {6}[A-Z0-9_]+:/.test(line)) {
      const [key, ...rest] = line.trim().split(':');
      env[key!] = rest.join(':').trim().replace(/^"|"$/g, '');
    } else if (inEnv && /^ {4}\S/.test(line)) inEnv = false;
  }
  return env;
}

export function resolveCompose(env: Record<string, string>, from: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key,
    value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
      const given = from[name];
      if (given) return given;
      if (op === '-') return arg ?? '';
      throw new Error(`${name}: required by docker-compose.yml (${arg ?? ''})`);
    })]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = resolveCompose(composeEnvironment(readFileSync('docker-compose.yml', 'utf8'), 'api'), process.env);
  for (const [key, value] of Object.entries(env)) process.stdout.write(`${key}=${value}\n`);
}
