import type { Multipart } from '@fastify/multipart';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/client.js';
import type { Keyring } from '../../shared/crypto/keyring.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { encryptingStream, newDataKey, wrapDataKey } from '../../shared/storage/envelope.js';
import type { FileStorage } from '../../shared/storage/storage.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth.types.js';
import type { AttachmentInfo, AttentionsService } from '../attentions/attentions.service.js';
import { addendumHash, attachmentAddendum } from '../attentions/seal.js';
import { attachmentsRepository, type AttachmentRow } from './attachments.repository.js';
import { uploadFields, type AttachmentDto } from './attachments.schemas.js';
import { sanitizeFileName } from './file-name.js';
import { checkClaim, nameForType, sniffType, SNIFF_BYTES, TYPE_LABELS, type AllowedType } from './file-type.js';
import { contentPath, signLink } from './signed-links.js';
import { receiveUpload, type ReceivedFile, type ReceivedUpload } from './upload-receiver.js';

export interface AttachmentsOptions {
  maxBytes: number;
  signedUrlTtlSeconds: number;
}

const unsupported = (detail: string, path = 'file') =>
  new AppError(415, 'UNSUPPORTED_FILE_TYPE', 'Tipo de archivo no admitido', detail, [{ path, message: detail }]);
const mismatch = (detail: string, path: string) =>
  new AppError(415, 'FILE_TYPE_MISMATCH', 'El tipo declarado no coincide con el contenido', detail, [{ path, message: detail }]);

/** Object keys carry no patient data: two hex characters of fan-out and the attachment id. */
export const storageKeyFor = (id: string) => `${id.slice(0, 2)}/${id}`;

