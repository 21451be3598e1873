import { createHash, randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db, DbOrTx } from '../../../db/client.js';
import { uniqueViolation } from '../../../shared/db-errors.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors.js';
import type { AuditActor, AuditService } from '../../audit/audit.service.js';
import type { IntegrationPrincipal } from '../../auth/auth.types.js';
import { clientsRepository, type IntegrationClientRow, type IntegrationKeyRow } from './clients.repository.js';
import { isGrantable, type ClientDto, type CreateClientInput } from './clients.schemas.js';
import { integrationClients } from './clients.table.js';

const DAY_MS = 86_400_000;
const DEFAULT_OVERLAP_MS = DAY_MS;
const MAX_OVERLAP_MS = 30 * DAY_MS;
/** lastUsedAt is informative (is the old key still in use?): one write a minute per key is enough. */
const TOUCH_EVERY_MS = 60_000;
export const ENV_CLIENT_NAME = 'Sistema de cobranza (HCE_SALES_API_KEY)';

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** 256 random bits; the `hce_` prefix lets secret scanners and people recognise it. */
function newKey(): { key: string; prefix: string; keyHash: string } {
  const key = `hce_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 12), keyHash: hashKey(key) };
}

function keyIsUsable(key: IntegrationKeyRow, now: Date): boolean {
  return !key.revokedAt && (!key.expiresAt || key.expiresAt > now);
}

/**
 * ADMIN-managed API keys of the systems that call the HCE (the billing system). A key is
 * shown once; only its SHA-256 is kept. Rotation issues a new key and lets the old ones live
 * until a given time, so the other system can switch without downtime.
 */
export class IntegrationClientsService {
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: Db, private readonly audit: AuditService, private readonly logger: Logger) {}

  private toDto(row: IntegrationClientRow, keys: IntegrationKeyRow[], now = new Date()): ClientDto {
    return {
      id: row.id, client_id: row.id, nombre: row.nombre, descripcion: row.descripcion, permisos: row.permisos,
      origen: row.origen === 'ENV' ? 'ENV' : 'ADMIN', activo: row.revokedAt === null, revokedAt: row.revokedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      claves: keys.filter((k) => k.clientId === row.id).map((k) => ({
        id: k.id, prefijo: k.prefix, createdAt: k.createdAt.toISOString(), expiresAt: k.expiresAt?.toISOString() ?? null,
        revokedAt: k.revokedAt?.toISOString() ?? null, lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
        vigente: row.revokedAt === null && keyIsUsable(k, now),
      })),
    };
  }

  async list(): Promise<ClientDto[]> {
    const rows = await clientsRepository.list(this.db);
    const keys = await clientsRepository.keysOf(this.db, rows.map((r) => r.id));
    return rows.map((r) => this.toDto(r, keys));
  }

  async create(actor: AuditActor, input: CreateClientInput): Promise<ClientDto & { apiKey: string; clavesAnterioresVencen: null }> {
    const issued = newKey();
    try {
      const { client, key } = await this.db.transaction(async (tx) => {
        const [client] = await tx.insert(integrationClients).values({
          nombre: input.nombre, descripcion: input.descripcion ?? null, permisos: input.permisos, createdBy: actor.actorId ?? null,
        }).returning();
        const key = await clientsRepository.insertKey(tx, { clientId: client!.id, prefix: issued.prefix, keyHash: issued.keyHash, createdBy: actor.actorId ?? null });
        await this.audit.record(tx, actor, {
          action: 'INTEGRATION_CLIENT_CREATED', entity: 'integration_client', entityId: client!.id,
          details: { nombre: input.nombre, permisos: input.permisos, prefijo: issued.prefix },
        });
        return { client: client!, key };
      });
      return { ...this.toDto(client, [key]), apiKey: issued.key, clavesAnterioresVencen: null };
    } catch (error) {
      if (uniqueViolation(error) === 'integration_clients_nombre_key') {
        throw new ConflictError('INTEGRATION_CLIENT_EXISTS', 'Ya existe un cliente de integración con ese nombre.', undefined, [{ path: 'nombre', message: 'Nombre ya usado' }]);
      }
      throw error;
    }
  }

  async rotate(actor: AuditActor, id: string, expiresAt: string | undefined): Promise<ClientDto & { apiKey: string; clavesAnterioresVencen: string }> {
    const now = new Date();
    const until = expiresAt ? new Date(expiresAt) : new Date(now.getTime() + DEFAULT_OVERLAP_MS);
    if (until.getTime() - now.getTime() > MAX_OVERLAP_MS) {
      throw new ValidationError([{ path: 'expiresAt', message: 'Las claves anteriores pueden seguir vigentes como máximo 30 días.' }]);
    }
    const effective = until < now ? now : until;
    const issued = newKey();
    const client = await this.db.transaction(async (tx) => {
      const client = await this.requireLive(tx, id);
      const expired = await clientsRepository.expireUsableKeys(tx, id, effective, now);
      await clientsRepository.insertKey(tx, { clientId: id, prefix: issued.prefix, keyHash: issued.keyHash, createdBy: actor.actorId ?? null });
      await this.audit.record(tx, actor, {
        action: 'INTEGRATION_KEY_ROTATED', entity: 'integration_client', entityId: id,
        details: { prefijo: issued.prefix, clavesAnteriores: expired, vencenEn: effective.toISOString() },
      });
      return client;
    });
    const keys = await clientsRepository.keysOf(this.db, [id]);
    return { ...this.toDto(client, keys), apiKey: issued.key, clavesAnterioresVencen: effective.toISOString() };
  }

  async revoke(actor: AuditActor, id: string): Promise<ClientDto> {
    const now = new Date();
    const client = await this.db.transaction(async (tx) => {
      const current = await clientsRepository.findById(tx, id, true);
      if (!current) throw new NotFoundError('INTEGRATION_CLIENT_NOT_FOUND', 'El cliente de integración no existe.');
      if (current.revokedAt) return current;
      const [row] = await tx.update(integrationClients).set({ revokedAt: now, revokedBy: actor.actorId ?? null, updatedAt: now })
        .where(eq(integrationClients.id, id)).returning();
      await clientsRepository.revokeKeys(tx, id, now);
      await this.audit.record(tx, actor, { action: 'INTEGRATION_CLIENT_REVOKED', entity: 'integration_client', entityId: id, details: { nombre: current.nombre } });
      return row!;
    });
    return this.toDto(client, await clientsRepository.keysOf(this.db, [id]));
  }

  private async requireLive(db: DbOrTx, id: string): Promise<IntegrationClientRow> {
    const row = await clientsRepository.findById(db, id, true);
    if (!row) throw new NotFoundError('INTEGRATION_CLIENT_NOT_FOUND', 'El cliente de integración no existe.');
    if (row.revokedAt) throw new ConflictError('INTEGRATION_CLIENT_REVOKED', 'El cliente de integración está revocado; cree uno nuevo.');
    return row;
  }

  /** The X-API-Key verifier installed in the auth plugin (services.apiKeyVerifier). */
  async verify(key: string): Promise<IntegrationPrincipal | undefined> {
    if (key.length < 32 || key.length > 256) return undefined;
    const now = new Date();
    const found = await clientsRepository.findUsable(this.db, hashKey(key), now);
    if (!found) return undefined;
    const last = this.touched.get(found.key.id) ?? found.key.lastUsedAt?.getTime() ?? 0;
    if (now.getTime() - last > TOUCH_EVERY_MS) {
      this.touched.set(found.key.id, now.getTime());
      if (this.touched.size > 10_000) this.touched.clear();
      await clientsRepository.touchKey(this.db, found.key.id, now).catch((error: unknown) => this.logger.warn({ err: error }, 'could not record API key use'));
    }
    return { id: found.client.id, role: 'INTEGRACION', email: found.client.nombre, kind: 'integration', permissions: found.client.permisos.filter(isGrantable) };
  }

  /**
   * HCE_SALES_API_KEY: makes sure a billing client holds this key. A changed variable adds
   * the new key and gives the previous ENV keys the usual 24 h overlap. A client an ADMIN
   * revoked stays revoked. Serialised by an advisory lock (several processes start at once).
   */
  async bootstrapFromEnv(key: string): Promise<'exists' | 'created' | 'added' | 'revoked'> {
    const keyHash = hashKey(key);
    const now = new Date();
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('hce:integration-client-bootstrap', 0))`);
      if (await clientsRepository.findKeyByHash(tx, keyHash)) return 'exists';
      const actor = { actorKind: 'system' };
      const prefix = key.slice(0, 8);
      let client = await clientsRepository.findByName(tx, ENV_CLIENT_NAME);
      if (client?.revokedAt) {
        this.logger.warn('HCE_SALES_API_KEY is set but its integration client was revoked by an ADMIN; the key is not accepted');
        return 'revoked';
      }
      const created = !client;
      if (!client) {
        [client] = await tx.insert(integrationClients).values({
          nombre: ENV_CLIENT_NAME, descripcion: 'Creado al iniciar desde la variable HCE_SALES_API_KEY', permisos: ['sales:webhook'], origen: 'ENV',
        }).returning();
      } else {
        await clientsRepository.expireUsableKeys(tx, client.id, new Date(now.getTime() + DEFAULT_OVERLAP_MS), now);
      }
      await clientsRepository.insertKey(tx, { clientId: client!.id, prefix, keyHash });
      await this.audit.record(tx, actor, {
        action: created ? 'INTEGRATION_CLIENT_CREATED' : 'INTEGRATION_KEY_ROTATED', entity: 'integration_client', entityId: client!.id,
        details: { nombre: ENV_CLIENT_NAME, prefijo: prefix, origen: 'ENV' },
      });
      return created ? 'created' : 'added';
    });
  }
}
