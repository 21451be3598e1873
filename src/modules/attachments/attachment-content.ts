import { Counter, type Registry } from 'prom-client';
import { pipeline, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import type { Keyring } from '../../shared/crypto/keyring.js';
import { AppError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { decryptingStream, IntegrityError, unwrapDataKey } from '../../shared/storage/envelope.js';
import { StorageNotFoundError, type FileStorage } from '../../shared/storage/storage.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { AuthUserCache } from '../auth/auth.plugin.js';
import { roleHasPermission } from '../auth/permissions.js';
import type { AttentionsService } from '../attentions/attentions.service.js';
import { attachmentsRepository } from './attachments.repository.js';
import { verifyLink } from './signed-links.js';

export interface AttachmentDownload {
  stream: Readable;
  fileName: string;
  fileType: string;
  size: number;
}

const INTEGRITY_METRIC = 'hce_attachment_integrity_failures_total';

const LINK_REFUSALS = {
  malformed: ['SIGNED_URL_INVALID', 'El enlace firmado no es válido.'],
  signature: ['SIGNED_URL_INVALID', 'El enlace firmado no es válido o fue modificado.'],
  expired: ['SIGNED_URL_EXPIRED', 'El enlace firmado expiró; solicite uno nuevo.'],
  user: ['SIGNED_URL_REVOKED', 'El usuario para quien se generó el enlace ya no tiene acceso.'],
} as const;

/** Downloads: through the bearer-token route or a signed link, decrypted and verified on the way, audited. */
export class AttachmentContentService {
  private readonly integrityFailures: Counter<'reason'>;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly attentions: AttentionsService,
    private readonly keyring: Keyring,
    private readonly storage: FileStorage,
    private readonly authUsers: AuthUserCache,
    private readonly logger: Logger,
    registry?: Registry,
  ) {
    const existing = registry?.getSingleMetric(INTEGRITY_METRIC) as Counter<'reason'> | undefined;
    this.integrityFailures = existing ?? new Counter({
      name: INTEGRITY_METRIC,
      help: 'Attachment downloads aborted because the stored file failed its integrity check (GCM tag, SHA-256, size) or was missing',
      labelNames: ['reason'] as const,
      registers: registry ? [registry] : [],
    });
  }

  async open(actor: AuditActor, id: string, options: { includeDeleted: boolean; via: 'token' | 'signed-link' }): Promise<AttachmentDownload> {
    const row = await attachmentsRepository.findById(this.db, id);
    if (!row) throw new NotFoundError('ATTACHMENT_NOT_FOUND', 'El adjunto no existe.');
    const attention = await this.attentions.require(this.db, row.attentionId);
    if (row.deletedAt && !options.includeDeleted) {
      throw new AppError(410, 'ATTACHMENT_DELETED', 'Adjunto eliminado', 'El adjunto fue eliminado; se conserva en la historia (consúltelo con incluirEliminados=true).');
    }
    const event = { entity: 'attachment', entityId: id, patientId: attention.patientId };
    let source: Readable;
    try {
      source = await this.storage.read(row.storageKey);
    } catch (error) {
      if (!(error instanceof StorageNotFoundError)) throw error;
      this.integrityFailures.inc({ reason: 'missing' });
      this.logger.error({ attachmentId: id, storageKey: row.storageKey }, 'attachment file missing from storage');
      await this.audit.recordStandalone(actor, { action: 'ATTACHMENT_INTEGRITY_FAILED', outcome: 'FAILURE', ...event, details: { reason: 'missing' } });
      throw new AppError(500, 'ATTACHMENT_FILE_MISSING', 'Archivo no disponible', 'El archivo de este adjunto no se encuentra en el almacenamiento; se registró el incidente.');
    }
    const dataKey = unwrapDataKey(this.keyring, { keyId: row.encKeyId, wrapped: row.encDataKey }, id);
    try {
      await this.audit.recordRead(actor, { action: 'ATTACHMENT_DOWNLOADED', ...event, details: { attention_id: row.attentionId, via: options.via, size: row.size } });
    } catch (error) {
      source.destroy();
      throw error;
    }
    const plain = pipeline(source, decryptingStream(dataKey, id, { sha256: row.sha256, size: row.size }), (error) => {
      if (!(error instanceof IntegrityError)) return;
      // Headers are out by now: the response is cut short of its Content-Length.
      this.integrityFailures.inc({ reason: error.reason });
      this.logger.error({ attachmentId: id, reason: error.reason }, 'attachment integrity check failed; download aborted');
      void this.audit.recordStandalone(actor, { action: 'ATTACHMENT_INTEGRITY_FAILED', outcome: 'FAILURE', ...event, details: { reason: error.reason } });
    });
    return { stream: plain, fileName: row.fileName, fileType: row.fileType, size: row.size };
  }

  /** A signed link: valid signature, not expired, and its user still active with read access. */
  async openSigned(actor: AuditActor, id: string, query: { exp?: string | undefined; uid?: string | undefined; sig?: string | undefined }): Promise<AttachmentDownload> {
    const check = verifyLink(this.keyring, id, query);
    if (!check.ok) return this.refuse(actor, id, check.reason);
    const user = await this.authUsers.get(check.uid);
    if (!user || !user.isActive || !roleHasPermission(user.role, 'attentions:read')) return this.refuse(actor, id, 'user', check.uid);
    return this.open({ ...actor, actorId: user.id, actorRole: user.role, actorKind: 'signed-link' }, id, { includeDeleted: false, via: 'signed-link' });
  }

  private async refuse(actor: AuditActor, id: string, reason: keyof typeof LINK_REFUSALS, uid?: string): Promise<never> {
    await this.audit.recordStandalone(actor, { action: 'ATTACHMENT_LINK_REFUSED', outcome: 'DENIED', entity: 'attachment', entityId: id, details: { reason, ...(uid ? { uid } : {}) } });
    const [code, detail] = LINK_REFUSALS[reason];
    throw new ForbiddenError(code, detail);
  }
}
