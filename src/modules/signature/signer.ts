import { X509Certificate } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { certificateInfo, type CertificateInfo, type SigningMaterial } from './certificate.js';
import { PdfSigner, type PdfSignatureMeta } from './pdf-signature.js';

export interface SealSignature {
  /** Compact JWS with detached payload: `header..signature`. */
  jws: string;
  alg: string;
  certificatePem: string;
  certificate: CertificateInfo;
  signedAt: Date;
}

export interface SealVerification {
  /** The signature verifies with the certificate it carries, over the given seal. */
  valid: boolean;
  certificate: CertificateInfo | null;
  /** The signing time lies within the certificate's validity period. */
  certificateValidAtSigning: boolean;
  signedAt: Date | null;
  error: string | null;
}

/**
 * The one interface documents and records are signed through. A SHA-256 seal proves
 * integrity only; a signature with a certificate from the IOFE framework (Ley 27269,
 * DS 052-2008-PCM) is what gives it legal weight. Without a configured certificate the
 * unsigned implementation answers, and documents say they are unsigned.
 */
export interface DocumentSigner {
  readonly configured: boolean;
  readonly certificate: CertificateInfo | null;
  signSeal(seal: string, signedAt: Date): Promise<SealSignature | null>;
  signPdf(pdf: Buffer, meta: PdfSignatureMeta, signedAt: Date): Promise<{ pdf: Buffer; signed: boolean }>;
}

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

/** Verifies a detached JWS over `seal` against the certificate in its x5c header. */
export async function verifySealSignature(jws: string, seal: string): Promise<SealVerification> {
  const [header, , signature] = jws.split('.');
  try {
    const protectedHeader = decodeProtectedHeader(jws);
    const der = protectedHeader.x5c?.[0];
    if (!der || !protectedHeader.alg) throw new Error('sin certificado x5c');
    const cert = new X509Certificate(Buffer.from(der, 'base64'));
    const info = certificateInfo(cert);
    const signedAt = typeof protectedHeader.sigT === 'string' ? new Date(protectedHeader.sigT) : null;
    const certificateValidAtSigning = signedAt !== null && signedAt >= info.notBefore && signedAt <= info.notAfter;
    try {
      await compactVerify(`${header}.${b64url(seal)}.${signature}`, cert.publicKey, { algorithms: [protectedHeader.alg] });
      return { valid: true, certificate: info, certificateValidAtSigning, signedAt, error: null };
    } catch {
      return { valid: false, certificate: info, certificateValidAtSigning, signedAt, error: 'La firma no corresponde al sello' };
    }
  } catch {
    return { valid: false, certificate: null, certificateValidAtSigning: false, signedAt: null, error: 'JWS ilegible' };
  }
}

class CertificateSigner implements DocumentSigner {
  readonly configured = true;
  readonly certificate: CertificateInfo;
  private readonly pdfSigner: PdfSigner;

  constructor(private readonly material: SigningMaterial) {
    this.certificate = certificateInfo(material.certificate);
    this.pdfSigner = new PdfSigner(material);
  }

  async signSeal(seal: string, signedAt: Date): Promise<SealSignature> {
    const alg = 'RS256';
    const compact = await new CompactSign(new TextEncoder().encode(seal))
      .setProtectedHeader({
        alg, typ: 'JOSE', cty: 'text/plain',
        x5c: this.material.chain.map((c) => c.raw.toString('base64')),
        // JAdES (ETSI TS 119 182-1) claimed signing time.
        sigT: signedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      })
      .sign(this.material.privateKey);
    const [header, , signature] = compact.split('.');
    return { jws: `${header}..${signature}`, alg, certificatePem: this.material.certificate.toString(), certificate: this.certificate, signedAt };
  }

  async signPdf(pdf: Buffer, meta: PdfSignatureMeta, signedAt: Date): Promise<{ pdf: Buffer; signed: boolean }> {
    return { pdf: await this.pdfSigner.sign(pdf, meta, signedAt), signed: true };
  }
}

class UnsignedSigner implements DocumentSigner {
  readonly configured = false;
  readonly certificate = null;
  async signSeal(): Promise<null> {
    return null;
  }
  async signPdf(pdf: Buffer): Promise<{ pdf: Buffer; signed: boolean }> {
    return { pdf, signed: false };
  }
}

export function createDocumentSigner(material: SigningMaterial | undefined): DocumentSigner {
  return material ? new CertificateSigner(material) : new UnsignedSigner();
}
