/**
 * Writes the demo data in batched multi-row INSERTs through Drizzle (both drivers), the way
 * the app would have stored it: document numbers encrypted with the keyring and findable by
 * their blind index, appointments on a doctor's 20-minute grid in America/Lima time so the
 * no-overlap exclusion constraint holds, and each attention with vitals, diagnoses and
 * prescriptions drawn from the seeded catalogs. No audit rows: nobody read or changed them.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { appointments, serviceTypes } from '../../src/modules/appointments/appointments.table.js';
import { attentionDiagnoses, medicalAttentions, prescriptions, vitalSigns } from '../../src/modules/attentions/attentions.table.js';
import { diagnoses, medications } from '../../src/modules/catalogs/catalogs.table.js';
import { ubigeo } from '../../src/modules/catalogs/ubigeo.js';
import { DOC_AAD, documentIndexInput } from '../../src/modules/patients/patients.mapper.js';
import { patients } from '../../src/modules/patients/patients.table.js';
import { roles, users } from '../../src/modules/users/users.table.js';
import type { Keyring } from '../../src/shared/crypto/keyring.js';
import { limaInstant } from '../../src/shared/time.js';
import * as d from './data.js';

export interface SeedCounts {
  patients: number;
  appointments: number;
  attentions: number;
  doctors: number;
}
export type Progress = (table: string, done: number, total: number) => void;

export const BENCH_PASSWORD = 'Bench-Clave-2026!';
export const BENCH_DOCTOR_EMAIL = 'medico1@demo.hce.local';
export const BENCH_ASSISTANT_EMAIL = 'asistente@demo.hce.local';
/** Appointments start on this Monday and fill the doctors' grids day after day. */
export const FIRST_DAY = '2025-01-06';
const SLOTS = Array.from({ length: 33 }, (_, i) => {
  const minutes = 8 * 60 + i * 20;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
});
const BATCH = 1000;

async function inBatches<T>(total: number, make: (i: number) => T, write: (rows: T[]) => Promise<unknown>, table: string, progress: Progress) {
  for (let start = 0; start < total; start += BATCH) {
    const rows: T[] = [];
    for (let i = start; i < Math.min(total, start + BATCH); i++) rows.push(make(i));
    await write(rows);
    progress(table, Math.min(total, start + BATCH), total);
  }
}

