/**
 * The scenarios as autocannon request pipelines. Each request varies its target
 * (patient, DNI, search term, day…) through setupRequest so no cache or hot row flatters
 * the figures. Targets: p99 50 ms for reads, 100 ms for writes, 150 ms for the summary
 * with 50 ms PACS/LIS stubs; login is bcrypt-bound and reported apart.
 */
import type { Request } from 'autocannon';
import { APELLIDOS, dniFor, NOMBRES_F, NOMBRES_M } from '../scripts/seed-demo/data.js';
import type { ScenarioResult } from './stats.js';

export interface BenchContext {
  assistantToken: string;
  doctorToken: string;
  doctorEmails: string[];
  password: string;
  patientIds: string[];
  patientCount: number;
  seededPatients: number;
  doctorWeeks: { doctorId: string; start: string; end: string }[];
  days: string[];
  attentionIds: string[];
  /** Open attentions of the bench doctor, with the medicine to prescribe on each. */
  prescriptionTargets: { attentionId: string; medicamentoId: string }[];
  salesApiKey?: string;
  saleDoctorCmp?: string;
  summaryAvailable: boolean;
  webhookAvailable: boolean;
}

export interface Scenario {
  name: string;
  kind: ScenarioResult['kind'];
  targetP99Ms: number;
  /** Overrides the run's connection count (login only). */
  connections?: number;
  requests: Request[];
  note?: string;
}

const SEARCHES = ['nuñez', 'Núñez Chávez', 'jose ramir', 'María Quispe', 'yarleque', 'Ipanaqué Sil', 'rosa garcia', 'martin cordova',
  'huaman flores', 'Zúñiga Ordóñez', 'sofia peña', 'julian timana', 'querevalu', 'angel sernaque'];
const CIE_TERMS = ['neumonia', 'diabetes', 'J06', 'hipertension', 'dengue', 'gastritis', 'infeccion urinaria', 'J18.9', 'lumbago', 'faringitis'];

/**
 * The names of the n-th patient a write scenario creates, drawn from the seed's lists: a fixed
 * name would pile up in a reused database (tens of thousands of namesakes after a few runs) and
 * skew the name search measured on it.
 */
function personFor(n: number): { nombres: string; apellidoPaterno: string; apellidoMaterno: string; sexo: 'F' | 'M' } {
  const female = n % 2 === 0;
  const names = female ? NOMBRES_F : NOMBRES_M;
  return {
    nombres: names[Math.floor(n / 2) % names.length]!, apellidoPaterno: APELLIDOS[(n * 7) % APELLIDOS.length]!,
    apellidoMaterno: APELLIDOS[(n * 13 + 5) % APELLIDOS.length]!, sexo: female ? 'F' : 'M',
  };
}

let counter = 0;
const next = <T>(items: T[]): T => items[(counter++) % items.length]!;
const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

function get(headers: Record<string, string>, path: () => string): Request[] {
  return [{ method: 'GET', headers, setupRequest: (req) => ({ ...req, path: path() }) }];
}

