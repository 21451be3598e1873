import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { errorResponses, paginated, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import {
  attentionDetailSchema, attentionSchema, createAttentionBody, deleteQuery, detailQuery, diagnosisBody, diagnosisSchema, evolutionBody,
  evolutionSchema, orderBody, orderSchema, prescriptionBody, prescriptionSchema, updateAttentionBody, vitalsBody, vitalsSchema,
} from './attentions.schemas.js';

const idParam = uuidParam('id');
const attentionParam = uuidParam('attention_id');

export async function attentionsRoutes(app: AppInstance): Promise<void> {
  const { attentions, clinicalItems } = app.ctx.services;
  const tags = ['historia clínica'];

  app.post('/api/v1/medical_attentions', {
    config: { permission: 'attentions:write' },
    schema: { tags, summary: 'Registrar atención médica (el médico es el usuario autenticado)', body: createAttentionBody, response: { 201: attentionSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await attentions.create(actorFrom(request), request.user!, request.body)));

  app.put('/api/v1/medical_attentions/:id', {
    config: { permission: 'attentions:write' },
    schema: { tags, summary: 'Editar los campos principales (solo abierta, solo su médico)', params: idParam, body: updateAttentionBody, response: { 200: attentionSchema, ...errorResponses } },
  }, async (request) => attentions.update(actorFrom(request), request.user!, request.params.id, request.body));

  app.get('/api/v1/medical_attentions/:id', {
    config: { permission: 'attentions:read' },
    schema: { tags, summary: 'Atención con signos vitales, diagnósticos, prescripciones, órdenes, adjuntos y evoluciones', params: idParam, querystring: detailQuery, response: { 200: attentionDetailSchema, ...errorResponses } },
  }, async (request) => attentions.detail(actorFrom(request), request.params.id, request.query.incluirEliminados ?? false));

  app.put('/api/v1/medical_attentions/:id/finalize', {
    config: { permission: 'attentions:write' },
    schema: { tags, summary: 'Finalizar: firma, sella (SHA-256) y bloquea la atención; la cita pasa a ATENDIDA', params: idParam, response: { 200: attentionSchema, ...errorResponses } },
  }, async (request) => attentions.finalize(actorFrom(request), request.user!, request.params.id));

  app.get('/api/v1/medical_attentions/:id/verify', {
    config: { permission: 'attentions:read' },
    schema: {
      tags, summary: 'Recalcular el sello y la cadena de adendas', params: idParam,
      response: {
        200: z.object({
          valid: z.boolean(), sealValid: z.boolean(), seal: z.string(), recomputed: z.string(), addendaValid: z.boolean(),
          addenda: z.array(z.object({ kind: z.string(), id: z.string(), seq: z.number(), hash: z.string().nullable() })),
          brokenAt: z.object({ kind: z.string(), id: z.string(), seq: z.number() }).nullable(),
        }),
        ...errorResponses,
      },
    },
  }, async (request) => attentions.verify(actorFrom(request), request.params.id));

  app.get('/api/v1/patients/:id/medical_attentions', {
    config: { permission: 'attentions:read' },
    schema: {
      tags, summary: 'Historial de atenciones del paciente (más reciente primero) con diagnósticos principales', params: idParam,
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20), offset: z.coerce.number().int().min(0).default(0) }),
      response: {
        200: paginated(attentionSchema.extend({
          doctor: z.object({ id: z.string(), nombreCompleto: z.string(), especialidad: z.string().nullable(), cmp: z.string().nullable() }),
          diagnosticosPrincipales: z.array(z.object({ cie_code: z.string(), description: z.string(), type: z.string() })),
        })),
        ...errorResponses,
      },
    },
  }, async (request) => attentions.listByPatient(actorFrom(request), request.params.id, request.query.limit, request.query.offset));

  app.post('/api/v1/medical_attentions/:attention_id/vitals', {
    config: { permission: 'attentions:write' },
    schema: { tags, summary: 'Registrar o reemplazar los signos vitales (IMC calculado)', params: attentionParam, body: vitalsBody, response: { 200: vitalsSchema, 201: vitalsSchema, ...errorResponses } },
  }, async (request, reply) => {
    const result = await clinicalItems.upsertVitals(actorFrom(request), request.user!, request.params.attention_id, request.body);
    return reply.code(result.created ? 201 : 200).send(result.vitals);
  });

  app.post('/api/v1/medical_attentions/:attention_id/diagnoses', {
    config: { permission: 'attentions:write' },
    schema: { tags, summary: 'Agregar diagnóstico CIE-10', params: attentionParam, body: diagnosisBody, response: { 201: diagnosisSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await clinicalItems.addDiagnosis(actorFrom(request), request.user!, request.params.attention_id, request.body)));

  app.post('/api/v1/medical_attentions/:attention_id/prescriptions', {
    config: { permission: 'attentions:write' },
    schema: { tags, summary: 'Agregar prescripción (verificada contra alergias y medicación actual)', params: attentionParam, body: prescriptionBody, response: { 201: prescriptionSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await clinicalItems.addPrescription(actorFrom(request), request.user!, request.params.attention_id, request.body)));

  app.post('/api/v1/medical_attentions/:attention_id/orders', {
    config: { permission: 'attentions:write' },
    schema: { tags, summary: 'Agregar orden médica', params: attentionParam, body: orderBody, response: { 201: orderSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await clinicalItems.addOrder(actorFrom(request), request.user!, request.params.attention_id, request.body)));

  app.post('/api/v1/medical_attentions/:attention_id/evolutions', {
    config: { permission: 'attentions:addendum' },
    schema: { tags, summary: 'Agregar evolución (cualquier médico; después de finalizar queda como adenda encadenada)', params: attentionParam, body: evolutionBody, response: { 201: evolutionSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await clinicalItems.addEvolution(actorFrom(request), request.user!, request.params.attention_id, request.body)));

  for (const [path, kind] of [['diagnoses', 'diagnoses'], ['prescriptions', 'prescriptions'], ['orders', 'orders']] as const) {
    app.delete(`/api/v1/${path}/:id`, {
      config: { permission: 'attentions:write' },
      schema: { tags, summary: 'Eliminar (borrado lógico, solo con la atención abierta)', params: idParam, querystring: deleteQuery, response: { 204: z.null(), ...errorResponses } },
    }, async (request, reply) => {
      await clinicalItems.softDelete(actorFrom(request), request.user!, kind, request.params.id, request.query.motivo);
      return reply.code(204).send(null);
    });
  }
}
