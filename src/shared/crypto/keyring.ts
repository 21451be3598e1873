import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Keys for data at rest. The master key (HCE_DATA_KEY, 32 bytes) never touches data
 * directly: HKDF derives one subkey per purpose, so the blind index, the ciphertexts and
 * the signed links cannot be used against each other. Each master key has a short id
 * (hash prefix) stored beside every ciphertext, so retired keys (HCE_DATA_KEYS_OLD) still
 * decrypt until `npm run keys:rotate` re-encrypts.
 */
export type KeyPurpose = 'encryption' | 'blind-index' | 'signed-links' | 'files';

interface MasterKey {
  id: string;
  raw: Buffer;
  subkeys: Map<KeyPurpose, Buffer>;
}

const VERSION = 'v1';

function decodeKey(text: string): Buffer {
  const raw = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (raw.length !== 32) throw new Error('a data key must be 32 bytes of base64');
  return raw;
}

function makeMaster(text: string): MasterKey {
  const raw = decodeKey(text);
  const id = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  return { id, raw, subkeys: new Map() };
}

export class Keyring {
  private readonly active: MasterKey;
  private readonly byId = new Map<string, MasterKey>();

  constructor(activeKey: string, oldKeys: string[] = []) {
    this.active = makeMaster(activeKey);
    this.byId.set(this.active.id, this.active);
    for (const old of oldKeys) {
      const key = makeMaster(old);
      if (!this.byId.has(key.id)) this.byId.set(key.id, key);
    }
  }

  get activeKeyId(): string {
    return this.active.id;
  }

  get keyIds(): string[] {
    return [...this.byId.keys()];
  }

  subkey(purpose: KeyPurpose, keyId = this.active.id): Buffer {
    const master = this.byId.get(keyId);
    if (!master) throw new Error(`unknown data key id ${keyId}`);
    let key = master.subkeys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', master.raw, Buffer.alloc(0), `hce:${purpose}:v1`, 32));
      master.subkeys.set(purpose, key);
    }
    return key;
  }

  /** AES-256-GCM; output `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). */
  encrypt(plain: string, aad = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.subkey('encryption'), iv);
    if (aad) cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.active.id, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join(':');
  }

  decrypt(payload: string, aad = ''): string {
    const [version, keyId, iv, tag, data] = payload.split(':');
    if (version !== VERSION || !keyId || !iv || !tag || data === undefined) throw new Error('malformed ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', this.subkey('encryption', keyId), Buffer.from(iv, 'base64url'));
    if (aad) decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The key id a ciphertext was written with. */
  static keyIdOf(payload: string): string | undefined {
    return payload.split(':')[1];
  }

  /** Deterministic HMAC for equality lookups and uniqueness without storing the value. */
  blindIndex(value: string, keyId = this.active.id): string {
    return createHmac('sha256', this.subkey('blind-index', keyId)).update(value).digest('base64url');
  }

  /** Blind indexes under every known key: lookups still match rows not yet rotated. */
  blindIndexes(value: string): string[] {
    return this.keyIds.map((id) => this.blindIndex(value, id));
  }

  sign(message: string): string {
    return createHmac('sha256', this.subkey('signed-links')).update(message).digest('base64url');
  }

  verifySignature(message: string, signature: string): boolean {
    for (const id of this.keyIds) {
      const expected = Buffer.from(createHmac('sha256', this.subkey('signed-links', id)).update(message).digest('base64url'));
      const given = Buffer.from(signature);
      if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
    }
    return false;
  }
}

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}
