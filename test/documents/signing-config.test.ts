import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/env.js';
import { rucCheckDigit } from '../../src/modules/patients/documents.js';
import { loadSigningMaterial, SigningConfigError } from '../../src/modules/signature/certificate.js';
import { createDocumentSigner, verifySealSignature } from '../../src/modules/signature/signer.js';
import { testConfig } from '../helpers/app.js';
import { makeCertificate } from './pdf-tools.js';

describe('signing configuration', () => {
  const cert = makeCertificate('/C=PE/O=Clínica Ñaña/CN=Firma Ñaña');

  it('loads a PKCS#12 file (as IOFE certificates are delivered) and signs with it', async () => {
    const p12 = join(cert.dir, 'firma.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', cert.keyFile, '-in', cert.certFile, '-out', p12, '-passout', 'pass:clave-secreta'], { stdio: 'ignore' });
    const material = loadSigningMaterial({ SIGNING_P12_FILE: p12, SIGNING_P12_PASSWORD: 'clave-secreta' })!;
    expect(material.certificate.toString()).toBe(cert.certPem);
    // Signed within the certificate's validity (it starts when makeCertificate ran): the next whole minute.
    const signedAt = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 60_000);
    const signed = await createDocumentSigner(material).signSeal('a'.repeat(64), signedAt);
    expect(await verifySealSignature(signed!.jws, 'a'.repeat(64))).toMatchObject({ valid: true, certificateValidAtSigning: true, signedAt });
    expect((await verifySealSignature(signed!.jws, 'b'.repeat(64))).valid).toBe(false);
    expect(() => loadSigningMaterial({ SIGNING_P12_FILE: p12, SIGNING_P12_PASSWORD: 'otra' })).toThrow(SigningConfigError);
  });

  it('refuses a key that does not match the certificate, a non-RSA key and an unreadable file', () => {
    const other = makeCertificate();
    expect(() => loadSigningMaterial({ SIGNING_CERT_FILE: cert.certFile, SIGNING_KEY_FILE: other.keyFile })).toThrow(/no corresponde/);
    const ecKey = join(cert.dir, 'ec.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', ecKey], { stdio: 'ignore' });
    expect(() => loadSigningMaterial({ SIGNING_CERT_FILE: cert.certFile, SIGNING_KEY_FILE: ecKey })).toThrow(/RSA/);
    writeFileSync(join(cert.dir, 'basura.pem'), 'no es una clave');
    expect(() => loadSigningMaterial({ SIGNING_CERT_FILE: cert.certFile, SIGNING_KEY_FILE: join(cert.dir, 'basura.pem') })).toThrow(/SIGNING_KEY_FILE/);
    expect(loadSigningMaterial({})).toBeUndefined();
  });

  it('validates the clinic RUC with SUNAT’s check digit and the signing settings as pairs', () => {
    const ruc = `2060123456${rucCheckDigit('2060123456')}`;
    expect(testConfig({ CLINIC_RUC: ruc }).CLINIC_RUC).toBe(ruc);
    const wrong = `2060123456${(rucCheckDigit('2060123456') + 1) % 10}`;
    expect(() => testConfig({ CLINIC_RUC: wrong })).toThrow(ConfigError);
    expect(() => testConfig({ SIGNING_CERT_FILE: cert.certFile })).toThrow(/SIGNING_CERT_FILE\/SIGNING_KEY_FILE/);
    expect(() => testConfig({ SIGNING_P12_FILE: 'x.p12', SIGNING_CERT_FILE: cert.certFile, SIGNING_KEY_FILE: cert.keyFile })).toThrow(/no ambos/);
    expect(testConfig({}).RECETA_VALIDEZ_DIAS).toBe(30);
    expect(testConfig({}).REQUIRE_DATA_CONSENT).toBe(false);
  });
});
