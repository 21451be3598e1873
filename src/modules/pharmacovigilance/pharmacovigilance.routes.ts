import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { errorResponses, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import { sendCsv, toCsv } from '../reports/csv.js';
import { resolvePeriod } from '../reports/period.js';
import { pharmacovigilanceQuery, pharmacovigilanceReportSchema, ramBody, ramSchema, type PharmacovigilanceReport } from './pharmacovigilance.schemas.js';

function reportCsv(report: PharmacovigilanceReport): string {
  return toCsv(
    ['fecha_notificacion', 'iniciales', 'edad', 'sexo', 'historia_clinica', 'dci', 'codigo_atc', 'concentracion', 'forma_farmaceutica', 'dosis', 'via', 'frecuencia',
      'reaccion', 'severidad', 'fecha_inicio', 'fecha_fin', 'desenlace', 'observaciones', 'notificador', 'cmp'],
    report.data.map((r) => [
      r.fechaNotificacion, r.paciente.iniciales, r.paciente.edad, r.paciente.sexo, r.paciente.numeroHistoriaClinica, r.medicamento.dci, r.medicamento.codigoAtc,
      r.medicamento.concentracion, r.medicamento.formaFarmaceutica, r.medicamento.dosis, r.medicamento.via, r.medicamento.frecuencia,
      r.reaccion, r.severidad, r.fechaInicio, r.fechaFin, r.desenlace, r.observaciones, r.notificador.nombreCompleto, r.notificador.cmp,
    ]),
  );
}

export async function pharmacovigilanceRoutes(app: AppInstance): Promise<void> {
  const { pharmacovigilance } = app.ctx.services;
  const idParam = uuidParam('id');

  app.post('/api/v1/medical_attentions/:id/ram', {
    config: { permission: 'attentions:addendum' },
    schema: { tags: ['historia clínica'], summary: 'Notificar una sospecha de reacción adversa a medicamento (RAM) para farmacovigilancia', params: idParam, body: ramBody, response: { 201: ramSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await pharmacovigilance.notify(actorFrom(request), request.user!, request.params.id, request.body)));

  app.get('/api/v1/medical_attentions/:id/ram', {
    config: { permission: 'attentions:read' },
    schema: { tags: ['historia clínica'], summary: 'Reacciones adversas notificadas en la atención', params: idParam, response: { 200: z.object({ data: z.array(ramSchema) }), ...errorResponses } },
  }, async (request) => pharmacovigilance.list(actorFrom(request), request.params.id));

  app.get('/api/v1/reports/farmacovigilancia', {
    config: { permission: 'reports:read' },
    schema: {
      tags: ['reportes'], summary: 'Sospechas de RAM notificadas en el periodo, para DIGEMID (paciente por iniciales, edad y sexo; ?formato=csv)',
      querystring: pharmacovigilanceQuery, response: { 200: pharmacovigilanceReportSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const period = resolvePeriod(request.query);
    const report = await pharmacovigilance.report(actorFrom(request), period);
    return request.query.formato === 'csv' ? sendCsv(reply, `farmacovigilancia_${period.desde}_${period.hasta}.csv`, reportCsv(report)) : report;
  });
}
