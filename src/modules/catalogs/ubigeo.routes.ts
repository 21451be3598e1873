import { z } from 'zod';
import type { AppInstance } from '../../app.js';
import { ValidationError } from '../../shared/errors.js';
import { errorResponses, paginated, paginationQuery } from '../../shared/http/schemas.js';
import { ubigeo } from './ubigeo.js';

const filterText = z.string().transform((v) => v.normalize('NFC').trim()).pipe(z.string().min(1, 'No puede estar vacío').max(80, 'No puede superar 80 caracteres'));

const districtSchema = z.object({ inei: z.string(), reniec: z.string().nullable(), departamento: z.string(), provincia: z.string(), distrito: z.string() });
const departmentSchema = z.object({ inei: z.string(), reniec: z.string().nullable(), nombre: z.string() });
const provinceSchema = z.object({ inei: z.string(), reniec: z.string().nullable(), nombre: z.string(), departamento_inei: z.string(), departamento: z.string() });

const tags = ['catalogs'];
const permission = 'catalogs:read' as const;

/** Ubigeo (INEI codes with RENIEC's alongside), served from memory: it changes only with a release. */
export function registerUbigeoRoutes(app: AppInstance): void {
  const departmentOrFail = (value: string) => {
    const found = ubigeo().findDepartamento(value);
    if (!found) throw new ValidationError([{ path: 'departamento', message: `El departamento '${value}' no existe (use nombre o código INEI de 2 dígitos).` }]);
    return found;
  };

  app.get('/api/v1/catalogs/ubigeo', {
    config: { permission },
    schema: {
      tags, summary: 'Buscar distritos por nombre (de distrito, provincia o departamento) o código INEI/RENIEC',
      querystring: z.strictObject({ search: filterText.optional(), ...paginationQuery.shape }),
      response: { 200: paginated(districtSchema), ...errorResponses },
    },
  }, async (request) => {
    const { search, limit, offset } = request.query;
    const u = ubigeo();
    const { data, total } = search ? u.search(search, limit, offset) : { data: u.distritos.slice(offset, offset + limit), total: u.distritos.length };
    return { data, total, limit, offset };
  });

  app.get('/api/v1/catalogs/ubigeo/departamentos', {
    config: { permission },
    schema: { tags, summary: 'Departamentos (INEI y RENIEC)', response: { 200: z.object({ data: z.array(departmentSchema), fuente: z.string() }), ...errorResponses } },
  }, async () => ({ data: ubigeo().departamentos, fuente: ubigeo().fuente }));

  app.get('/api/v1/catalogs/ubigeo/provincias', {
    config: { permission },
    schema: {
      tags, summary: 'Provincias, opcionalmente de un departamento (nombre o código INEI)',
      querystring: z.strictObject({ departamento: filterText.optional() }),
      response: { 200: z.object({ data: z.array(provinceSchema) }), ...errorResponses },
    },
  }, async (request) => {
    const u = ubigeo();
    const dep = request.query.departamento ? departmentOrFail(request.query.departamento) : undefined;
    const names = new Map(u.departamentos.map((d) => [d.inei, d.nombre]));
    const data = u.provincias
      .filter((p) => !dep || p.departamento_inei === dep.inei)
      .map((p) => ({ ...p, departamento: names.get(p.departamento_inei) ?? '' }));
    return { data };
  });

  app.get('/api/v1/catalogs/ubigeo/distritos', {
    config: { permission },
    schema: {
      tags, summary: 'Distritos de una provincia o departamento (nombre, con o sin tildes, o código INEI)',
      querystring: z.strictObject({ provincia: filterText.optional(), departamento: filterText.optional() }),
      response: { 200: z.object({ data: z.array(districtSchema) }), ...errorResponses },
    },
  }, async (request) => {
    const u = ubigeo();
    const { provincia, departamento } = request.query;
    if (!provincia && !departamento) {
      throw new ValidationError([{ path: 'provincia', message: 'Indique provincia o departamento (nombre o código INEI).' }]);
    }
    const dep = departamento ? departmentOrFail(departamento) : undefined;
    let prefixes: string[] = dep ? [dep.inei] : [];
    if (provincia) {
      const provinces = u.findProvincias(provincia, dep?.inei);
      if (!provinces.length) {
        throw new ValidationError([{ path: 'provincia', message: `La provincia '${provincia}' no existe${dep ? ` en ${dep.nombre}` : ''} (use nombre o código INEI de 4 dígitos).` }]);
      }
      prefixes = provinces.map((p) => p.inei);
    }
    return { data: u.distritos.filter((d) => prefixes.some((p) => d.inei.startsWith(p))) };
  });
}
