import { expect } from 'vitest';
import type { TestApp } from '../helpers/app.js';
import { createAttention, medicationId } from '../factories/attentions.js';
import type { TestUser } from '../factories/users.js';

export const req = (t: TestApp, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, user?: TestUser, payload?: object, remoteAddress?: string) =>
  t.app.inject({ method, url, ...(user ? { headers: user.headers } : {}), ...(payload ? { payload } : {}), ...(remoteAddress ? { remoteAddress } : {}) });

/**
 * A complete emergency attention: vitals, a CIE-10 diagnosis, paracetamol and a controlled
 * benzodiazepine, a lab order; finalized unless asked otherwise.
 */
export async function clinicalAttention(t: TestApp, doctor: TestUser, patientId: string, options: { finalize?: boolean; prescriptions?: boolean } = {}) {
  const att = await createAttention(t, doctor, {
    patient_id: patientId, tipoAtencion: 'EMERGENCIA', motivoConsulta: 'Cefalea intensa y fiebre', anamnesis: 'Refiere cefalea pulsátil de dos días, con náuseas.',
    examenFisico: 'Lúcido, orientado; rigidez de nuca negativa.', tiempoEnfermedad: '2 días', planTrabajo: 'Analgesia, hidratación y control en 48 horas.',
  });
  const base = `/api/v1/medical_attentions/${att.id}`;
  expect((await req(t, 'POST', `${base}/vitals`, doctor, { pa_sistolica: 120, pa_diastolica: 80, fc: 78, fr: 16, temp: 38.2, satO2: 98, peso: 70, talla: 1.75 })).statusCode).toBe(201);
  expect((await req(t, 'POST', `${base}/diagnoses`, doctor, { cie_code: 'J06.9', type: 'PRESUNTIVO' })).statusCode).toBe(201);
  const ids: { paracetamol?: string; clonazepam?: string } = {};
  if (options.prescriptions !== false) {
    const paracetamol = await medicationId(t, doctor, 'paracetamol', (m) => m.concentracion === '500 mg' && m.formaFarmaceutica === 'Tableta');
    const clonazepam = await medicationId(t, doctor, 'clonazepam', (m) => m.concentracion === '0.5 mg');
    const p1 = await req(t, 'POST', `${base}/prescriptions`, doctor, { medicamento_id: paracetamol, dosis: '1 tableta', via: 'Oral', frecuencia: 'Cada 8 horas', duracion: '5 días', cantidad: 15, indicaciones: 'Tomar después de las comidas' });
    const p2 = await req(t, 'POST', `${base}/prescriptions`, doctor, { medicamento_id: clonazepam, dosis: '1 tableta', via: 'Oral', frecuencia: 'Cada noche', duracion: '7 días', cantidad: 7 });
    expect([p1.statusCode, p2.statusCode]).toEqual([201, 201]);
    ids.paracetamol = p1.json().id;
    ids.clonazepam = p2.json().id;
  }
  const order = await req(t, 'POST', `${base}/orders`, doctor, { tipo: 'LABORATORIO', detalle: 'Hemograma completo', procedure_code: '85025' });
  expect(order.statusCode).toBe(201);
  if (options.finalize !== false) expect((await req(t, 'PUT', `${base}/finalize`, doctor)).statusCode).toBe(200);
  return { id: att.id, prescriptions: ids, numeroOrden: order.json().numeroOrden as string };
}
