import type { TestApp } from '../helpers/app.js';
import type { TestUser } from './users.js';

let dniSeq = 40_000_000 + Math.floor(Math.random() * 5_000_000);

/** A fresh, valid 8-digit DNI for each call. */
export function nextDni(): string {
  dniSeq += 1;
  return String(dniSeq);
}

export function patientPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tipoDocumento: 'DNI',
    numeroDocumento: nextDni(),
    nombres: 'José Luis',
    apellidoPaterno: 'Núñez',
    apellidoMaterno: 'Chávez',
    fechaNacimiento: '1985-04-12',
    sexo: 'M',
    estadoCivil: 'CASADO',
    direccion: 'Av. Grau 123',
    departamento: 'Piura',
    provincia: 'Piura',
    distrito: 'Castilla',
    telefonoMovil: '987654321',
    email: 'jose.nunez@correo.pe',
    grupoSanguineo: 'O',
    factorRh: 'POSITIVO',
    antecedentesCronicos: ['Hipertensión arterial'],
    medicacionActual: ['Enalapril 10 mg'],
    alergias: [{ alergia: 'Penicilina', reaccion: 'Urticaria', severidad: 'GRAVE' }],
    contactoEmergencia: { nombre: 'Rosa Chávez', telefono: '912345678', relacion: 'Esposa' },
    ...overrides,
  };
}

export async function createPatient(t: TestApp, user: TestUser, overrides: Record<string, unknown> = {}) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/patients', headers: user.headers, payload: patientPayload(overrides) });
  if (res.statusCode !== 201) throw new Error(`patient creation failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; patient_id: string; numeroHistoriaClinica: string; numeroDocumento: string; version: number; [k: string]: unknown };
}
