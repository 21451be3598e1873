import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { actorFrom } from '../audit/audit.service.js';
import type { Permission } from '../auth/permissions.js';
import { capabilityStatement } from './capability.js';
import { FHIR_JSON, fhirErrorHandler, operationOutcome, searchBundle } from './fhir.http.js';
import type { Resource } from './fhir.mappers.js';
import { CLINICAL_TYPES } from './fhir.service.js';

const resourceSchema = z.object({ resourceType: z.string() }).loose();
const idParam = z.object({ id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/, 'Id FHIR inválido') });
const paging = {
  _count: z.coerce.number().int().min(1).max(100).default(20),
  _offset: z.coerce.number().int().min(0).max(100_000).default(0),
  _format: z.enum(['json', 'application/fhir+json', 'application/json']).optional(),
};
const uuid = z.uuid('Debe ser el id (UUID) del recurso');
const patientRef = z.string().transform((v) => v.replace(/^Patient\//, '')).pipe(uuid);
const encounterRef = z.string().transform((v) => v.replace(/^Encounter\//, '')).pipe(uuid);

/** FHIR date search: eq (default), ge, gt, le, lt over a day or an instant; days in America/Lima. */
function dateRange(values: string[]): { from?: Date; to?: Date } {
  const range: { from?: Date; to?: Date } = {};
  for (const raw of values) {
    const m = /^(eq|ge|gt|le|lt)?(\d{4}-\d{2}-\d{2})(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.exec(raw);
    if (!m) throw new ValidationError([{ path: 'date', message: 'Use [eq|ge|gt|le|lt]AAAA-MM-DD o una fecha y hora ISO 8601' }]);
    const prefix = m[1] ?? 'eq';
    const start = m[3] ? new Date(`${m[2]}${m[3]}`) : new Date(`${m[2]}T00:00:00-05:00`);
    const end = m[3] ? new Date(start.getTime() + 1) : new Date(start.getTime() + 86_400_000);
    if (prefix === 'eq') { range.from = start; range.to = end; }
    if (prefix === 'ge') range.from = start;
    if (prefix === 'gt') range.from = end;
    if (prefix === 'le') range.to = end;
    if (prefix === 'lt') range.to = start;
  }
  return range;
}

export async function fhirRoutes(app: AppInstance): Promise<void> {
  const { fhir } = app.ctx.services;
  const base = `${app.ctx.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/fhir/r4`;
  app.setErrorHandler(fhirErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).type(FHIR_JSON).send(operationOutcome(404, `No existe ${request.method} ${request.url.split('?')[0]}`, 'ROUTE_NOT_FOUND'));
  });
  const send = (reply: FastifyReply, body: Resource) => reply.type(FHIR_JSON).header('cache-control', 'private, no-store').send(body);
  const audit = (request: FastifyRequest, action: string, patientIds: string[], details: Record<string, unknown>) => {
    const ids: (string | null)[] = patientIds.length ? [...new Set(patientIds)].slice(0, 50) : [null];
    return fhir.audit.recordRead(actorFrom(request), ids.map((patientId) => ({ action, entity: 'fhir', patientId, details })));
  };
  const route = (url: string, permission: Permission | 'public', querystring: z.ZodType, summary: string,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => {
    app.get(url, {
      config: permission === 'public' ? { public: true } : { permission },
      schema: { tags: ['FHIR R4'], summary, querystring, ...(url.includes(':id') ? { params: idParam } : {}), response: { 200: resourceSchema } },
    }, handler as never);
  };

  route('/metadata', 'public', z.object({ _format: paging._format }).strict(), 'CapabilityStatement', async (_request, reply) => send(reply, capabilityStatement(base)));

  route('/Patient', 'patients:read', z.strictObject({ _id: uuid.optional(), identifier: z.string().max(200).optional(), name: z.string().max(200).optional(), ...paging }), 'Buscar pacientes', async (request, reply) => {
    const q = request.query as { _id?: string; identifier?: string; name?: string; _count: number; _offset: number };
    const result = await fhir.searchPatients(actorFrom(request), { ...q, count: q._count, offset: q._offset });
    await audit(request, 'FHIR_SEARCH', result.resources.map((r: Resource) => r.id), { type: 'Patient', total: result.total });
    return send(reply, searchBundle(base, 'Patient', result.resources, result.total, request.query as Record<string, string>, q._count, q._offset));
  });
  route('/Patient/:id', 'patients:read', z.strictObject({ _format: paging._format }), 'Leer paciente', async (request, reply) => {
    const { id } = request.params as { id: string };
    const resource = await fhir.patient(id);
    await audit(request, 'FHIR_READ', [id], { type: 'Patient' });
    return send(reply, resource);
  });
  route('/Patient/:id/$everything', 'attentions:read', z.strictObject({ _format: paging._format }), 'Toda la historia del paciente', async (request, reply) => {
    const { id } = request.params as { id: string };
    const resources = await fhir.everything(actorFrom(request), id, request.user!.id);
    await audit(request, 'FHIR_EVERYTHING', [id], { count: resources.length });
    return send(reply, searchBundle(base, `Patient/${id}/$everything`, resources, resources.length, {}, Math.max(resources.length, 1), 0));
  });
  route('/Practitioner/:id', 'appointments:read', z.strictObject({ _format: paging._format }), 'Leer médico', async (request, reply) => {
    const { id } = request.params as { id: string };
    return send(reply, await fhir.practitioner(id));
  });
  route('/AllergyIntolerance', 'patients:read', z.strictObject({ patient: patientRef, ...paging }), 'Alergias del paciente', async (request, reply) => {
    const q = request.query as { patient: string; _count: number; _offset: number };
    const all = await fhir.allergies(q.patient);
    await audit(request, 'FHIR_SEARCH', [q.patient], { type: 'AllergyIntolerance' });
    return send(reply, searchBundle(base, 'AllergyIntolerance', all.slice(q._offset, q._offset + q._count), all.length, request.query as Record<string, string>, q._count, q._offset));
  });
  route('/AllergyIntolerance/:id', 'patients:read', z.strictObject({ _format: paging._format }), 'Leer alergia', async (request, reply) => {
    const { id } = request.params as { id: string };
    const patientId = id.slice(0, 36);
    const found = uuid.safeParse(patientId).success ? (await fhir.allergies(patientId)).find((r: Resource) => r.id === id) : undefined;
    if (!found) throw new NotFoundError('RESOURCE_NOT_FOUND', `AllergyIntolerance/${id} no existe.`);
    await audit(request, 'FHIR_READ', [patientId], { type: 'AllergyIntolerance' });
    return send(reply, found);
  });
  route('/Appointment', 'appointments:read', z.strictObject({ patient: patientRef.optional(), ...paging }), 'Citas', async (request, reply) => {
    const q = request.query as { patient?: string; _count: number; _offset: number };
    const result = await fhir.appointmentsOf(actorFrom(request), q.patient, q._count, q._offset);
    return send(reply, searchBundle(base, 'Appointment', result.resources, result.total, request.query as Record<string, string>, q._count, q._offset));
  });
  route('/Appointment/:id', 'appointments:read', z.strictObject({ _format: paging._format }), 'Leer cita', async (request, reply) => {
    const { id } = request.params as { id: string };
    return send(reply, (await fhir.appointment(actorFrom(request), id)).resource);
  });
  route('/Composition/:id/$document', 'attentions:read', z.strictObject({ _format: paging._format }), 'Atención finalizada como documento (Bundle)', async (request, reply) => {
    const { id } = request.params as { id: string };
    const { bundle, patientId } = await fhir.document(id, request.user!.id, base);
    await audit(request, 'FHIR_DOCUMENT', [patientId], { attention_id: id });
    return send(reply, bundle);
  });

  for (const type of CLINICAL_TYPES) {
    const extra = type === 'Encounter' ? { date: z.union([z.string(), z.array(z.string()).max(2)]).optional() } : {};
    route(`/${type}`, 'attentions:read', z.strictObject({ patient: patientRef.optional(), encounter: encounterRef.optional(), ...extra, ...paging }), `Buscar ${type}`, async (request, reply) => {
      const q = request.query as { patient?: string; encounter?: string; date?: string | string[]; _count: number; _offset: number };
      let resources: Resource[];
      let total: number;
      if (type === 'Encounter' && !q.encounter) {
        if (!q.patient && !q.date) throw new ValidationError([{ path: 'patient', message: 'Indique patient o date' }]);
        const range = q.date ? dateRange([q.date].flat()) : {};
        const page = await fhir.encounterIds({ patient: q.patient, ...range, count: q._count, offset: q._offset });
        resources = [];
        for (const row of page.rows) resources.push((await fhir.clinical('Encounter', row.id, request.user!.id)).resource);
        total = page.total;
      } else {
        if (!q.patient) throw new ValidationError([{ path: 'patient', message: 'Indique el paciente (patient=Patient/{id})' }]);
        const all = (await fhir.patientClinical(q.patient, request.user!.id, q.encounter)).filter((r: Resource) => r.resourceType === type);
        total = all.length;
        resources = all.slice(q._offset, q._offset + q._count);
      }
      const patients = resources.map((r: Resource) => ((r.subject as { reference?: string } | undefined)?.reference ?? '').split('/')[1] ?? '').filter(Boolean);
      await audit(request, 'FHIR_SEARCH', patients.length ? patients : q.patient ? [q.patient] : [], { type, total });
      return send(reply, searchBundle(base, type, resources, total, request.query as Record<string, string>, q._count, q._offset));
    });
    route(`/${type}/:id`, 'attentions:read', z.strictObject({ _format: paging._format }), `Leer ${type}`, async (request, reply) => {
      const { id } = request.params as { id: string };
      const { resource, patientId } = await fhir.clinical(type, id, request.user!.id);
      await audit(request, 'FHIR_READ', [patientId], { type });
      return send(reply, resource);
    });
  }
}
