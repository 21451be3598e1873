import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { uniqueViolation } from '../../shared/db-errors.js';
import { AppError, ConflictError, NotFoundError, UnprocessableError } from '../../shared/errors.js';
import { todayInLima } from '../../shared/time.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import { serviceTypes } from './appointments.table.js';
import { AFECTACION_IGV, type PriceDto, type PriceInput } from './prices.schemas.js';
import { serviceTypePrices } from './prices.table.js';

export type PriceRow = typeof serviceTypePrices.$inferSelect;

const SYSTEM: AuditActor = { actorKind: 'system' };

function dayBefore(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The row in force on `date` among one service type's rows sorted by vigenteDesde ascending. */
export function inForceOn(rows: PriceRow[], date: string): PriceRow | undefined {
  let found: PriceRow | undefined;
  for (const r of rows) if (r.vigenteDesde <= date) found = r;
  return found;
}

function toPriceDtos(rowsAsc: PriceRow[], today: string): PriceDto[] {
  const current = inForceOn(rowsAsc, today);
  return rowsAsc.map((r, i) => {
    const next = rowsAsc[i + 1];
    return {
      id: r.id, price_id: r.id, service_type_id: r.serviceTypeId, precio: Number(r.precio), moneda: 'PEN' as const,
      vigenteDesde: r.vigenteDesde, vigenteHasta: next ? dayBefore(next.vigenteDesde) : null,
      estado: r === current ? 'VIGENTE' as const : r.vigenteDesde > today ? 'PROGRAMADO' as const : 'HISTORICO' as const,
      codigoAfectacionIgv: r.codigoAfectacionIgv, descripcionAfectacionIgv: AFECTACION_IGV[r.codigoAfectacionIgv as keyof typeof AFECTACION_IGV] ?? r.codigoAfectacionIgv,
      codigoProductoSunat: r.codigoProductoSunat, unidadMedida: r.unidadMedida, createdBy: r.createdBy, createdAt: r.createdAt.toISOString(),
    };
  }).reverse();
}

/**
 * Tariff with validity periods. The service type's `precio` always mirrors the row in force,
 * so booking keeps snapshotting it unchanged; a price scheduled for a later date is applied
 * on that date by `applyDuePrices` (at start and every hour).
 */
export class PricesService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly db: Db, private readonly audit: AuditService, private readonly logger: Logger) {}

  async history(db: DbOrTx, serviceTypeIds: string[]): Promise<Map<string, PriceRow[]>> {
    const map = new Map<string, PriceRow[]>();
    if (serviceTypeIds.length === 0) return map;
    const rows = await db.select().from(serviceTypePrices).where(inArray(serviceTypePrices.serviceTypeId, [...new Set(serviceTypeIds)]))
      .orderBy(asc(serviceTypePrices.vigenteDesde));
    for (const r of rows) map.set(r.serviceTypeId, [...(map.get(r.serviceTypeId) ?? []), r]);
    return map;
  }

  private async requireType(db: DbOrTx, id: string, lock = false) {
    const query = db.select().from(serviceTypes).where(eq(serviceTypes.id, id)).limit(1);
    const [row] = lock ? await query.for('update') : await query;
    if (!row) throw new NotFoundError('SERVICE_TYPE_NOT_FOUND', 'El tipo de servicio no existe.');
    return row;
  }

  async list(id: string) {
    const type = await this.requireType(this.db, id);
    const rows = (await this.history(this.db, [id])).get(id) ?? [];
    const data = toPriceDtos(rows, todayInLima());
    return { service_type_id: id, precioActual: Number(type.precio), vigente: data.find((p) => p.estado === 'VIGENTE') ?? null, data };
  }

  async create(actor: AuditActor, id: string, input: PriceInput): Promise<PriceDto> {
    const today = todayInLima();
    try {
      const rows = await this.db.transaction(async (tx) => {
        // Locking the service type serialises tariff changes of one service.
        await this.requireType(tx, id, true);
        const existing = (await this.history(tx, [id])).get(id) ?? [];
        const current = inForceOn(existing, today);
        if (input.vigenteDesde < today) {
          throw new UnprocessableError('PRICE_RETROACTIVE', 'Un precio nuevo rige desde hoy o una fecha futura: los servicios ya prestados conservan su tarifa.', [{ path: 'vigenteDesde', message: `Use ${today} o una fecha posterior` }]);
        }
        if (current && input.vigenteDesde <= current.vigenteDesde) {
          throw new UnprocessableError('PRICE_BEFORE_CURRENT', `El precio vigente rige desde ${current.vigenteDesde}; el nuevo debe regir después.`, [{ path: 'vigenteDesde', message: `Posterior a ${current.vigenteDesde}` }]);
        }
        const [row] = await tx.insert(serviceTypePrices).values({
          serviceTypeId: id, precio: input.precio.toFixed(2), moneda: input.moneda, vigenteDesde: input.vigenteDesde,
          codigoAfectacionIgv: input.codigoAfectacionIgv, codigoProductoSunat: input.codigoProductoSunat ?? null, unidadMedida: input.unidadMedida,
          createdBy: actor.actorId ?? null,
        }).returning();
        await this.audit.record(tx, actor, {
          action: 'SERVICE_TYPE_PRICE_ADDED', entity: 'service_type', entityId: id,
          details: { price_id: row!.id, precio: row!.precio, vigenteDesde: row!.vigenteDesde, codigoAfectacionIgv: row!.codigoAfectacionIgv },
        });
        if (row!.vigenteDesde <= today) await this.applyTo(tx, actor, id, row!);
        return [...existing, row!].sort((a, b) => a.vigenteDesde.localeCompare(b.vigenteDesde));
      });
      return toPriceDtos(rows, today).find((p) => p.vigenteDesde === input.vigenteDesde)!;
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (uniqueViolation(error) === 'service_type_prices_vigencia_key') {
        throw new ConflictError('PRICE_DATE_TAKEN', `Ya hay un precio que rige desde ${input.vigenteDesde}; los precios registrados no se editan.`, undefined, [{ path: 'vigenteDesde', message: 'Fecha ya usada' }]);
      }
      throw error;
    }
  }

  private async applyTo(tx: Tx, actor: AuditActor, id: string, price: PriceRow): Promise<void> {
    const [before] = await tx.select({ precio: serviceTypes.precio }).from(serviceTypes).where(eq(serviceTypes.id, id));
    if (before?.precio === price.precio) return;
    await tx.update(serviceTypes).set({ precio: price.precio, version: sql`${serviceTypes.version} + 1`, updatedAt: new Date() }).where(eq(serviceTypes.id, id));
    await this.audit.record(tx, actor, {
      action: 'SERVICE_TYPE_UPDATED', entity: 'service_type', entityId: id,
      details: { changes: { precio: { old: Number(before?.precio ?? 0), new: Number(price.precio) } }, price_id: price.id },
    });
  }

  /** Brings every service type's `precio` to the tariff row in force today. */
  async applyDuePrices(): Promise<number> {
    const today = todayInLima();
    return this.db.transaction(async (tx) => {
      const due = await tx.selectDistinctOn([serviceTypePrices.serviceTypeId]).from(serviceTypePrices)
        .where(sql`${serviceTypePrices.vigenteDesde} <= ${today}`)
        .orderBy(serviceTypePrices.serviceTypeId, desc(serviceTypePrices.vigenteDesde));
      let applied = 0;
      for (const price of due) {
        const [type] = await tx.select({ precio: serviceTypes.precio }).from(serviceTypes).where(eq(serviceTypes.id, price.serviceTypeId)).for('update');
        if (type && type.precio !== price.precio) {
          await this.applyTo(tx, SYSTEM, price.serviceTypeId, price);
          applied += 1;
        }
      }
      return applied;
    });
  }

  startScheduler(intervalMs = 3_600_000): void {
    const run = () => {
      this.running ??= this.applyDuePrices()
        .catch((error: unknown) => { this.logger.warn({ err: error }, 'applying scheduled prices failed; will retry'); return 0; })
        .finally(() => { this.running = undefined; });
    };
    run();
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
  }

  async stopScheduler(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
