import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/client.js';
import { ConflictError } from '../../shared/errors.js';
import type { AttentionsService } from '../attentions/attentions.service.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { CertificateInfo } from './certificate.js';
import type { AttentionSignatureDto } from './signature.schemas.js';
import { attentionSignatures } from './signature.table.js';
import { verifySealSignature, type DocumentSigner } from './signer.js';

export type AttentionSignatureRow = typeof attentionSignatures.$inferSelect;

const LEGAL_NOTE = 'El sello SHA-256 prueba integridad; la validez legal de la firma (Ley 27269, DS 052-2008-PCM) requiere un certificado emitido dentro de la IOFE.';

const certDto = (c: CertificateInfo) => ({
  subject: c.subject, issuer: c.issuer, serial: c.serial, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), autofirmado: c.selfSigned,
});

/** Whole seconds: the JWS carries its signing time without milliseconds. */
export function signingNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

/** Signs each attention as it is finalized and answers for that signature later. */
export class SignatureService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly attentions: AttentionsService,
    readonly signer: DocumentSigner,
  ) {
    attentions.onFinalized(async (tx, attention, actor) => {
      if (!attention.sealHash) return;
      const signed = await signer.signSeal(attention.sealHash, signingNow());
      if (!signed) return;
      const c = signed.certificate;
      await tx.insert(attentionSignatures).values({
        attentionId: attention.id, sealHash: attention.sealHash, jws: signed.jws, alg: signed.alg, certificatePem: signed.certificatePem,
        certSubject: c.subject, certIssuer: c.issuer, certSerial: c.serial, certNotBefore: c.notBefore, certNotAfter: c.notAfter,
        signedAt: signed.signedAt, signedBy: attention.doctorId,
      });
      await this.audit.record(tx, actor, {
        action: 'ATTENTION_SIGNED', entity: 'medical_attention', entityId: attention.id, patientId: attention.patientId,
        details: { alg: signed.alg, certSerial: c.serial, certSubject: c.subject },
      });
    });
  }

  async find(db: DbOrTx, attentionId: string): Promise<AttentionSignatureRow | undefined> {
    const [row] = await db.select().from(attentionSignatures).where(eq(attentionSignatures.attentionId, attentionId)).limit(1);
    return row;
  }

  async get(actor: AuditActor, attentionId: string): Promise<AttentionSignatureDto> {
    const attention = await this.attentions.require(this.db, attentionId);
    if (attention.estado !== 'FINALIZADA' || !attention.sealHash) {
      throw new ConflictError('ATTENTION_NOT_FINALIZED', 'La atención aún no está finalizada: no tiene sello ni firma.');
    }
    const row = await this.find(this.db, attentionId);
    await this.audit.recordRead(actor, { action: 'ATTENTION_SIGNATURE_VIEWED', entity: 'medical_attention', entityId: attentionId, patientId: attention.patientId });
    if (!row) {
      return {
        attention_id: attentionId, firmado: false, sello: attention.sealHash, jws: null, alg: null, certificado: null, firmadoEn: null, firmadoPor: null, verificacion: null,
        nota: `La atención se finalizó sin certificado de firma configurado: solo tiene sello de integridad. ${LEGAL_NOTE}`,
      };
    }
    // The record is recomputed now, so a signature over a seal the content no longer matches shows.
    const [check, integrity] = await Promise.all([verifySealSignature(row.jws, row.sealHash), this.attentions.verify(actor, attentionId)]);
    return {
      attention_id: attentionId, firmado: true, sello: row.sealHash, jws: row.jws, alg: row.alg,
      certificado: check.certificate ? certDto(check.certificate) : null,
      firmadoEn: row.signedAt.toISOString(), firmadoPor: row.signedBy,
      verificacion: {
        firmaValida: check.valid, selloCoincide: row.sealHash === attention.sealHash && row.sealHash === integrity.recomputed, certificadoVigenteAlFirmar: check.certificateValidAtSigning, detalle: check.error,
      },
      nota: check.certificate?.selfSigned ? `Firmado con un certificado autofirmado (sin valor legal). ${LEGAL_NOTE}` : LEGAL_NOTE,
    };
  }
}
