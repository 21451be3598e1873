import { todayInLima } from '../../src/shared/time.js';
import type { TestApp } from '../helpers/app.js';
import type { TestUser } from './users.js';

/** YYYY-MM-DD, `days` from today in Lima. */
export function dayFromToday(days: number): string {
  const d = new Date(`${todayInLima()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export async function serviceTypeId(t: TestApp, user: TestUser, codigo = 'CONS-MG'): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/service-types', headers: user.headers });
  const found = res.json().data.find((s: { codigo: string }) => s.codigo === codigo);
  if (!found) throw new Error(`service type ${codigo} not seeded`);
  return found.id;
}

export async function createAppointment(t: TestApp, user: TestUser, body: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/appointments', headers: user.headers, payload: { infoPago: 'PENDIENTE', ...body } });
  if (res.statusCode !== 201) throw new Error(`appointment creation failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; estado: string; version: number; [k: string]: unknown };
}
