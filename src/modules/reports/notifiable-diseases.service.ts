import { and, arrayOverlaps, asc, eq, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { uniqueViolation } from '../../shared/db-errors.js';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../shared/errors.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { CatalogsService } from '../catalogs/catalogs.service.js';
import { notifiableDiseases } from '../catalogs/catalogs.table.js';
import type { DiseaseDto, DiseaseInput, UpdateDiseaseInput } from './epidemiology.schemas.js';

type DiseaseRow = typeof notifiableDiseases.$inferSelect;

const toDto = (r: DiseaseRow): DiseaseDto => ({
  id: r.id, codigo: r.codigo, nombre: r.nombre, cieCodigos: r.cieCodigos, periodicidad: r.periodicidad, fuente: r.fuente,
  verificado: r.verificado, activo: r.activo, updatedAt: r.updatedAt.toISOString(),
});

/**
 * ADMIN maintenance of the notifiable-diseases catalog (Directiva 046's Annex 01). The catalogs
 * module seeds the table and answers `notifiableMatch`; the surveillance rules that decide what
 * is notifiable are edited here, next to the report that depends on them. Never deleted:
 * `activo: false` retires a disease.
 */
export class NotifiableDiseasesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly catalogs: CatalogsService,
  ) {}

  async list(incluirInactivas: boolean): Promise<DiseaseDto[]> {
    const rows = await this.db.select().from(notifiableDiseases)
      .where(incluirInactivas ? undefined : eq(notifiableDiseases.activo, true)).orderBy(asc(notifiableDiseases.nombre));
    return rows.map(toDto);
  }

  /** Normalised codes that exist in the CIE-10 catalog and belong to no other active disease. */
  private async checkCodes(db: DbOrTx, codes: string[], exceptId?: string): Promise<string[]> {
    const errors: FieldError[] = [];
    const normalized: string[] = [];
    for (const [i, raw] of codes.entries()) {
      const code = this.catalogs.normalizeCieCode(raw);
      if (!code) errors.push({ path: `cieCodigos.${i}`, message: `Código CIE-10 inválido: ${raw} (ejemplos: A97, A97.0, B50).` });
      else if (!(await this.catalogs.getDiagnosis(db, code))) errors.push({ path: `cieCodigos.${i}`, message: `El código ${code} no existe en el catálogo CIE-10.` });
      else normalized.push(code);
    }
    if (errors.length) throw new ValidationError(errors);
    const unique = [...new Set(normalized)];
    const clash = await db.select({ codigo: notifiableDiseases.codigo, cieCodigos: notifiableDiseases.cieCodigos }).from(notifiableDiseases)
      .where(and(eq(notifiableDiseases.activo, true), arrayOverlaps(notifiableDiseases.cieCodigos, unique), exceptId ? ne(notifiableDiseases.id, exceptId) : undefined)).limit(1);
    if (clash[0]) {
      const shared = unique.filter((c) => clash[0]!.cieCodigos.includes(c));
      throw new ConflictError('NOTIFIABLE_CODE_TAKEN', `El código ${shared.join(', ')} ya pertenece a la enfermedad ${clash[0].codigo}.`, undefined,
        [{ path: 'cieCodigos', message: 'Código ya asignado a otra enfermedad activa' }]);
    }
    return unique;
  }

  async create(actor: AuditActor, input: DiseaseInput): Promise<DiseaseDto> {
    try {
      return toDto(await this.db.transaction(async (tx) => {
        const cieCodigos = await this.checkCodes(tx, input.cieCodigos);
        const [row] = await tx.insert(notifiableDiseases).values({
          codigo: input.codigo, nombre: input.nombre, cieCodigos, periodicidad: input.periodicidad, fuente: input.fuente ?? null,
          verificado: input.verificado, activo: input.activo,
        }).returning();
        await this.audit.record(tx, actor, { action: 'NOTIFIABLE_DISEASE_CREATED', entity: 'notifiable_disease', entityId: row!.id, details: { codigo: row!.codigo, cieCodigos, periodicidad: row!.periodicidad } });
        return row!;
      }));
    } catch (error) {
      if (uniqueViolation(error) === 'notifiable_diseases_codigo_key') {
        throw new ConflictError('NOTIFIABLE_DISEASE_DUPLICATE', `Ya existe la enfermedad ${input.codigo}.`, undefined, [{ path: 'codigo', message: 'Código ya usado' }]);
      }
      throw error;
    }
  }

  async update(actor: AuditActor, id: string, input: UpdateDiseaseInput): Promise<DiseaseDto> {
    return toDto(await this.db.transaction(async (tx) => {
      const [current] = await tx.select().from(notifiableDiseases).where(eq(notifiableDiseases.id, id)).limit(1).for('update');
      if (!current) throw new NotFoundError('NOTIFIABLE_DISEASE_NOT_FOUND', 'La enfermedad de notificación obligatoria no existe.');
      const values: Partial<typeof notifiableDiseases.$inferInsert> = {};
      if (input.nombre !== undefined) values.nombre = input.nombre;
      if (input.periodicidad !== undefined) values.periodicidad = input.periodicidad;
      if (input.fuente !== undefined) values.fuente = input.fuente;
      if (input.verificado !== undefined) values.verificado = input.verificado;
      if (input.activo !== undefined) values.activo = input.activo;
      const becomesActive = (input.activo ?? current.activo) === true;
      if (input.cieCodigos !== undefined) values.cieCodigos = await this.checkCodes(tx, input.cieCodigos, id);
      else if (becomesActive && !current.activo) await this.checkCodes(tx, current.cieCodigos, id);
      const changes: Record<string, { old: unknown; new: unknown }> = {};
      for (const [key, value] of Object.entries(values)) {
        const old = (current as Record<string, unknown>)[key];
        if (JSON.stringify(old) !== JSON.stringify(value)) changes[key] = { old, new: value };
      }
      if (Object.keys(changes).length === 0) return current;
      const [row] = await tx.update(notifiableDiseases).set({ ...values, updatedAt: sql`now()` }).where(eq(notifiableDiseases.id, id)).returning();
      await this.audit.record(tx, actor, { action: 'NOTIFIABLE_DISEASE_UPDATED', entity: 'notifiable_disease', entityId: id, details: { codigo: current.codigo, changes } });
      return row!;
    }));
  }
}
