import { asc, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { anyOf, prepared } from '../../db/prepared.js';
import { uniqueViolation } from '../../shared/db-errors.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../shared/errors.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import { serviceTypes } from './appointments.table.js';
import type { ServiceTypeDto } from './appointments.schemas.js';

export type ServiceTypeRow = typeof serviceTypes.$inferSelect;

export function toServiceTypeDto(row: ServiceTypeRow): ServiceTypeDto {
  return {
    id: row.id, codigo: row.codigo, codigoVentas: row.codigoVentas, nombre: row.nombre, especialidad: row.especialidad,
    duracionMinutos: row.duracionMinutos, precio: Number(row.precio), moneda: 'PEN', codigoCpms: row.codigoCpms,
    activo: row.activo, origen: row.origen, version: row.version,
  };
}

const CONFLICTS: Record<string, [string, string]> = {
  service_types_codigo_key: ['codigo', 'Ya existe un tipo de servicio con ese código.'],
  service_types_codigo_ventas_key: ['codigoVentas', 'Ya existe un tipo de servicio con ese código de ventas.'],
};

type ServiceTypeInput = Partial<Omit<ServiceTypeDto, 'id' | 'moneda' | 'origen' | 'version'>> & { version?: number | undefined };

export class ServiceTypesService {
  constructor(private readonly db: Db, private readonly audit: AuditService) {}

  async list(includeInactive: boolean): Promise<ServiceTypeDto[]> {
    const rows = await this.db.select().from(serviceTypes)
      .where(includeInactive ? undefined : eq(serviceTypes.activo, true)).orderBy(asc(serviceTypes.especialidad), asc(serviceTypes.nombre));
    return rows.map(toServiceTypeDto);
  }

  async find(db: DbOrTx, id: string): Promise<ServiceTypeRow | undefined> {
    const statement = prepared(db, 'service_types_by_id', (root) =>
      root.select().from(serviceTypes).where(eq(serviceTypes.id, sql.placeholder('id'))).limit(1).prepare('service_types_by_id'));
    const [row] = await statement.execute({ id });
    return row;
  }

  async findByIds(db: DbOrTx, ids: string[]): Promise<Map<string, ServiceTypeRow>> {
    if (ids.length === 0) return new Map();
    const list = anyOf('id', [...new Set(ids)], 'uuid');
    const name = `service_types_by_ids_${list.shape}`;
    const statement = prepared(db, name, (root) => root.select().from(serviceTypes).where(list.where(serviceTypes.id)).prepare(name));
    const rows = await statement.execute(list.params);
    return new Map(rows.map((r) => [r.id, r]));
  }

  async findByCodeOrId(db: DbOrTx, value: string): Promise<ServiceTypeRow | undefined> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
    const [row] = await db.select().from(serviceTypes).where(isUuid ? eq(serviceTypes.id, value) : eq(serviceTypes.codigo, value.toUpperCase())).limit(1);
    return row;
  }

  async findBySalesCode(db: DbOrTx, code: string): Promise<ServiceTypeRow | undefined> {
    const statement = prepared(db, 'service_types_by_sales_code', (root) =>
      root.select().from(serviceTypes).where(eq(serviceTypes.codigoVentas, sql.placeholder('code'))).limit(1).prepare('service_types_by_sales_code'));
    const [row] = await statement.execute({ code });
    return row;
  }

  /** An active service type, or a 400 naming the field. */
  async requireActive(db: DbOrTx, id: string, path = 'service_type_id'): Promise<ServiceTypeRow> {
    const row = await this.find(db, id);
    if (!row) throw new ValidationError([{ path, message: 'El tipo de servicio no existe.' }]);
    if (!row.activo) throw new ValidationError([{ path, message: 'El tipo de servicio está inactivo.' }]);
    return row;
  }

  private rethrow(error: unknown): never {
    const constraint = uniqueViolation(error);
    const mapped = constraint !== undefined ? CONFLICTS[constraint] : undefined;
    if (mapped) throw new ConflictError('SERVICE_TYPE_CONFLICT', mapped[1], undefined, [{ path: mapped[0], message: mapped[1] }]);
    throw error;
  }

  async create(actor: AuditActor, input: ServiceTypeInput & { codigo: string; nombre: string; especialidad: string; precio: number }, tx?: DbOrTx, origen = 'HCE'): Promise<ServiceTypeRow> {
    const run = async (db: DbOrTx) => {
      const [row] = await db.insert(serviceTypes).values({
        codigo: input.codigo, codigoVentas: input.codigoVentas ?? null, nombre: input.nombre, especialidad: input.especialidad,
        duracionMinutos: input.duracionMinutos ?? 20, precio: input.precio.toFixed(2), codigoCpms: input.codigoCpms ?? null,
        activo: input.activo ?? true, origen,
      }).returning();
      await this.audit.record(db, actor, { action: 'SERVICE_TYPE_CREATED', entity: 'service_type', entityId: row!.id, details: { codigo: row!.codigo, precio: row!.precio, origen } });
      return row!;
    };
    try {
      return tx ? await run(tx) : await this.db.transaction(run);
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.rethrow(error);
    }
  }

  async update(actor: AuditActor, id: string, input: ServiceTypeInput): Promise<ServiceTypeRow> {
    try {
      return await this.db.transaction(async (tx) => {
        const [current] = await tx.select().from(serviceTypes).where(eq(serviceTypes.id, id)).for('update');
        if (!current) throw new NotFoundError('SERVICE_TYPE_NOT_FOUND', 'El tipo de servicio no existe.');
        if (input.version !== undefined && input.version !== current.version) {
          throw new ConflictError('VERSION_CONFLICT', 'El tipo de servicio fue modificado por otra persona.', { currentVersion: current.version });
        }
        const { version: _v, precio, ...rest } = input;
        const [row] = await tx.update(serviceTypes).set({
          ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
          ...(precio !== undefined ? { precio: precio.toFixed(2) } : {}),
          version: sql`${serviceTypes.version} + 1`, updatedAt: new Date(),
        }).where(eq(serviceTypes.id, id)).returning();
        const changes = Object.fromEntries(Object.entries(input).filter(([k, v]) => k !== 'version' && v !== undefined)
          .map(([k, v]) => [k, { old: k === 'precio' ? Number(current.precio) : (current as Record<string, unknown>)[k], new: v }]));
        await this.audit.record(tx, actor, { action: 'SERVICE_TYPE_UPDATED', entity: 'service_type', entityId: id, details: { changes } });
        return row!;
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      this.rethrow(error);
    }
  }
}
