import type { AppInstance } from '../../app.js';
import { errorResponses, problemSchema } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import { sendCsv, sendFile } from './csv.js';
import { epidemiologyRoutes } from './epidemiology.routes.js';
import { resolvePeriod } from './period.js';
import { hisCsv, morbidityCsv, productionCsv } from './report-csv.js';
import { hisQuery, hisSchema, morbidityQuery, morbiditySchema, periodQuery, productionSchema, renhiceQuery, renhiceSchema, setiQuery } from './reports.schemas.js';

const tags = ['reportes'];
const label = (p: { desde: string; hasta: string; semana: string | null }) => p.semana ?? `${p.desde}_${p.hasta}`;

/** Regulatory reports (ADMIN): SUSALUD production and morbidity, SETI-IPRESS files, HIS register, RENHICE queue. */
export async function reportsRoutes(app: AppInstance): Promise<void> {
  const { susalud, his, renhice } = app.ctx.services;
  await app.register(epidemiologyRoutes);

  app.get('/api/v1/reports/susalud/produccion', {
    config: { permission: 'reports:read' },
    schema: {
      tags, summary: 'Producción ambulatoria por mes, servicio/especialidad, sexo y etapa de vida: atenciones, atendidos y reatenciones (?formato=csv)',
      querystring: periodQuery, response: { 200: productionSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const period = resolvePeriod(request.query);
    const report = await susalud.production(actorFrom(request), period);
    return request.query.formato === 'csv' ? sendCsv(reply, `susalud_produccion_${label(period)}.csv`, productionCsv(report)) : report;
  });

  app.get('/api/v1/reports/susalud/morbilidad', {
    config: { permission: 'reports:read' },
    schema: {
      tags, summary: 'Morbilidad: diagnósticos CIE-10 más frecuentes por sexo y etapa de vida (?top=10, ?formato=csv)',
      querystring: morbidityQuery, response: { 200: morbiditySchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const period = resolvePeriod(request.query);
    const report = await susalud.morbidity(actorFrom(request), period, request.query.top);
    return request.query.formato === 'csv' ? sendCsv(reply, `susalud_morbilidad_${label(period)}.csv`, morbidityCsv(report)) : report;
  });

  app.get('/api/v1/reports/susalud/seti', {
    config: { permission: 'reports:read' },
    schema: {
      tags, summary: 'Archivo SETI-IPRESS del mes (TXT delimitado por |, Windows-1252, {IPRESS}_{AAAA}_{MM}_{tabla}.TXT)',
      description: 'Tablas: B1 producción de consulta externa, D1 producción en emergencia, D2 morbilidad en emergencia, G procedimientos de laboratorio.',
      querystring: setiQuery, response: { 503: problemSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const { anio, mes, tabla } = request.query;
    const file = await susalud.seti(actorFrom(request), anio, Number(mes), tabla);
    reply.header('x-seti-lineas', String(file.lines));
    return sendFile(reply, file.filename, 'text/plain; charset=windows-1252', file.body);
  });

  app.get('/api/v1/reports/his', {
    config: { permission: 'reports:read' },
    schema: {
      tags, summary: 'Registro diario de atenciones de un médico en el formato de la hoja HIS (N/C/R, diagnósticos P/D/R, financiador; ?formato=csv)',
      querystring: hisQuery, response: { 200: hisSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const report = await his.register(actorFrom(request), request.query.fecha, request.query.doctor_id);
    return request.query.formato === 'csv' ? sendCsv(reply, `his_${report.fecha}_${report.doctor.cmp ?? report.doctor.id}.csv`, hisCsv(report)) : report;
  });

  app.get('/api/v1/reports/renhice', {
    config: { permission: 'reports:read' },
    schema: {
      tags, summary: 'Cola de envío a RENHICE: atenciones finalizadas con plazo de 24 h, estado, intentos y vencidas',
      querystring: renhiceQuery, response: { 200: renhiceSchema, ...errorResponses },
    },
  }, async (request) => renhice.list(actorFrom(request), request.query));
}
