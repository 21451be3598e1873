import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { errorResponses, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import { sendCsv } from './csv.js';
import {
  diseaseBody, diseaseSchema, diseasesQuery, epiListQuery, epiNotificationSchema, epiPendingSchema, epiReportSchema, optionalNotifyBody, updateDiseaseBody,
} from './epidemiology.schemas.js';
import { resolvePeriod } from './period.js';
import { epiCsv } from './report-csv.js';

const tags = ['reportes'];

/** Epidemiological surveillance (Directiva Sanitaria 046-MINSA/DGE-V.01), ADMIN only. */
export async function epidemiologyRoutes(app: AppInstance): Promise<void> {
  const { epidemiology, notifiableDiseases } = app.ctx.services;

  app.get('/api/v1/reports/epidemiologia/enfermedades', {
    config: { permission: 'reports:read' },
    schema: { tags, summary: 'Catálogo de enfermedades de notificación obligatoria (inmediata o semanal)', querystring: diseasesQuery, response: { 200: z.object({ data: z.array(diseaseSchema) }), ...errorResponses } },
  }, async (request) => ({ data: await notifiableDiseases.list(request.query.incluirInactivas ?? false) }));

  app.post('/api/v1/reports/epidemiologia/enfermedades', {
    config: { permission: 'catalogs:write' },
    schema: { tags, summary: 'Agregar enfermedad de notificación obligatoria (ADMIN)', body: diseaseBody, response: { 201: diseaseSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await notifiableDiseases.create(actorFrom(request), request.body)));

  app.put('/api/v1/reports/epidemiologia/enfermedades/:id', {
    config: { permission: 'catalogs:write' },
    schema: { tags, summary: 'Editar o retirar (activo: false) una enfermedad de notificación obligatoria (ADMIN)', params: uuidParam('id'), body: updateDiseaseBody, response: { 200: diseaseSchema, ...errorResponses } },
  }, async (request) => notifiableDiseases.update(actorFrom(request), request.params.id, request.body));

  app.get('/api/v1/reports/epidemiologia', {
    config: { permission: 'reports:read' },
    schema: {
      tags, summary: 'Casos de notificación obligatoria por semana epidemiológica de inicio de síntomas (?semana=2026-05 o ?desde=&hasta=; ?formato=csv)',
      querystring: epiListQuery, response: { 200: epiReportSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const period = resolvePeriod(request.query);
    const report = await epidemiology.list(actorFrom(request), period, request.query.estado);
    if (request.query.formato === 'csv') return sendCsv(reply, `epidemiologia_${period.semana ?? `${period.desde}_${period.hasta}`}.csv`, epiCsv(report.data));
    return report;
  });

  app.get('/api/v1/reports/epidemiologia/pendientes', {
    config: { permission: 'reports:read' },
    schema: { tags, summary: 'Casos por notificar: inmediatos (24 h) marcados como urgentes y semanales, con plazo y vencimiento', response: { 200: epiPendingSchema, ...errorResponses } },
  }, async (request) => epidemiology.pending(actorFrom(request)));

  app.post('/api/v1/reports/epidemiologia/:id/notificar', {
    config: { permission: 'epidemiology:notify' },
    schema: {
      tags, summary: 'Registrar que el caso fue notificado en NotiWeb (quién y cuándo)', params: uuidParam('id'), body: optionalNotifyBody,
      response: { 200: epiNotificationSchema, ...errorResponses },
    },
  }, async (request) => epidemiology.notify(actorFrom(request), request.params.id, request.body));
}
