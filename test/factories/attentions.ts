import type { TestApp } from '../helpers/app.js';
import type { TestUser } from './users.js';

export async function medicationId(t: TestApp, user: TestUser, search: string, match?: (m: { dci: string; concentracion: string; formaFarmaceutica: string }) => boolean): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/catalogs/medications?search=${encodeURIComponent(search)}&limit=50`, headers: user.headers });
  const list = res.json().data as { id: string; dci: string; concentracion: string; formaFarmaceutica: string }[];
  const found = match ? list.find(match) : list[0];
  if (!found) throw new Error(`medication ${search} not in catalog`);
  return found.id;
}

export async function createAttention(t: TestApp, doctor: TestUser, body: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/medical_attentions', headers: doctor.headers, payload: { tipoAtencion: 'CONSULTA', motivoConsulta: 'Fiebre y tos', ...body } });
  if (res.statusCode !== 201) throw new Error(`attention creation failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; estado: string; [k: string]: unknown };
}