/** Working days (Mon–Sat) from FIRST_DAY: the n-th one. */
function workingDay(n: number): string {
  const week = Math.floor(n / 6);
  const date = new Date(`${FIRST_DAY}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + week * 7 + (n % 6));
  return d.isoDate(date);
}

export async function seedUsers(db: Db, passwordHash: string, doctors: number, rng: d.Rng): Promise<{ doctorIds: string[]; assistantId: string }> {
  const roleRows = await db.select().from(roles);
  const roleId = (name: string) => roleRows.find((r) => r.name === name)!.id;
  const doctorRows = Array.from({ length: doctors }, (_, i) => ({
    id: d.uuid(rng),
    email: `medico${i + 1}@demo.hce.local`,
    passwordHash,
    nombres: d.pick(rng, i % 2 ? d.NOMBRES_F : d.NOMBRES_M),
    apellidoPaterno: d.pick(rng, d.APELLIDOS),
    apellidoMaterno: d.pick(rng, d.APELLIDOS),
    roleId: roleId('MEDICO'),
    cmp: String(60_000 + i).padStart(6, '0'),
    especialidad: d.pick(rng, ['Medicina General', 'Pediatría', 'Cardiología', 'Ginecología y Obstetricia']),
  }));
  await db.insert(users).values(doctorRows);
  const assistantId = d.uuid(rng);
  await db.insert(users).values({ id: assistantId, email: BENCH_ASSISTANT_EMAIL, passwordHash, nombres: 'Rocío', apellidoPaterno: 'Saavedra',
    apellidoMaterno: 'Timaná', roleId: roleId('ASISTENTE') });
  return { doctorIds: doctorRows.map((r) => r.id), assistantId };
}

export async function seedPatients(db: Db, keyring: Keyring, total: number, hc: { prefix: string; digits: number }, rng: d.Rng, progress: Progress): Promise<string[]> {
  const districts = ubigeo().distritos;
  const piura = districts.filter((x) => x.inei.startsWith('20'));
  const ids: string[] = [];
  await inBatches(total, (i) => {
    const female = rng() < 0.52;
    const place = rng() < 0.8 ? d.pick(rng, piura) : d.pick(rng, districts);
    const dni = d.dniFor(i);
    const birth = new Date(Date.UTC(1935, 0, 1) + Math.floor(rng() * 88 * 365.25) * 86_400_000);
    const id = d.uuid(rng);
    ids.push(id);
    return {
      id,
      numeroHistoriaClinica: `${hc.prefix}${String(i + 1).padStart(hc.digits, '0')}`,
      tipoDocumento: 'DNI',
      numeroDocumentoEnc: keyring.encrypt(dni, DOC_AAD),
      numeroDocumentoBidx: keyring.blindIndex(documentIndexInput(dni)),
      nombres: d.pick(rng, female ? d.NOMBRES_F : d.NOMBRES_M),
      apellidoPaterno: d.pick(rng, d.APELLIDOS),
      apellidoMaterno: d.pick(rng, d.APELLIDOS),
      fechaNacimiento: d.isoDate(birth),
      sexo: female ? 'F' : 'M',
      estadoCivil: d.pick(rng, ['SOLTERO', 'CASADO', 'CONVIVIENTE', 'VIUDO', 'DIVORCIADO']),
      direccion: `${d.pick(rng, d.CALLES)} ${d.int(rng, 100, 1999)}`,
      departamento: place.departamento,
      provincia: place.provincia,
      distrito: place.distrito,
      ubigeo: place.inei,
      ubigeoReniec: place.reniec,
      telefonoMovil: `9${String(d.int(rng, 0, 99_999_999)).padStart(8, '0')}`,
      antecedentesCronicos: rng() < 0.3 ? [d.pick(rng, d.CRONICOS)] : [],
      alergias: rng() < 0.15 ? [d.pick(rng, d.ALERGIAS)] : [],
    };
  }, (rows) => db.insert(patients).values(rows), 'patients', progress);
  // The app numbers new histories from this sequence: continue after the seeded ones.
  await db.execute(sql`SELECT setval('patients_hc_seq', ${total + 1}, false)`);
  return ids;
}

export interface SeededAppointment { id: string; patientId: string; doctorId: string; startsAt: Date }

/** Appointments fill each doctor's grid in turn; the first `attended` are past and ATENDIDA. */
export async function seedAppointments(db: Db, total: number, attended: number, patientIds: string[], doctorIds: string[], rng: d.Rng, progress: Progress): Promise<SeededAppointment[]> {
  const [service] = await db.select().from(serviceTypes).where(eq(serviceTypes.codigo, 'CONS-MG'));
  if (!service) throw new Error('service type CONS-MG missing: migrations not applied?');
  const kept: SeededAppointment[] = [];
  const perDay = doctorIds.length * SLOTS.length;
  await inBatches(total, (i) => {
    const day = workingDay(Math.floor(i / perDay));
    const slot = SLOTS[Math.floor((i % perDay) / doctorIds.length)]!;
    const doctorId = doctorIds[i % doctorIds.length]!;
    const startsAt = limaInstant(day, slot);
    const id = d.uuid(rng);
    const patientId = d.pick(rng, patientIds);
    const isAttended = i < attended;
    if (isAttended) kept.push({ id, patientId, doctorId, startsAt });
    const r = rng();
    return {
      id, patientId, doctorId, serviceTypeId: service.id, fecha: day, hora: slot, startsAt,
      endsAt: new Date(startsAt.getTime() + service.duracionMinutos * 60_000),
      duracionMinutos: service.duracionMinutos,
      descripcionServicio: service.nombre,
      infoPago: r < 0.7 ? 'PAGADO' : r < 0.9 ? 'SEGURO' : 'PENDIENTE',
      estado: isAttended ? 'ATENDIDA' : r < 0.08 ? 'CANCELADA' : r < 0.5 ? 'CONFIRMADA' : 'PENDIENTE',
      precio: service.precio,
    };
  }, (rows) => db.insert(appointments).values(rows), 'appointments', progress);
  return kept;
}

export async function seedAttentions(db: Db, booked: SeededAppointment[], extra: number, patientIds: string[], doctorIds: string[], rng: d.Rng, progress: Progress): Promise<void> {
  const cie = (await db.select({ codigo: diagnoses.codigo, descripcion: diagnoses.descripcion }).from(diagnoses)
    .where(sql`${diagnoses.nivel} >= 1 AND length(${diagnoses.codigo}) >= 4 AND substr(${diagnoses.codigo}, 1, 1) IN ('A','B','E','I','J','K','M','N','R')`));
  // Outpatient reality: a handful of codes (ARI, hypertension, diabetes…) dominate.
  const common = cie.filter((c) => /^(J06\.9|J02\.9|I10|E11\.9|K29\.7|A09|N39\.0|M54\.5|R50\.9|J18\.9|A97\.0)/.test(c.codigo));
  const meds = await db.select().from(medications).where(eq(medications.activo, true));
  const total = booked.length + extra;
  await inBatches(total, (i) => {
    const a = booked[i];
    const doctorId = a?.doctorId ?? d.pick(rng, doctorIds);
    const fecha = a?.startsAt ?? new Date(Date.UTC(2025, 0, 6) + Math.floor(rng() * 500) * 86_400_000);
    return { id: d.uuid(rng), patientId: a?.patientId ?? d.pick(rng, patientIds), doctorId, appointmentId: a?.id ?? null,
      motivoSinCita: a ? null : 'Atención sin cita (demanda espontánea)', fechaAtencion: fecha,
      tipoAtencion: rng() < 0.8 ? 'CONSULTA' : 'CONTROL', motivoConsulta: d.pick(rng, d.MOTIVOS),
      anamnesis: 'Paciente refiere cuadro de inicio insidioso, sin otros síntomas asociados.', examenFisico: 'AREG, AREN, AREH. Lúcido, orientado.',
      planTrabajo: 'Tratamiento sintomático y control en 7 días.', estado: 'FINALIZADA', finalizedAt: new Date(fecha.getTime() + 1_200_000),
      firmante: { doctor_id: doctorId, nombreCompleto: 'Médico de demostración', cmp: null } };
  }, async (rows) => {
    await db.insert(medicalAttentions).values(rows);
    await db.insert(vitalSigns).values(rows.map((r) => ({ attentionId: r.id, paSistolica: d.int(rng, 95, 160), paDiastolica: d.int(rng, 55, 100),
      fc: d.int(rng, 55, 110), fr: d.int(rng, 12, 24), temp: (36 + rng() * 3).toFixed(1), satO2: d.int(rng, 92, 99),
      peso: (45 + rng() * 50).toFixed(2), talla: (1.45 + rng() * 0.4).toFixed(2), recordedBy: r.doctorId, recordedAt: r.fechaAtencion })));
    const dx = rows.flatMap((r) => {
      const n = d.int(rng, 1, 3);
      const codes = new Map<string, { codigo: string; descripcion: string }>();
      for (let k = 0; k < n; k++) { const c = rng() < 0.7 && common.length ? d.pick(rng, common) : d.pick(rng, cie); codes.set(c.codigo, c); }
      return [...codes.values()].map((c, k) => ({ attentionId: r.id, cieCode: c.codigo, description: c.descripcion,
        type: k === 0 ? 'DEFINITIVO' : 'PRESUNTIVO', createdBy: r.doctorId, createdAt: r.fechaAtencion }));
    });
    await db.insert(attentionDiagnoses).values(dx);
    const rx = rows.flatMap((r) => Array.from({ length: d.int(rng, 0, 2) }, () => {
      const m = d.pick(rng, meds);
      return { attentionId: r.id, medicamentoId: m.id, medicamento: { dci: m.dci, concentracion: m.concentracion, formaFarmaceutica: m.formaFarmaceutica,
        via: m.via, codigoAtc: m.codigoAtc, controlado: m.controlado }, dosis: '1 unidad', via: m.via ?? 'Oral', frecuencia: d.pick(rng, d.FRECUENCIAS),
        duracion: `${d.int(rng, 3, 10)} días`, cantidad: String(d.int(rng, 5, 30)), createdBy: r.doctorId, createdAt: r.fechaAtencion };
    }));
    if (rx.length) await db.insert(prescriptions).values(rx);
  }, 'attentions', progress);
}
