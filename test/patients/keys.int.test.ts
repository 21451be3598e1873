import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { Keyring } from '../../src/shared/crypto/keyring.js';
import { rotateEncryptedColumns } from '../../src/shared/crypto/rotate.js';
import { buildTestApp, TEST_SECRETS } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { createUser } from '../factories/users.js';
import { createPatient } from '../factories/patients.js';

describe('data key rotation', () => {
  it('keeps identifiers readable with a retired key and re-encrypts them under the new one', async () => {
    const testDatabase = await createTestDatabase();
    try {
      const oldApp = await buildTestApp({ testDatabase });
      const user = await createUser(oldApp, 'ASISTENTE');
      const patient = await createPatient(oldApp, user);
      await oldApp.close();

      const newKey = randomBytes(32).toString('base64');
      const env = { HCE_DATA_KEY: newKey, HCE_DATA_KEYS_OLD: TEST_SECRETS.HCE_DATA_KEY };
      const during = await buildTestApp({ testDatabase, env });
      const login = await during.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: user.password } });
      const headers = { authorization: `Bearer ${login.json().accessToken}` };
      const lookup = () => during.app.inject({ method: 'GET', url: `/api/v1/patients?tipoDocumento=DNI&numeroDocumento=${patient.numeroDocumento}`, headers });
      expect((await lookup()).json().data[0].numeroDocumento).toBe(patient.numeroDocumento);

      const keyring = new Keyring(newKey, [TEST_SECRETS.HCE_DATA_KEY]);
      const counts = await rotateEncryptedColumns(testDatabase.database.db, keyring);
      expect(counts['patients.numero_documento_enc']).toBeGreaterThanOrEqual(1);
      const raw = await testDatabase.database.db.execute(sql`SELECT numero_documento_enc FROM patients WHERE id = ${patient.id}`);
      expect(String(raw.rows[0]!.numero_documento_enc).split(':')[1]).toBe(keyring.activeKeyId);
      expect((await lookup()).json().total).toBe(1);
      expect((await rotateEncryptedColumns(testDatabase.database.db, keyring))['patients.numero_documento_enc']).toBe(0);
      await during.close();

      const after = await buildTestApp({ testDatabase, env: { HCE_DATA_KEY: newKey } });
      const relogin = await after.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: user.password } });
      const res = await after.app.inject({ method: 'GET', url: `/api/v1/patients/${patient.id}`, headers: { authorization: `Bearer ${relogin.json().accessToken}` } });
      expect(res.json().numeroDocumento).toBe(patient.numeroDocumento);
      await after.close();
    } finally {
      await testDatabase.dispose();
    }
  });
});