/** RF5: files attached to an attention, stored encrypted, listed, downloaded (see attachment-content.ts) and soft-deleted. */
export class AttachmentsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly attentions: AttentionsService,
    private readonly keyring: Keyring,
    private readonly storage: FileStorage,
    private readonly logger: Logger,
    readonly options: AttachmentsOptions,
  ) {
    attentions.setAttachmentsLoader(async (db, attentionIds) => (await attachmentsRepository.byAttentions(db, attentionIds)).map(toInfo));
  }

  signedUrl(id: string, userId: string) {
    return signLink(this.keyring, id, userId, this.options.signedUrlTtlSeconds);
  }

  toDto(row: AttachmentRow, viewerId: string): AttachmentDto {
    const link = this.signedUrl(row.id, viewerId);
    return {
      id: row.id, attachment_id: row.id, attention_id: row.attentionId, fileName: row.fileName, fileType: row.fileType, description: row.description,
      size: row.size, sha256: row.sha256, uploadedBy: row.uploadedBy, uploadedAt: row.uploadedAt.toISOString(), urlPath: row.urlPath,
      signedUrl: link.url, signedUrlExpiresAt: link.expiresAt.toISOString(), adenda: row.addendumSeq !== null, addendumSeq: row.addendumSeq,
      prevHash: row.prevHash, hash: row.hash, deletedAt: row.deletedAt?.toISOString() ?? null, deletedBy: row.deletedBy, motivoEliminacion: row.motivoEliminacion,
    };
  }

  /**
   * Streams the file to a staged, encrypted object, validates it, stores it durably, and
   * only then writes the row (chained as an addendum when the attention is finalized). A
   * row that fails to commit takes its object with it.
   */
  async upload(actor: AuditActor, user: AuthUser, attentionId: string, parts: AsyncIterable<Multipart>): Promise<AttachmentDto> {
    const attention = await this.attentions.require(this.db, attentionId);
    await this.attentions.checkWriteGuards(this.db, attention.patientId);
    const id = randomUUID();
    const key = storageKeyFor(id);
    const dataKey = newDataKey();
    const received = await receiveUpload(parts, {
      maxBytes: this.options.maxBytes, open: () => this.storage.stage(key), encrypt: () => encryptingStream(dataKey, id),
    });
    const file = received.file;
    if (!file) throw new ValidationError([{ path: 'file', message: 'Adjunte el archivo en el campo "file".' }]);
    let meta: { fileName: string; fileType: AllowedType; description: string | null };
    try {
      meta = this.validate(received, file);
      await file.staged.commit();
    } catch (error) {
      await file.staged.discard();
      throw error;
    }
    const wrapped = wrapDataKey(this.keyring, dataKey, id);
    try {
      const row = await this.db.transaction(async (tx) => {
        const link = await this.attentions.chainAddendum(tx, attentionId);
        await this.attentions.checkWriteGuards(tx, attention.patientId);
        // Id and time are fixed here so the addendum's hash is written with the row itself.
        const draft = { id, attentionId, sha256: file.sha256, fileName: meta.fileName, uploadedBy: user.id, uploadedAt: new Date(), addendumSeq: link?.seq ?? null };
        const hash = link ? addendumHash(link.prevHash, attachmentAddendum(draft)) : null;
        const inserted = await attachmentsRepository.insert(tx, {
          ...draft, fileType: meta.fileType, description: meta.description, size: file.size, urlPath: contentPath(id),
          storageDriver: this.storage.driver, storageKey: key, encKeyId: wrapped.keyId, encDataKey: wrapped.wrapped,
          prevHash: link?.prevHash ?? null, hash,
        });
        if (link && hash) await this.attentions.setAddendaHead(tx, attentionId, hash);
        await this.audit.record(tx, actor, {
          action: link ? 'ATTACHMENT_ADDENDUM_ADDED' : 'ATTACHMENT_UPLOADED', entity: 'attachment', entityId: id, patientId: attention.patientId,
          details: { attention_id: attentionId, fileType: meta.fileType, size: file.size, sha256: file.sha256, adenda: Boolean(link) },
        });
        return inserted;
      });
      return this.toDto(row, user.id);
    } catch (error) {
      await this.storage.remove(key).catch((e: unknown) => this.logger.error({ err: e, attachmentId: id }, 'could not remove the object of a failed attachment upload'));
      throw error;
    }
  }

  private validate(received: ReceivedUpload, file: ReceivedFile): { fileName: string; fileType: AllowedType; description: string | null } {
    const raw: Record<string, string> = {};
    const errors: { path: string; message: string }[] = [];
    for (const [name, values] of received.fields) {
      if (values.length > 1) errors.push({ path: name, message: 'Campo repetido' });
      if (values.some((v) => v.truncated)) errors.push({ path: name, message: 'Valor demasiado largo' });
      raw[name] = values[0]!.value;
    }
    const parsed = uploadFields.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code === 'unrecognized_keys') for (const k of issue.keys) errors.push({ path: k, message: 'Campo no permitido' });
        else errors.push({ path: issue.path.join('.') || '(raíz)', message: issue.message });
      }
    }
    if (file.size === 0) errors.push({ path: 'file', message: 'El archivo está vacío.' });
    const fileName = sanitizeFileName(parsed.data?.fileName ?? file.clientName ?? '');
    if (!fileName && (parsed.data?.fileName !== undefined || file.clientName)) {
      errors.push({ path: 'fileName', message: 'El nombre del archivo no contiene caracteres válidos.' });
    }
    if (errors.length) throw new ValidationError(errors);

    const sniffed = sniffType(file.head, file.size <= SNIFF_BYTES);
    if (!sniffed) {
      throw unsupported('El contenido del archivo no es de un tipo admitido: PDF, JPEG, PNG, TIFF, DICOM o texto plano (UTF-8).');
    }
    const label = TYPE_LABELS[sniffed];
    const claimed = checkClaim(parsed.data?.fileType, sniffed);
    if (!claimed.ok) throw mismatch(`fileType declara '${claimed.claimed}', pero el contenido del archivo es ${label}.`, 'fileType');
    const partType = checkClaim(file.mimetype, sniffed);
    if (!partType.ok) throw mismatch(`El archivo se envió como '${partType.claimed}', pero su contenido es ${label}.`, 'file');
    const finalName = nameForType(fileName || 'adjunto', sniffed);
    if (!finalName) throw mismatch(`La extensión de '${fileName}' no corresponde al contenido del archivo (${label}).`, 'fileName');
    return { fileName: sanitizeFileName(finalName), fileType: sniffed, description: parsed.data?.description ?? null };
  }

  async list(actor: AuditActor, user: AuthUser, attentionId: string, query: { limit: number; offset: number; incluirEliminados?: boolean | undefined }) {
    const attention = await this.attentions.require(this.db, attentionId);
    const { rows, total } = await attachmentsRepository.listByAttention(this.db, attentionId, { includeDeleted: query.incluirEliminados ?? false, limit: query.limit, offset: query.offset });
    await this.audit.recordRead(actor, { action: 'ATTACHMENT_LIST', entity: 'medical_attention', entityId: attentionId, patientId: attention.patientId, details: { ids: rows.map((r) => r.id), total } });
    return { data: rows.map((r) => this.toDto(r, user.id)), total, limit: query.limit, offset: query.offset };
  }

  /** Only its uploader, only while the attention is open; the row and the object are kept. */
  async softDelete(actor: AuditActor, user: AuthUser, id: string, motivo: string | undefined): Promise<void> {
    const found = await attachmentsRepository.findById(this.db, id);
    if (!found) throw new NotFoundError('ATTACHMENT_NOT_FOUND', 'El adjunto no existe.');
    await this.db.transaction(async (tx) => {
      const attention = await this.attentions.require(tx, found.attentionId, true);
      if (found.uploadedBy !== user.id) throw new ForbiddenError('NOT_UPLOADER', 'Solo quien subió el adjunto puede eliminarlo.');
      if (attention.estado === 'FINALIZADA') {
        throw new ConflictError('ATTENTION_FINALIZED', 'La atención está finalizada y sellada: sus adjuntos ya no pueden eliminarse.');
      }
      if (!(await attachmentsRepository.markDeleted(tx, id, user.id, motivo ?? null))) {
        throw new ConflictError('ALREADY_DELETED', 'El adjunto ya fue eliminado.');
      }
      await this.audit.record(tx, actor, { action: 'ATTACHMENT_DELETED', entity: 'attachment', entityId: id, patientId: attention.patientId, details: { attention_id: attention.id, motivo: motivo ?? null } });
    });
  }
}

function toInfo(row: AttachmentRow): AttachmentInfo & { prevHash: string | null; hash: string | null } {
  return {
    id: row.id, attentionId: row.attentionId, sha256: row.sha256, fileName: row.fileName, fileType: row.fileType, description: row.description,
    size: row.size, urlPath: row.urlPath, uploadedBy: row.uploadedBy, uploadedAt: row.uploadedAt, deletedAt: row.deletedAt,
    addendumSeq: row.addendumSeq, prevHash: row.prevHash, hash: row.hash,
  };
}
