import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf, Signer } from '@signpdf/signpdf';
import forge from 'node-forge';
import type { SigningMaterial } from './certificate.js';

/**
 * CMS (PKCS#7) detached signature over the PDF's byte range, as ISO 32000-1 defines it
 * (SubFilter adbe.pkcs7.detached): SHA-256 digest, the certificate chain and a signing-time
 * signed attribute. node-forge builds the CMS; @signpdf places it in the file.
 */
/**
 * forge keeps a parsed UTF8String name attribute as raw bytes but UTF-8-encodes it again when
 * writing the signer's issuer, so a certificate with "Núñez" in its issuer would be named
 * wrongly in the CMS and readers could not find the signer. Decoding first makes the round
 * trip exact (the embedded certificates are copied from their original bytes).
 */
function issuerAsText(cert: forge.pki.Certificate): forge.pki.Certificate {
  for (const attr of cert.issuer.attributes) {
    if ((attr.valueTagClass as number | undefined) === forge.asn1.Type.UTF8 && typeof attr.value === 'string') attr.value = forge.util.decodeUtf8(attr.value);
  }
  return cert;
}

class CmsSigner extends Signer {
  private readonly key: forge.pki.rsa.PrivateKey;
  private readonly certs: forge.pki.Certificate[];

  constructor(material: SigningMaterial) {
    super();
    this.key = forge.pki.privateKeyFromPem(material.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
    this.certs = material.chain.map((c) => issuerAsText(forge.pki.certificateFromPem(c.toString())));
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
    for (const cert of this.certs) p7.addCertificate(cert);
    p7.addSigner({
      key: this.key,
      certificate: this.certs[0]!,
      digestAlgorithm: forge.pki.oids.sha256!,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType!, value: forge.pki.oids.data! },
        // forge's typings want a string; it accepts a Date (and encodes UTCTime from it).
        { type: forge.pki.oids.signingTime!, value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids.messageDigest! },
      ],
    });
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}

export interface PdfSignatureMeta {
  reason: string;
  name: string;
  location: string;
  contactInfo: string;
}

/** Room for the CMS (hex, so twice its size): key, a chain of a few certificates and attributes. */
const SIGNATURE_LENGTH = 16_384;

export class PdfSigner {
  private readonly signer: CmsSigner;
  private readonly signPdf = new SignPdf();

  constructor(material: SigningMaterial) {
    this.signer = new CmsSigner(material);
  }

  async sign(pdf: Buffer, meta: PdfSignatureMeta, signingTime: Date): Promise<Buffer> {
    const withPlaceholder = plainAddPlaceholder({
      pdfBuffer: pdf, reason: meta.reason, name: meta.name, location: meta.location, contactInfo: meta.contactInfo,
      signingTime, signatureLength: SIGNATURE_LENGTH, appName: 'HCE',
    });
    return this.signPdf.sign(withPlaceholder, this.signer, signingTime);
  }
}
