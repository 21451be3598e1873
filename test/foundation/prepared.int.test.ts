import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientsRepository } from '../../src/modules/patients/patients.repository.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';

/**
 * Prepared statements are shared, but inside a transaction each call must run on that
 * transaction's connection: it sees the transaction's own uncommitted rows, and nothing of
 * them once it rolls back. (On the pooled driver a statement run on another connection
 * would miss the row; on PGlite it would wait for the transaction forever.)
 */
describe('prepared statements inside transactions', () => {
  let t: TestApp;
  let asistente: TestUser;

  beforeAll(async () => {
    t = await buildTestApp();
    asistente = await createUser(t, 'ASISTENTE');
  });
  afterAll(async () => t.close());

  it('sees the rows its transaction changed, and none after a rollback', async () => {
    const patient = await createPatient(t, asistente, { nombres: 'Teodora', apellidoPaterno: 'Ñique' });
    const { db } = t.database;
    // Warm the shared statements outside any transaction first.
    expect((await patientsRepository.findById(db, patient.id))?.nombres).toBe('Teodora');

    const rollback = new Error('rollback on purpose');
    const seen: (string | undefined)[] = [];
    await expect(db.transaction(async (tx) => {
      await tx.execute(sql`UPDATE patients SET nombres = 'Teodosia', numero_historia_clinica = 'HC-PREP-1' WHERE id = ${patient.id}`);
      seen.push((await patientsRepository.findById(tx, patient.id))?.nombres);
      seen.push(String(await patientsRepository.hcExists(tx, 'HC-PREP-1')));
      throw rollback;
    })).rejects.toBe(rollback);

    expect(seen).toEqual(['Teodosia', 'true']);
    expect((await patientsRepository.findById(db, patient.id))?.nombres).toBe('Teodora');
    expect(await patientsRepository.hcExists(db, 'HC-PREP-1')).toBe(false);
  });

  it('keeps two concurrent transactions apart', async () => {
    const [a, b] = await Promise.all([
      createPatient(t, asistente, { nombres: 'Aurelio' }),
      createPatient(t, asistente, { nombres: 'Benigna' }),
    ]);
    const { db } = t.database;
    const read = (id: string, name: string) => db.transaction(async (tx) => {
      await tx.execute(sql`UPDATE patients SET nombres = ${name} WHERE id = ${id}`);
      const row = await patientsRepository.findById(tx, id);
      throw Object.assign(new Error('rollback'), { seen: row?.nombres });
    }).catch((error: { seen?: string }) => error.seen);
    expect(await Promise.all([read(a!.id, 'Aurelia'), read(b!.id, 'Benigno')])).toEqual(['Aurelia', 'Benigno']);
    expect((await patientsRepository.findById(db, a!.id))?.nombres).toBe('Aurelio');
  });
});