export function scenarios(ctx: BenchContext, runId: number): Scenario[] {
  const asst = bearer(ctx.assistantToken);
  const doc = bearer(ctx.doctorToken);
  let newPatient = 0;
  let sale = 0;
  const list: Scenario[] = [
    { name: 'GET paciente por id', kind: 'read', targetP99Ms: 50, requests: get(asst, () => `/api/v1/patients/${next(ctx.patientIds)}`) },
    { name: 'búsqueda por nombre', kind: 'read', targetP99Ms: 50,
      requests: get(asst, () => `/api/v1/patients?search=${encodeURIComponent(next(SEARCHES))}&limit=20`) },
    { name: 'búsqueda por DNI', kind: 'read', targetP99Ms: 50,
      requests: get(asst, () => `/api/v1/patients?numeroDocumento=${dniFor((counter++ * 7919) % ctx.seededPatients)}&tipoDocumento=DNI`) },
    { name: 'POST paciente', kind: 'write', targetP99Ms: 100, requests: [{ method: 'POST', path: '/api/v1/patients', headers: asst,
      setupRequest: (req) => ({ ...req, body: JSON.stringify({ tipoDocumento: 'DNI', numeroDocumento: dniFor(ctx.patientCount + newPatient),
        ...personFor(ctx.patientCount + newPatient++), fechaNacimiento: '1979-03-14',
        departamento: 'Piura', provincia: 'Piura', distrito: 'Castilla', telefonoMovil: '987654321',
        alergias: [{ alergia: 'Sulfas', reaccion: 'Exantema', severidad: 'LEVE' }] }) }) }] },
    { name: 'agenda semanal del médico', kind: 'read', targetP99Ms: 50, requests: get(doc, () => {
      const w = next(ctx.doctorWeeks);
      return `/api/v1/appointments?doctor_id=${w.doctorId}&start_date=${w.start}&end_date=${w.end}&limit=100`;
    }) },
    { name: 'agenda del día con filtros', kind: 'read', targetP99Ms: 50,
      requests: get(asst, () => `/api/v1/appointments?date=${next(ctx.days)}&estado=CONFIRMADA&infoPago=PAGADO&limit=50`) },
    { name: 'GET atención (detalle)', kind: 'read', targetP99Ms: 50, requests: get(doc, () => `/api/v1/medical_attentions/${next(ctx.attentionIds)}`) },
    { name: 'POST receta (alergias)', kind: 'write', targetP99Ms: 100, requests: [{ method: 'POST', headers: doc, setupRequest: (req) => {
      const target = next(ctx.prescriptionTargets);
      return { ...req, path: `/api/v1/medical_attentions/${target.attentionId}/prescriptions`, body: JSON.stringify({ medicamento_id: target.medicamentoId,
        dosis: '500 mg', via: 'Oral', frecuencia: 'Cada 8 horas', duracion: '3 días', cantidad: 9, indicaciones: 'Si hay fiebre o dolor' }) };
    } }] },
    { name: 'CIE-10 búsqueda', kind: 'read', targetP99Ms: 50,
      requests: get(doc, () => `/api/v1/catalogs/diagnoses?search=${encodeURIComponent(next(CIE_TERMS))}&limit=20`) },
  ];
  if (ctx.summaryAvailable) {
    list.push({ name: 'resumen (PACS+LIS 50 ms)', kind: 'integration', targetP99Ms: 150,
      requests: get(doc, () => `/api/v1/patients/${next(ctx.patientIds)}/summary`) });
  }
  if (ctx.webhookAvailable && ctx.salesApiKey && ctx.saleDoctorCmp) {
    const body = (n: number, dni: string) => ({
      transaccionVenta: { idTransaccionVentas: `BENCH-${runId}-${n}`, fechaHoraVenta: '2026-11-20T10:00:00-05:00', montoPagado: 60, metodoPago: 'Efectivo', estadoPago: 'Pagado' },
      paciente: { tipoDocumento: 'DNI', numeroDocumento: dni, ...personFor(n), fechaNacimiento: '1990-07-01' },
      servicioMedico: { idServicioVentas: 'SV-CONS-MG', nombreServicio: 'Consulta de medicina general', medicoAsignadoIdentificador: ctx.saleDoctorCmp,
        // One 20-minute slot per sale, days after the seeded agenda, so new sales never overlap.
        fechaCita: new Date(Date.UTC(2027, 0, 4 + (runId % 50) * 200 + Math.floor(n / 33))).toISOString().slice(0, 10),
        horaCita: `${String(8 + Math.floor(((n % 33) * 20) / 60)).padStart(2, '0')}:${String(((n % 33) * 20) % 60).padStart(2, '0')}` },
    });
    const key = { 'x-api-key': ctx.salesApiKey, 'content-type': 'application/json' };
    const replay = JSON.stringify(body(999_999, dniFor(ctx.seededPatients - 1)));
    list.push(
      { name: 'webhook venta (nueva)', kind: 'write', targetP99Ms: 100, requests: [{ method: 'POST', path: '/api/v1/integracion/venta-servicio', headers: key,
        setupRequest: (req) => { const n = sale++; return { ...req, body: JSON.stringify(body(n, dniFor(ctx.patientCount + 500_000 + n))) }; } }] },
      { name: 'webhook venta (reenvío)', kind: 'write', targetP99Ms: 100, requests: [{ method: 'POST', path: '/api/v1/integracion/venta-servicio', headers: key, body: replay }] },
    );
  }
  // Last: its bcrypt backlog would otherwise still be draining while the next scenario runs.
  list.push(
    { name: 'login (bcrypt 12)', kind: 'login', targetP99Ms: 1000, connections: 2,
      note: 'bcrypt de coste 12 (~250 ms de CPU por intento): se mide aparte con 2 conexiones (una por núcleo) y al final, para que su cola no frene a los demás',
      requests: [{ method: 'POST', path: '/api/v1/auth/login', headers: { 'content-type': 'application/json' },
      setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: next(ctx.doctorEmails), password: ctx.password }) }) }] },
  );
  return list;
}
