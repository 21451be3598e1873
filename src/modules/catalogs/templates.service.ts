import { and, asc, eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { uniqueViolation } from '../../shared/db-errors.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import { textTemplates, type TemplateType } from './catalogs.table.js';
import { inspectPlaceholders, type CreateTemplateInput, type TemplateDto, type UpdateTemplateInput } from './templates.schemas.js';

type TemplateRow = typeof textTemplates.$inferSelect;

function toDto(row: TemplateRow): TemplateDto {
  return {
    id: row.id, tipo: row.tipo, nombre: row.nombre, contenido: row.contenido, activo: row.activo,
    marcadores: inspectPlaceholders(row.contenido).used,
    createdBy: row.createdBy, updatedBy: row.updatedBy, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

const duplicateName = () => new ConflictError('TEMPLATE_NAME_TAKEN', 'Ya existe una plantilla activa con ese nombre para ese tipo.', undefined,
  [{ path: 'nombre', message: 'Ya existe una plantilla activa con ese nombre para ese tipo.' }]);

/** Text templates (RF6.4). Retiring one (DELETE) keeps it for the notes already written from it. */
export class TemplatesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
  ) {}

  async list(tipo: TemplateType, incluirInactivas = false): Promise<TemplateDto[]> {
    const rows = await this.db.select().from(textTemplates)
      .where(incluirInactivas ? eq(textTemplates.tipo, tipo) : and(eq(textTemplates.tipo, tipo), eq(textTemplates.activo, true)))
      .orderBy(asc(textTemplates.nombre), asc(textTemplates.id));
    return rows.map(toDto);
  }

  async create(actor: AuditActor, input: CreateTemplateInput): Promise<TemplateDto> {
    try {
      return await this.db.transaction(async (tx) => {
        const [row] = await tx.insert(textTemplates).values({
          tipo: input.tipo, nombre: input.nombre, contenido: input.contenido, activo: input.activo,
          createdBy: actor.actorId ?? null, updatedBy: actor.actorId ?? null,
        }).returning();
        await this.audit.record(tx, actor, { action: 'TEMPLATE_CREATED', entity: 'template', entityId: row!.id, details: { tipo: input.tipo, nombre: input.nombre } });
        return toDto(row!);
      });
    } catch (error) {
      if (uniqueViolation(error) === 'templates_tipo_nombre_key') throw duplicateName();
      throw error;
    }
  }

  async update(actor: AuditActor, id: string, input: UpdateTemplateInput): Promise<TemplateDto> {
    try {
      return await this.db.transaction(async (tx) => {
        const current = await this.findForUpdate(tx, id);
        const changes: Record<string, { old: unknown; new: unknown }> = {};
        for (const field of ['tipo', 'nombre', 'activo'] as const) {
          if (input[field] !== undefined && input[field] !== current[field]) changes[field] = { old: current[field], new: input[field] };
        }
        // Template text is not patient data, but it is long: record that it changed, not the text.
        if (input.contenido !== undefined && input.contenido !== current.contenido) changes.contenido = { old: '[texto anterior]', new: '[texto nuevo]' };
        const [row] = await tx.update(textTemplates).set({
          ...(input.tipo !== undefined ? { tipo: input.tipo } : {}),
          ...(input.nombre !== undefined ? { nombre: input.nombre } : {}),
          ...(input.contenido !== undefined ? { contenido: input.contenido } : {}),
          ...(input.activo !== undefined ? { activo: input.activo } : {}),
          updatedBy: actor.actorId ?? null, updatedAt: new Date(),
        }).where(eq(textTemplates.id, id)).returning();
        await this.audit.record(tx, actor, { action: 'TEMPLATE_UPDATED', entity: 'template', entityId: id, details: { changes } });
        return toDto(row!);
      });
    } catch (error) {
      if (uniqueViolation(error) === 'templates_tipo_nombre_key') throw duplicateName();
      throw error;
    }
  }

  async retire(actor: AuditActor, id: string): Promise<TemplateDto> {
    return this.db.transaction(async (tx) => {
      const current = await this.findForUpdate(tx, id);
      const [row] = await tx.update(textTemplates).set({ activo: false, updatedBy: actor.actorId ?? null, updatedAt: new Date() })
        .where(eq(textTemplates.id, id)).returning();
      if (current.activo) {
        await this.audit.record(tx, actor, { action: 'TEMPLATE_RETIRED', entity: 'template', entityId: id, details: { tipo: current.tipo, nombre: current.nombre } });
      }
      return toDto(row!);
    });
  }

  private async findForUpdate(tx: DbOrTx, id: string): Promise<TemplateRow> {
    const [row] = await tx.select().from(textTemplates).where(eq(textTemplates.id, id)).limit(1).for('update');
    if (!row) throw new NotFoundError('TEMPLATE_NOT_FOUND', 'La plantilla no existe.');
    return row;
  }
}
