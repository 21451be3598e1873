import type { AppConfig } from '../../config/env.js';
import type { Db } from '../../db/client.js';
import { sha256Hex } from '../../shared/crypto/keyring.js';
import { uniqueViolation } from '../../shared/db-errors.js';
import { AppError, ConflictError, NotFoundError, UnprocessableError } from '../../shared/errors.js';
import type { RateLimiter } from '../../shared/rate-limit.js';
import type { AttentionDetailDto } from '../attentions/attentions.schemas.js';
import type { AttentionsService } from '../attentions/attentions.service.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth.types.js';
import type { ConsentsService } from '../consents/consents.service.js';
import type { PharmacovigilanceService } from '../pharmacovigilance/pharmacovigilance.service.js';
import { signingNow, type SignatureService } from '../signature/signature.service.js';
import { documentsRepository } from './documents.repository.js';
import type { TipoDocumentoImpreso, VerificationDto } from './documents.schemas.js';
import { renderInforme } from './informe.pdf.js';
import { qrPng, type ClinicHeader } from './pdf-layout.js';
import type { PrintContext } from './printable.js';
import { renderReceta } from './receta.pdf.js';
import { displayCode, newVerificationCode, normalizeVerificationCode } from './verification-code.js';

export interface IssuedDocument {
  pdf: Buffer;
  code: string;
  filename: string;
}

type Renderer = (ctx: PrintContext) => Promise<{ pdf: Buffer; details: Record<string, unknown> }>;

const TITLES: Record<TipoDocumentoImpreso, string> = { RECETA: 'Receta médica', INFORME_ATENCION: 'Informe de atención ambulatoria' };

/** The common name in a certificate subject, or the whole subject. */
function commonName(subject: string): string {
  return /(?:^|,\s*)CN=([^,]+)/.exec(subject)?.[1] ?? subject;
}

/**
 * Printed formats of the clinical record (Directiva 373: they carry the signer and a
 * verification code; printing is audited as output) and the public check of those codes.
 */
