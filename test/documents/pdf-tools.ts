import { execFileSync } from 'node:child_process';
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** The text of every page, as a PDF reader extracts it (Mozilla's pdf.js). */
export async function pdfText(pdf: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, disableFontFace: true, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''));
  }
  await doc.destroy();
  return pages.join('\n');
}

export interface TestCertificate {
  dir: string;
  certFile: string;
  keyFile: string;
  certPem: string;
}

/** A throwaway self-signed RSA certificate made with the openssl command line. */
export function makeCertificate(subject = '/C=PE/O=Clínica San Miguel/CN=HCE Firma de Prueba'): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'hce-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '30', '-subj', subject, '-utf8'], { stdio: 'ignore' });
  return { dir, certFile, keyFile, certPem: new X509Certificate(execFileSync('cat', [certFile])).toString() };
}

export interface PdfSignatureCheck {
  byteRangeCoversFile: boolean;
  digestMatches: boolean;
  signatureValid: boolean;
  signingTime: Date | null;
  signerSubject: string;
  opensslVerified: boolean;
}

/**
 * Checks a PDF signature the way a reader does: the /ByteRange must cover the whole file
 * except the /Contents hole, the CMS messageDigest must equal SHA-256 of those bytes, and the
 * RSA signature over the signed attributes must verify with the embedded certificate. OpenSSL
 * verifies the same CMS independently.
 */
export function checkPdfSignature(pdf: Buffer): PdfSignatureCheck {
  const text = pdf.toString('latin1');
  const matches = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const m = matches.at(-1);
  if (!m) throw new Error('no /ByteRange in PDF');
  const [a, b, c, d] = m.slice(1, 5).map(Number) as [number, number, number, number];
  const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  const hex = pdf.subarray(a + b + 1, c - 1).toString('latin1').replace(/(00)+$/, '');
  const cms = Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex');
  const p7 = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(cms.toString('binary')))) as forge.pkcs7.PkcsSignedData & {
    rawCapture: { authenticatedAttributes: forge.asn1.Asn1[]; signature: string };
  };
  const attrs = p7.rawCapture.authenticatedAttributes;
  const attrValue = (oid: string) => attrs.find((x) => forge.asn1.derToOid((x.value as forge.asn1.Asn1[])[0]!.value as string) === oid);
  const digestAttr = attrValue(forge.pki.oids.messageDigest!);
  const digest = Buffer.from((((digestAttr!.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as string), 'binary');
  const timeAttr = attrValue(forge.pki.oids.signingTime!);
  const signingTime = timeAttr ? forge.asn1.utcTimeToDate((((timeAttr.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!.value as string)) : null;
  const signedAttrsDer = Buffer.from(forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attrs)).getBytes(), 'binary');
  const cert = new X509Certificate(forge.pki.certificateToPem(p7.certificates[0]!));
  const signatureValid = verifySignature('sha256', signedAttrsDer, cert.publicKey, Buffer.from(p7.rawCapture.signature, 'binary'));
  const dir = mkdtempSync(join(tmpdir(), 'hce-pdfsig-'));
  writeFileSync(join(dir, 'sig.der'), cms);
  writeFileSync(join(dir, 'content.bin'), signed);
  let opensslVerified = true;
  try {
    execFileSync('openssl', ['cms', '-verify', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'content.bin'), '-binary', '-noverify', '-out', '/dev/null'], { stdio: 'ignore' });
  } catch {
    opensslVerified = false;
  }
  return {
    byteRangeCoversFile: a === 0 && c + d === pdf.length,
    digestMatches: createHash('sha256').update(signed).digest().equals(digest),
    signatureValid, signingTime, signerSubject: cert.subject, opensslVerified,
  };
}
