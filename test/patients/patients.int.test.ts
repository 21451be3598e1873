import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { testDbKind } from '../helpers/database.js';
import { createUser, type TestUser } from '../factories/users.js';
import { createPatient, nextDni, patientPayload } from '../factories/patients.js';

describe('patient registry', () => {
  let t: TestApp;
  let asistente: TestUser;
  let medico: TestUser;
  let admin: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    asistente = await createUser(t, 'ASISTENTE');
    medico = await createUser(t, 'MEDICO');
    admin = await createUser(t, 'ADMIN');
  });
  afterAll(async () => t.close());

  const post = (payload: object, user = asistente) => t.app.inject({ method: 'POST', url: '/api/v1/patients', headers: user.headers, payload });
  const paths = (res: { json: () => { errors?: { path: string }[] } }) => (res.json().errors ?? []).map((e) => e.path).sort();

  it('creates a patient with every field, an HC number, age and INEI/RENIEC ubigeo', async () => {
    const res = await post(patientPayload({ numeroDocumento: '10117410', digitoVerificador: '2' }));
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.patient_id).toBe(body.id);
    expect(body.numeroHistoriaClinica).toMatch(/^HC-\d{6}$/);
    expect(body).toMatchObject({
      numeroDocumento: '10117410', nombreCompleto: 'José Luis Núñez Chávez', departamento: 'Piura', provincia: 'Piura', distrito: 'Castilla',
      ubigeo: '200104', nacionalidad: 'PER', identificacionPendiente: false, version: 1,
      alergias: [{ alergia: 'Penicilina', reaccion: 'Urticaria', severidad: 'GRAVE' }],
    });
    expect(body.ubigeoReniec).toMatch(/^19/);
    expect(body.edad).toBeGreaterThanOrEqual(40);
    expect(body.patient.id).toBe(body.id);
    expect(res.headers.etag).toBe('W/"1"');
  });

  it('turns a patient a year older at midnight in Lima, not in UTC', async () => {
    const created = await createPatient(t, asistente, { fechaNacimiento: '1990-03-15' });
    const age = async () => (await t.app.inject({ method: 'GET', url: `/api/v1/patients/${created.id}`, headers: asistente.headers })).json().edad;
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-03-15T04:59:59.500Z')); // 23:59:59.5 on 14 March in Lima; already the 15th in UTC
      expect(await age()).toBe(35);
      vi.setSystemTime(new Date('2026-03-15T05:00:00.200Z')); // 00:00:00.2 on the 15th in Lima
      expect(await age()).toBe(36);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stores the document number only encrypted, with a blind index', async () => {
    const dni = nextDni();
    const created = await createPatient(t, asistente, { numeroDocumento: dni });
    const raw = await t.database.db.execute(sql`SELECT * FROM patients WHERE id = ${created.id}`);
    const text = JSON.stringify(raw.rows);
    expect(text).not.toContain(dni);
    expect(String(raw.rows[0]!.numero_documento_enc)).toMatch(/^v1:[0-9a-f]{8}:/);
    expect(t.logs.text).not.toContain(dni);
  });

  it('lists every failing field at once, in Spanish', async () => {
    const res = await post({ tipoDocumento: 'DNI', numeroDocumento: '123', nombres: 'J0sé', fechaNacimiento: '2023-02-30', sexo: 'X', telefonoMovil: '12345', email: 'x@', grupoSanguineo: 'C', factorRh: '+', nacionalidad: 'PERU', extra: true });
    expect(res.statusCode).toBe(400);
    expect(paths(res)).toEqual(expect.arrayContaining(['apellidoPaterno', 'email', 'extra', 'factorRh', 'fechaNacimiento', 'grupoSanguineo', 'nombres', 'sexo', 'telefonoMovil']));
    const second = await post(patientPayload({ numeroDocumento: '123', nacionalidad: 'XYZ', fechaNacimiento: '2999-01-01' }));
    expect(paths(second)).toEqual(expect.arrayContaining(['fechaNacimiento', 'nacionalidad', 'numeroDocumento']));
    expect(second.json().errors.find((e: { path: string }) => e.path === 'numeroDocumento').message).toMatch(/8 dígitos/);
  });

  it('checks the DNI verification digit and the RUC modulo 11', async () => {
    expect(paths(await post(patientPayload({ numeroDocumento: '10117410', digitoVerificador: '3' })))).toEqual(['digitoVerificador']);
    expect((await post(patientPayload({ tipoDocumento: 'RUC', numeroDocumento: '20607854247' }))).statusCode).toBe(201);
    const bad = await post(patientPayload({ tipoDocumento: 'RUC', numeroDocumento: '20607854248' }));
    expect(bad.json().errors[0]).toMatchObject({ path: 'numeroDocumento', message: expect.stringMatching(/dígito verificador/) });
    expect((await post(patientPayload({ tipoDocumento: 'CARNET_EXTRANJERIA', numeroDocumento: '001234567', nacionalidad: 'VEN' }))).statusCode).toBe(201);
    expect((await post(patientPayload({ tipoDocumento: 'PASAPORTE', numeroDocumento: 'ab12345', nacionalidad: 'COL' }))).json().numeroDocumento).toBe('AB12345');
  });

  it('requires a real departamento/provincia/distrito combination, accents and case aside', async () => {
    const ok = await post(patientPayload({ departamento: 'PIURA', provincia: 'sullana', distrito: 'bellavista' }));
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ provincia: 'Sullana', ubigeo: expect.stringMatching(/^2006/) });
    const accents = await post(patientPayload({ departamento: 'Junin', provincia: 'Huancayo', distrito: 'El Tambo' }));
    expect(accents.json().departamento).toBe('Junín');
    const wrong = await post(patientPayload({ departamento: 'Piura', provincia: 'Piura', distrito: 'Bellavista' }));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].path).toBe('distrito');
    const wrongProvince = await post(patientPayload({ departamento: 'Lima', provincia: 'Sullana', distrito: 'Bellavista' }));
    expect(wrongProvince.json().errors[0].path).toBe('provincia');
  });

  it('accepts names with accents, ñ, apostrophe and hyphen; trims and normalises; refuses control characters', async () => {
    const res = await post(patientPayload({ nombres: '  María-José  ', apellidoPaterno: "D'Ángelo", apellidoMaterno: 'Ñañez' }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ nombres: 'María-José', apellidoPaterno: "D'Ángelo" });
    const decomposed = await post(patientPayload({ nombres: 'Jose\u0301' }));
    expect(decomposed.json().nombres).toBe('José');
    expect(paths(await post(patientPayload({ direccion: 'Calle 1\u0007' })))).toEqual(['direccion']);
    const noMaterno = await post(patientPayload({ apellidoMaterno: undefined }));
    expect(noMaterno.statusCode).toBe(201);
  });

  it('requires an apoderado for minors and encrypts the apoderado document', async () => {
    const minor = patientPayload({ fechaNacimiento: '2019-06-01', estadoCivil: undefined });
    expect(paths(await post(minor))).toEqual(['apoderado']);
    const dni = nextDni();
    const res = await post({ ...minor, apoderado: { nombre: 'Carmen Ruiz', tipoDocumento: 'DNI', numeroDocumento: dni, parentesco: 'Madre', telefono: '987111222' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().apoderado).toMatchObject({ nombre: 'Carmen Ruiz', numeroDocumento: dni, parentesco: 'Madre' });
    const raw = await t.database.db.execute(sql`SELECT * FROM patients WHERE id = ${res.json().id}`);
    expect(JSON.stringify(raw.rows)).not.toContain(dni);
  });

  it('registers an emergency patient without a document and completes it later', async () => {
    const res = await post(patientPayload({ tipoDocumento: 'OTROS', tipoDocumentoDetalle: 'SIN_DOCUMENTO', numeroDocumento: undefined, nombres: 'NN', apellidoPaterno: 'Emergencia' }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ identificacionPendiente: true, numeroDocumento: null, tipoDocumentoDetalle: 'SIN_DOCUMENTO' });
    const otros = await post(patientPayload({ tipoDocumento: 'OTROS', numeroDocumento: 'X123' }));
    expect(paths(otros)).toEqual(['tipoDocumentoDetalle']);
    const cnv = await post(patientPayload({ tipoDocumento: 'OTROS', tipoDocumentoDetalle: 'CNV', numeroDocumento: '1234567890', fechaNacimiento: '2026-11-01', apoderado: { nombre: 'Ana Paz', tipoDocumento: 'DNI', numeroDocumento: nextDni(), parentesco: 'Madre' } }));
    expect(cnv.statusCode).toBe(201);
    const dni = nextDni();
    const put = await t.app.inject({ method: 'PUT', url: `/api/v1/patients/${res.json().id}`, headers: asistente.headers, payload: { tipoDocumento: 'DNI', tipoDocumentoDetalle: null, numeroDocumento: dni, nombres: 'Pedro' } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ identificacionPendiente: false, numeroDocumento: dni, tipoDocumento: 'DNI', nombres: 'Pedro', version: 2 });
  });

  it('answers 409 with the existing patient_id for a duplicate document, and keeps a given HC number unique', async () => {
    const created = await createPatient(t, asistente);
    const dup = await post(patientPayload({ numeroDocumento: created.numeroDocumento, nombres: 'Otro' }));
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'PATIENT_DUPLICATE', patient_id: created.id });
    const withHc = await post(patientPayload({ numeroHistoriaClinica: 'ext-0001' }));
    expect(withHc.json().numeroHistoriaClinica).toBe('EXT-0001');
    const createdEvents = async () => Number((await t.database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'PATIENT_CREATED'`)).rows[0]!.n);
    const before = await createdEvents();
    const dupHc = await post(patientPayload({ numeroHistoriaClinica: 'EXT-0001' }));
    expect(dupHc.statusCode).toBe(409);
    expect(dupHc.json().errors[0].path).toBe('numeroHistoriaClinica');
    // The audit row travels in the rejected INSERT itself: nothing is recorded for a patient that was not created.
    expect(await createdEvents()).toBe(before);
  });

  it('skips an HC number of the sequence that an imported record already holds', async () => {
    const first = await createPatient(t, asistente);
    const n = Number(/^HC-(\d+)$/.exec(first.numeroHistoriaClinica)![1]);
    const hc = (k: number) => `HC-${String(k).padStart(6, '0')}`;
    const imported = await post(patientPayload({ numeroHistoriaClinica: hc(n + 1) }));
    expect(imported.json().numeroHistoriaClinica).toBe(hc(n + 1));
    const next = await createPatient(t, asistente);
    expect(next.numeroHistoriaClinica).toBe(hc(n + 2));
    // A refused duplicate document draws no number: the next patient gets the consecutive one.
    const dup = await post(patientPayload({ numeroDocumento: next.numeroDocumento, nombres: 'Otro' }));
    expect(dup.json()).toMatchObject({ code: 'PATIENT_DUPLICATE', patient_id: next.id });
    expect((await createPatient(t, asistente)).numeroHistoriaClinica).toBe(hc(n + 3));
  });

  it.runIf(testDbKind() === 'postgres')('lets exactly one of many concurrent creations of the same document win', async () => {
    const payload = patientPayload();
    const results = await Promise.all(Array.from({ length: 12 }, () => post(payload)));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(11);
    const winner = results.find((r) => r.statusCode === 201)!.json().id;
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.json().patient_id).toBe(winner);
  });

  it('looks up by exact document, as a list of zero or one', async () => {
    const created = await createPatient(t, asistente);
    const found = await t.app.inject({ method: 'GET', url: `/api/v1/patients?tipoDocumento=DNI&numeroDocumento=${created.numeroDocumento}`, headers: medico.headers });
    expect(found.json()).toMatchObject({ total: 1, data: [{ id: created.id }] });
    const none = await t.app.inject({ method: 'GET', url: `/api/v1/patients?tipoDocumento=PASAPORTE&numeroDocumento=${created.numeroDocumento}`, headers: medico.headers });
    expect(none.json()).toMatchObject({ total: 0, data: [] });
    const missingType = await t.app.inject({ method: 'GET', url: `/api/v1/patients?numeroDocumento=${created.numeroDocumento}`, headers: medico.headers });
    expect(missingType.statusCode).toBe(400);
  });

  it('updates only the fields sent, with optimistic concurrency, and keeps the change history in the audit trail', async () => {
    const created = await createPatient(t, asistente);
    const url = `/api/v1/patients/${created.id}`;
    const ok = await t.app.inject({ method: 'PUT', url, headers: { ...medico.headers, 'if-match': 'W/"1"' }, payload: { telefonoMovil: '955000111', version: 1 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ telefonoMovil: '955000111', nombres: 'José Luis', version: 2 });
    expect(ok.headers.etag).toBe('W/"2"');
    const staleBody = await t.app.inject({ method: 'PUT', url, headers: medico.headers, payload: { email: 'a@b.pe', version: 1 } });
    expect(staleBody.statusCode).toBe(409);
    const staleHeader = await t.app.inject({ method: 'PUT', url, headers: { ...medico.headers, 'if-match': 'W/"1"' }, payload: { email: 'a@b.pe' } });
    expect(staleHeader.statusCode).toBe(412);
    const current = await t.app.inject({ method: 'GET', url, headers: medico.headers });
    expect(current.json()).toMatchObject({ email: 'jose.nunez@correo.pe', version: 2 });
    const badUbigeo = await t.app.inject({ method: 'PUT', url, headers: medico.headers, payload: { distrito: 'Miraflores' } });
    expect(badUbigeo.statusCode).toBe(400);
    const history = await t.app.inject({ method: 'GET', url: `/api/v1/audit?patient_id=${created.id}&action=PATIENT_UPDATED`, headers: admin.headers });
    expect(history.json().data[0]).toMatchObject({ actorId: medico.id, details: { changes: { telefonoMovil: { old: '987654321', new: '955000111' } } } });
  });

  it('merges a duplicate into the surviving patient without deleting it (ADMIN only)', async () => {
    const survivor = await createPatient(t, asistente, { nombres: 'Fusión', apellidoPaterno: 'Vigente' });
    const duplicate = await createPatient(t, asistente, { tipoDocumento: 'OTROS', tipoDocumentoDetalle: 'SIN_DOCUMENTO', numeroDocumento: undefined, nombres: 'Fusión', apellidoPaterno: 'Duplicado' });
    const denied = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${duplicate.id}/merge`, headers: asistente.headers, payload: { into: survivor.id } });
    expect(denied.statusCode).toBe(403);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${duplicate.id}/merge`, headers: admin.headers, payload: { into: survivor.id } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ patient_id: survivor.id, mergedFrom: duplicate.id });
    const gone = await t.app.inject({ method: 'GET', url: `/api/v1/patients/${duplicate.id}`, headers: medico.headers });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'PATIENT_MERGED', mergedInto: survivor.id });
    const search = await t.app.inject({ method: 'GET', url: '/api/v1/patients?search=fusion', headers: medico.headers });
    expect(search.json().data.map((p: { id: string }) => p.id)).toEqual([survivor.id]);
    const stillStored = await t.database.db.execute(sql`SELECT merged_into FROM patients WHERE id = ${duplicate.id}`);
    expect(stillStored.rows[0]!.merged_into).toBe(survivor.id);
    const again = await t.app.inject({ method: 'POST', url: `/api/v1/patients/${duplicate.id}/merge`, headers: admin.headers, payload: { into: survivor.id } });
    expect(again.statusCode).toBe(404);
  });

  it('audits reads and searches with the patient ids', async () => {
    const created = await createPatient(t, asistente, { nombres: 'Auditado' });
    await t.app.inject({ method: 'GET', url: `/api/v1/patients/${created.id}`, headers: medico.headers });
    await t.app.inject({ method: 'GET', url: '/api/v1/patients?search=auditado', headers: medico.headers });
    const events = await t.database.db.execute(sql`SELECT action, actor_id, patient_id, details FROM audit_events WHERE action IN ('PATIENT_CREATED','PATIENT_VIEWED','PATIENT_SEARCH') ORDER BY id DESC LIMIT 3`);
    const [search, viewed, createdEvent] = events.rows as { action: string; actor_id: string; patient_id: string | null; details: { ids?: string[] } }[];
    expect(search!.action).toBe('PATIENT_SEARCH');
    expect(search!.details.ids).toEqual([created.id]);
    expect(viewed).toMatchObject({ action: 'PATIENT_VIEWED', actor_id: medico.id, patient_id: created.id });
    expect(createdEvent).toMatchObject({ action: 'PATIENT_CREATED', actor_id: asistente.id, patient_id: created.id });
    // The HC number is drawn inside the creating statement, and its audit row names it.
    expect(createdEvent!.details).toEqual({ numeroHistoriaClinica: created.numeroHistoriaClinica, tipoDocumento: 'DNI', identificacionPendiente: false });
  });

  it('keeps ADMIN out of the registry reads', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/patients?search=jose', headers: admin.headers });
    expect(res.statusCode).toBe(403);
  });
});

describe('HC number from the document (configuration)', () => {
  it('uses the document number as HC number when configured', async () => {
    const t = await buildTestApp({ env: { HC_NUMBER_MODE: 'document' } });
    try {
      const user = await createUser(t, 'ASISTENTE');
      const dni = nextDni();
      const created = await createPatient(t, user, { numeroDocumento: dni });
      expect(created.numeroHistoriaClinica).toBe(dni);
      const sinDoc = await createPatient(t, user, { tipoDocumento: 'OTROS', tipoDocumentoDetalle: 'SIN_DOCUMENTO', numeroDocumento: undefined });
      expect(sinDoc.numeroHistoriaClinica).toMatch(/^HC-\d{6}$/);
    } finally {
      await t.close();
    }
  });
});
