import multipart from '@fastify/multipart';
import type { AppInstance } from '../../app.js';
import { AppError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { errorResponses, paginated, uuidParam } from '../../shared/http/schemas.js';
import { actorFrom } from '../audit/audit.service.js';
import {
  allergenGroupSchema, allergensQuery, diagnosesQuery, diagnosisLookupQuery, diagnosisParams, diagnosisSchema, importParams,
  importResultSchema, medicationSchema, medicationsQuery, procedureParams, procedureSchema, proceduresQuery,
} from './catalogs.schemas.js';
import { catalogCacheHook } from './http-cache.js';
import {
  createTemplateBody, placeholderList, templateListQuery, templateListSchema, templateSchema, templateTypeParams, updateTemplateBody,
} from './templates.schemas.js';
import { registerUbigeoRoutes } from './ubigeo.routes.js';

/** Official catalogs (DIGEMID's runs to tens of thousands of rows) are larger than API bodies. */
const IMPORT_MAX_BYTES = 30 * 1024 * 1024;

const tags = ['catalogs'];
const read = 'catalogs:read' as const;
const write = 'catalogs:write' as const;

export async function catalogsRoutes(app: AppInstance): Promise<void> {
  const { catalogs } = app.ctx.services;

  // Multipart only in this plugin's scope: the import route is the only one taking files here.
  await app.register(multipart, { limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 10, parts: 12, fieldSize: 1024 } });
  app.addHook('onSend', catalogCacheHook);

  app.get('/api/v1/catalogs/diagnoses', {
    config: { permission: read },
    schema: {
      tags, summary: 'Buscar diagnósticos (CIE-10): por código con o sin punto ("J06.9", "j069", "A97") o por palabras, sin importar tildes ni errores menores',
      querystring: diagnosesQuery, response: { 200: paginated(diagnosisSchema), ...errorResponses },
    },
  }, async (request) => catalogs.searchDiagnoses(request.query));

  app.get('/api/v1/catalogs/diagnoses/:codigo', {
    config: { permission: read },
    schema: { tags, summary: 'Ver un diagnóstico por código (con o sin punto)', params: diagnosisParams, querystring: diagnosisLookupQuery, response: { 200: diagnosisSchema, ...errorResponses } },
  }, async (request) => catalogs.requireDiagnosis(request.params.codigo, request.query.sistema));

  app.get('/api/v1/catalogs/medications', {
    config: { permission: read },
    schema: {
      tags, summary: 'Buscar medicamentos por DCI, nombre comercial, grupo terapéutico o código ATC',
      querystring: medicationsQuery, response: { 200: paginated(medicationSchema), ...errorResponses },
    },
  }, async (request) => catalogs.searchMedications(request.query));

  app.get('/api/v1/catalogs/medications/:id', {
    config: { permission: read },
    schema: { tags, summary: 'Ver un medicamento del catálogo', params: uuidParam('id'), response: { 200: medicationSchema, ...errorResponses } },
  }, async (request) => catalogs.requireMedication(request.params.id));

  app.get('/api/v1/catalogs/allergens', {
    config: { permission: read },
    schema: {
      tags, summary: 'Grupos de alérgenos (términos, códigos ATC, principios activos y reactividad cruzada) usados en la verificación de alergias',
      querystring: allergensQuery, response: { 200: paginated(allergenGroupSchema), ...errorResponses },
    },
  }, async (request) => catalogs.searchAllergens(request.query));

  app.get('/api/v1/catalogs/procedures', {
    config: { permission: read },
    schema: {
      tags, summary: 'Buscar exámenes y procedimientos (código CPMS o palabras), filtrando por tipo',
      querystring: proceduresQuery, response: { 200: paginated(procedureSchema), ...errorResponses },
    },
  }, async (request) => catalogs.searchProcedures(request.query));

  app.get('/api/v1/catalogs/procedures/:codigo', {
    config: { permission: read },
    schema: { tags, summary: 'Ver un procedimiento por código CPMS (o por id si no tiene código)', params: procedureParams, response: { 200: procedureSchema, ...errorResponses } },
  }, async (request) => {
    const found = await catalogs.getProcedure(app.ctx.database.db, request.params.codigo);
    if (!found) throw new NotFoundError('PROCEDURE_NOT_FOUND', 'El procedimiento no existe en el catálogo.');
    return found;
  });

  registerUbigeoRoutes(app);

  app.get('/api/v1/catalogs/templates/:type', {
    config: { permission: read },
    schema: {
      tags, summary: 'Plantillas de texto de un tipo (anamnesis, examen_fisico, indicaciones, evolucion), con los marcadores {{…}} admitidos',
      params: templateTypeParams, querystring: templateListQuery, response: { 200: templateListSchema, ...errorResponses },
    },
  }, async (request) => ({ data: await catalogs.templates.list(request.params.type, request.query.incluirInactivas), marcadores: placeholderList() }));

  app.post('/api/v1/catalogs/templates', {
    config: { permission: write },
    schema: { tags, summary: 'Crear plantilla de texto (ADMIN)', body: createTemplateBody, response: { 201: templateSchema, ...errorResponses } },
  }, async (request, reply) => reply.code(201).send(await catalogs.templates.create(actorFrom(request), request.body)));

  app.put('/api/v1/catalogs/templates/:id', {
    config: { permission: write },
    schema: { tags, summary: 'Actualizar plantilla de texto (ADMIN)', params: uuidParam('id'), body: updateTemplateBody, response: { 200: templateSchema, ...errorResponses } },
  }, async (request) => catalogs.templates.update(actorFrom(request), request.params.id, request.body));

  app.delete('/api/v1/catalogs/templates/:id', {
    config: { permission: write },
    schema: { tags, summary: 'Retirar plantilla de texto (queda inactiva; ADMIN)', params: uuidParam('id'), response: { 200: templateSchema, ...errorResponses } },
  }, async (request) => catalogs.templates.retire(actorFrom(request), request.params.id));

  app.post('/api/v1/catalogs/:catalog/import', {
    config: { permission: write },
    bodyLimit: IMPORT_MAX_BYTES,
    schema: {
      tags,
      summary: 'Importar un catálogo (ADMIN): archivo CSV o XLSX en el campo multipart "file", o un arreglo JSON',
      description: 'Valida fila por fila y guarda todo o nada, actualizando por código. Medicamentos acepta el formato del '
        + '"Catálogo de Productos Farmacéuticos" de DIGEMID (Cod_Prod, Num_RegSan, Nom_Prod, Nom_IFA, Concent, Nom_Form_Farm, '
        + 'Presentac, Fracción, Nom_Titular, Nom_Fabricante, Situación). Si alguna fila falla responde 422 con la lista de errores y no guarda nada.',
      params: importParams,
      response: { 200: importResultSchema, ...errorResponses, 413: errorResponses[400] },
    },
  }, async (request) => {
    const actor = actorFrom(request);
    const { catalog } = request.params;
    if (!request.isMultipart()) return catalogs.importer.importJson(catalog, request.body, { actor });
    const part = await request.file();
    if (!part || part.fieldname !== 'file') {
      throw new ValidationError([{ path: 'file', message: 'Adjunte el archivo CSV o XLSX en el campo "file".' }]);
    }
    let data: Buffer;
    try {
      data = await part.toBuffer();
    } catch (error) {
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new AppError(413, 'PAYLOAD_TOO_LARGE', 'Contenido demasiado grande', `El archivo supera ${IMPORT_MAX_BYTES / 1024 / 1024} MB.`, [{ path: 'file', message: 'Archivo demasiado grande.' }]);
      }
      throw error;
    }
    return catalogs.importer.importUpload(catalog, { data, filename: part.filename, mimetype: part.mimetype }, { actor, archivo: part.filename });
  });
}
