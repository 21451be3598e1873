import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditService } from '../../src/modules/audit/audit.service.js';
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

/**
 * The wide tables' INSERTs are prepared once (preparedInsert): a column the caller leaves out
 * must still get its default, as in an INSERT that names only the columns given, and a value
 * for a column the statement leaves to its SQL default must be refused, not dropped.
 */
describe('prepared inserts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t.close());

  const base = { numeroHistoriaClinica: 'HC-PINS-1', tipoDocumento: 'OTROS', nombres: 'Eusebia', apellidoPaterno: 'Chunga', fechaNacimiento: '1950-03-04', sexo: 'F' };

  it('gives columns left out their defaults, and writes the audit row it carries', async () => {
    const { db } = t.database;
    const id = randomUUID();
    const row = await patientsRepository.insertAudited(db, { ...base, id, contactoEmergencia: null }, new AuditService(db, pino({ level: 'silent' })).rowsParam({ actorKind: 'system' },
      { action: 'PATIENT_CREATED', entity: 'patient', entityId: id, patientId: id }));
    expect(row).toMatchObject({ id, nacionalidad: 'PER', identificacionPendiente: false, alergias: [], antecedentesCronicos: [], version: 1, mergedInto: null, email: null });
    expect(row.createdAt).toBeInstanceOf(Date);
    // SQL NULL, not the JSON value null: what the column's encoder would make of a null.
    const stored = await db.execute(sql`SELECT contacto_emergencia IS NULL AS contacto, apoderado IS NULL AS apoderado FROM patients WHERE id = ${id}`);
    expect(stored.rows[0]).toEqual({ contacto: true, apoderado: true });
    const audit = await db.execute(sql`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = ${id} AND action = 'PATIENT_CREATED'`);
    expect((audit.rows[0] as { n: number }).n).toBe(1);
  });

  it('refuses a value for a column left to its SQL default instead of dropping it', async () => {
    const { db } = t.database;
    await expect(patientsRepository.insertAudited(db, { ...base, id: randomUUID(), numeroHistoriaClinica: 'HC-PINS-2', createdAt: new Date('2020-01-01') }, '[]'))
      .rejects.toThrow(/createdAt/);
    expect(await patientsRepository.hcExists(db, 'HC-PINS-2')).toBe(false);
  });

  it('runs on the transaction’s connection: nothing stays after a rollback', async () => {
    const { db } = t.database;
    const rollback = new Error('rollback on purpose');
    await expect(db.transaction(async (tx) => {
      await patientsRepository.insertAudited(tx, { ...base, id: randomUUID(), numeroHistoriaClinica: 'HC-PINS-3' }, '[]');
      expect(await patientsRepository.hcExists(tx, 'HC-PINS-3')).toBe(true);
      throw rollback;
    })).rejects.toBe(rollback);
    expect(await patientsRepository.hcExists(db, 'HC-PINS-3')).toBe(false);
  });
});