export class DocumentsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly attentions: AttentionsService,
    private readonly signatures: SignatureService,
    private readonly consents: ConsentsService,
    private readonly pharmacovigilance: PharmacovigilanceService,
    private readonly rateLimiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  private get clinic(): ClinicHeader {
    return { nombre: this.config.CLINIC_NAME, ruc: this.config.CLINIC_RUC, direccion: this.config.CLINIC_ADDRESS, telefono: this.config.CLINIC_PHONE };
  }

  /** Only finalized attentions are printed: the document carries the record's signer and seal. */
  private async finalizedDetail(actor: AuditActor, id: string): Promise<AttentionDetailDto> {
    const row = await this.attentions.require(this.db, id);
    if (row.estado !== 'FINALIZADA') {
      throw new ConflictError('ATTENTION_NOT_FINALIZED', 'Solo se imprimen atenciones finalizadas: el documento lleva el firmante y el sello del registro.');
    }
    return this.attentions.detail(actor, id, false);
  }

  async receta(actor: AuditActor, user: AuthUser, id: string): Promise<IssuedDocument> {
    const attention = await this.finalizedDetail(actor, id);
    if (!attention.prescriptions.some((p) => p.deletedAt === null)) {
      throw new UnprocessableError('NO_PRESCRIPTIONS', 'La atención no tiene prescripciones: no hay receta que imprimir.');
    }
    return this.issue(actor, user, attention, 'RECETA', async (ctx) => {
      const { pdf, omitted } = await renderReceta(ctx, this.config.RECETA_VALIDEZ_DIAS);
      return { pdf, details: { controladosOmitidos: omitted.length } };
    });
  }

  async informe(actor: AuditActor, user: AuthUser, id: string): Promise<IssuedDocument> {
    const attention = await this.finalizedDetail(actor, id);
    const [consents, reactions, signature] = await Promise.all([
      this.consents.informedFor(this.db, id), this.pharmacovigilance.forAttention(this.db, id), this.signatures.find(this.db, id),
    ]);
    return this.issue(actor, user, attention, 'INFORME_ATENCION', async (ctx) => ({
      pdf: await renderInforme(ctx, {
        consents, reactions: reactions.map((r) => ({ medicamento: r.medicamento.dci, reaccion: r.reaccion, severidad: r.severidad, desenlace: r.desenlace, fechaInicio: r.fechaInicio })),
        recordSignature: signature ? { subject: commonName(signature.certSubject), signedAt: signature.signedAt } : null,
      }),
      details: {},
    }));
  }

  private async issue(actor: AuditActor, user: AuthUser, attention: AttentionDetailDto, tipo: TipoDocumentoImpreso, render: Renderer): Promise<IssuedDocument> {
    const signer = this.signatures.signer;
    const firmante = attention.firmante ?? { nombreCompleto: attention.doctor.nombreCompleto, cmp: attention.doctor.cmp };
    for (let attempt = 1; ; attempt++) {
      const code = newVerificationCode();
      const issuedAt = signingNow();
      const verifyUrl = `${this.config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/api/v1/verify/${code}`;
      const ctx: PrintContext = {
        clinic: this.clinic, attention, code: displayCode(code), verifyUrl, qr: await qrPng(verifyUrl), issuedAt,
        signedBy: signer.certificate ? commonName(signer.certificate.subject) : null,
      };
      const rendered = await render(ctx);
      const { pdf, signed } = await signer.signPdf(rendered.pdf, {
        reason: `${TITLES[tipo]} ${displayCode(code)}`, name: ctx.signedBy ?? firmante.nombreCompleto,
        location: this.config.CLINIC_ADDRESS ?? this.config.CLINIC_NAME, contactInfo: this.config.CLINIC_PHONE ?? '',
      }, issuedAt);
      try {
        await this.db.transaction(async (tx) => {
          await documentsRepository.insert(tx, {
            code, tipoDocumento: tipo, entity: 'medical_attention', entityId: attention.id, sealHash: attention.sealHash!, documentSha256: sha256Hex(pdf),
            establecimiento: this.config.CLINIC_NAME, firmante: { nombreCompleto: firmante.nombreCompleto, cmp: firmante.cmp }, firmado: signed,
            issuedBy: user.id, issuedAt,
          });
          // Directiva 373 audits output ("salida") apart from viewing.
          await this.audit.record(tx, actor, {
            action: 'DOCUMENT_ISSUED', entity: 'medical_attention', entityId: attention.id, patientId: attention.patient_id,
            details: { evento: 'SALIDA', tipoDocumento: tipo, code, firmado: signed, ...rendered.details },
          });
        });
        return { pdf, code, filename: `${tipo.toLowerCase()}-${code}.pdf` };
      } catch (error) {
        if (attempt < 3 && uniqueViolation(error) === 'verification_codes_pkey') continue;
        throw error;
      }
    }
  }

  async verify(actor: AuditActor, rawCode: string, ip: string): Promise<VerificationDto> {
    const wait = await this.rateLimiter.check({ name: 'verify:ip', max: this.config.RATE_LIMIT_VERIFY_PER_IP, windowMs: this.config.RATE_LIMIT_WINDOW_SECONDS * 1000 }, ip);
    if (wait > 0) {
      throw new AppError(429, 'RATE_LIMITED', 'Demasiadas solicitudes', `Demasiadas verificaciones. Espere ${wait} segundos.`, undefined, { retryAfter: wait }, { 'retry-after': String(wait) });
    }
    const code = normalizeVerificationCode(rawCode);
    const row = code ? await documentsRepository.find(this.db, code) : undefined;
    if (!row) {
      await this.audit.recordStandalone(actor, { action: 'DOCUMENT_VERIFY_UNKNOWN', outcome: 'FAILURE', entity: 'verification_code' });
      throw new NotFoundError('VERIFICATION_CODE_NOT_FOUND', 'El código no corresponde a ningún documento emitido por este establecimiento.');
    }
    const attention = await this.attentions.require(this.db, row.entityId);
    let selloCoincide = false;
    let registroIntegro = false;
    try {
      const check = await this.attentions.verify(actor, row.entityId);
      selloCoincide = check.sealValid && check.seal === row.sealHash;
      registroIntegro = check.valid;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
    await this.audit.recordRead(actor, {
      action: 'DOCUMENT_VERIFIED', entity: 'verification_code', entityId: row.entityId, patientId: attention.patientId,
      outcome: selloCoincide ? 'SUCCESS' : 'FAILURE', details: { code, tipoDocumento: row.tipoDocumento, selloCoincide },
    });
    return {
      valido: selloCoincide && registroIntegro, tipoDocumento: row.tipoDocumento as TipoDocumentoImpreso, emitidoEn: row.issuedAt.toISOString(),
      establecimiento: row.establecimiento, firmante: row.firmante, selloCoincide,
    };
  }
}
