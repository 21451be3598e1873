import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import forge from 'node-forge';

/** A signing key with its certificate (first) and the rest of the chain, as loaded from config. */
export interface SigningMaterial {
  privateKey: KeyObject;
  certificate: X509Certificate;
  chain: X509Certificate[];
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  selfSigned: boolean;
}

export class SigningConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigningConfigError';
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function certificateInfo(cert: X509Certificate): CertificateInfo {
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    serial: cert.serialNumber,
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    selfSigned: cert.checkIssued(cert) && cert.verify(cert.publicKey),
  };
}

/** Node prints distinguished names one attribute per line; documents show them as "CN=…, O=…". */
function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

function fromPem(certFile: string, keyFile: string): SigningMaterial {
  const pems = readFileSync(certFile, 'utf8').match(PEM_CERT) ?? [];
  if (pems.length === 0) throw new SigningConfigError('SIGNING_CERT_FILE: no contiene un certificado PEM');
  const chain = pems.map((p) => new X509Certificate(p));
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(keyFile));
  } catch {
    throw new SigningConfigError('SIGNING_KEY_FILE: no es una clave privada PEM legible (sin contraseña)');
  }
  return { privateKey, certificate: chain[0]!, chain };
}

function fromP12(file: string, password: string): SigningMaterial {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = forge.util.createBuffer(readFileSync(file).toString('binary'));
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), password);
  } catch {
    throw new SigningConfigError('SIGNING_P12_FILE: no se pudo abrir el PKCS#12 (¿contraseña SIGNING_P12_PASSWORD correcta? la clave debe ser RSA)');
  }
  const oids = { shrouded: forge.pki.oids.pkcs8ShroudedKeyBag!, key: forge.pki.oids.keyBag!, cert: forge.pki.oids.certBag! };
  const bags = (type: string): forge.pkcs12.Bag[] => p12.getBags({ bagType: type })[type] ?? [];
  const keyBag = [...bags(oids.shrouded), ...bags(oids.key)].find((b) => b.key);
  const certs = bags(oids.cert).filter((b) => b.cert).map((b) => new X509Certificate(forge.pki.certificateToPem(b.cert!)));
  if (!keyBag?.key || certs.length === 0) throw new SigningConfigError('SIGNING_P12_FILE: debe contener la clave privada y su certificado');
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(keyBag.key));
  // The signer's certificate is the one whose public key matches the private key.
  const own = certs.find((c) => c.checkPrivateKey(privateKey));
  if (!own) throw new SigningConfigError('SIGNING_P12_FILE: ningún certificado corresponde a la clave privada');
  return { privateKey, certificate: own, chain: [own, ...certs.filter((c) => c !== own)] };
}

/** Reads the configured certificate and key; undefined when none is configured. */
export function loadSigningMaterial(config: {
  SIGNING_CERT_FILE?: string | undefined; SIGNING_KEY_FILE?: string | undefined;
  SIGNING_P12_FILE?: string | undefined; SIGNING_P12_PASSWORD?: string | undefined;
}): SigningMaterial | undefined {
  let material: SigningMaterial | undefined;
  if (config.SIGNING_P12_FILE) material = fromP12(config.SIGNING_P12_FILE, config.SIGNING_P12_PASSWORD ?? '');
  else if (config.SIGNING_CERT_FILE && config.SIGNING_KEY_FILE) material = fromPem(config.SIGNING_CERT_FILE, config.SIGNING_KEY_FILE);
  if (!material) return undefined;
  // PDF signatures are built as PKCS#7 by node-forge, which signs with RSA only.
  if (material.privateKey.asymmetricKeyType !== 'rsa') throw new SigningConfigError('La clave de firma debe ser RSA (2048 bits o más)');
  if (!material.certificate.checkPrivateKey(material.privateKey)) throw new SigningConfigError('El certificado no corresponde a la clave privada');
  return material;
}
