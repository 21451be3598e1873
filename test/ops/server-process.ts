import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { TEST_SECRETS } from '../helpers/app.js';

/**
 * The real server (src/server.ts through tsx) as a child process, for the fault suites
 * (SIGKILL, SIGTERM, database outage) that in-process app.inject cannot exercise.
 */

export const ADMIN = { email: 'admin.fault@clinica.pe', password: 'Clave-Admin-Fallas-2026' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function serverEnv(databaseUrl: string, dataDir: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    HCE_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    BCRYPT_COST: '4',
    HCE_ADMIN_EMAIL: ADMIN.email,
    HCE_ADMIN_PASSWORD: ADMIN.password,
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
    SHUTDOWN_TIMEOUT_MS: '20000',
    ...TEST_SECRETS,
    ...extra,
  };
}

export async function startServer(env: Record<string, string>, timeoutMs = 180_000): Promise<ServerProcess> {
  // node with tsx's loader, not the tsx wrapper: signals must reach the server process itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr?.on('data', (c: Buffer) => { out += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${out.slice(-2000)}`);
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) return { url, child, output: () => out, exited };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become ready: ${out.slice(-2000)}`);
}

export async function createDatabaseOn(adminUrl: string): Promise<string> {
  const name = `hce_fault_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function api(base: string, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: () => Record<string, unknown>; text: string }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

export async function login(base: string, email: string, password: string): Promise<string> {
  const res = await api(base, 'POST', '/api/v1/auth/login', undefined, { email, password });
  if (res.status !== 200) throw new Error(`login ${res.status} ${res.text}`);
  return String(res.json().accessToken);
}

/** A staff user created by the bootstrap ADMIN through the API, logged in. */
export async function staff(base: string, adminToken: string, role: 'MEDICO' | 'ASISTENTE', n: number): Promise<string> {
  const email = `${role.toLowerCase()}.fault${n}.${Date.now()}@clinica.pe`;
  const res = await api(base, 'POST', '/api/v1/users', adminToken, {
    email, password: 'Clave-Segura-2026', nombres: 'Ana', apellidoPaterno: 'Quispe', apellidoMaterno: 'Núñez', role,
    ...(role === 'MEDICO' ? { cmp: String(20000 + n), especialidad: 'Medicina General' } : {}),
  });
  if (res.status !== 201) throw new Error(`user ${res.status} ${res.text}`);
  return login(base, email, 'Clave-Segura-2026');
}

function pgCtl(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  return join('/usr/lib/postgresql', versions[versions.length - 1]!, 'bin', 'pg_ctl');
}

/** Stops/starts the dedicated cluster of the fault suite (never a shared one). */
export function pgControl(action: 'stop' | 'start', dir: string, port: string): void {
  const args = action === 'stop'
    ? ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']
    : ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300`, '-w', 'start'];
  const result = spawnSync('runuser', ['-u', 'postgres', '--', pgCtl(), ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pg_ctl ${action}: ${result.stderr}`);
}
