import { sql } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createPatient } from '../factories/patients.js';
import { createUser, type TestUser } from '../factories/users.js';
import { json, startStub, type Stub } from './pacs-lis-stubs.js';

/**
 * The PACS goes away (its port closes): 502 per call, then the circuit opens (503 at once),
 * patients seen before get their last good answer marked stale, and once the PACS is back
 * and the cool-down has passed a trial call closes the circuit again.
 */
describe('PACS down: circuit breaker and last good answer', () => {
  let stub: Stub;
  let t: TestApp;
  let medico: TestUser;
  const cooldownMs = 1500;

  beforeAll(async () => {
    stub = await startStub();
    t = await buildTestApp({
      env: {
        PACS_BASE_URL: stub.url, PACS_TIMEOUT_MS: '500', INTEGRATION_CIRCUIT_FAILURES: '3',
        INTEGRATION_CIRCUIT_COOLDOWN_MS: String(cooldownMs),
      },
    });
    medico = await createUser(t, 'MEDICO');
  });
  afterAll(async () => {
    await t.close();
    await stub.close();
  });

  const studies = (patientId: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1/integracion/pacs/studies?patient_id=${patientId}`, headers: medico.headers });

  it('fails with 502, then fails fast with 503 CIRCUIT_OPEN, serving patients seen before as stale', async () => {
    const seen = await createPatient(t, medico);
    const unseen = await createPatient(t, medico);
    stub.forPatient(seen.numeroDocumento, json([{ studyId: 'CACHED-1', modality: 'CR', description: 'Rx de tórax' }]));
    const fresh = await studies(seen.id);
    expect(fresh.json()).toMatchObject({ stale: false, data: [{ studyId: 'CACHED-1' }] });

    const port = stub.port;
    await stub.close();

    const first = await studies(unseen.id);
    expect(first.statusCode).toBe(502);
    expect(first.json()).toMatchObject({ code: 'PACS_UNAVAILABLE', system: 'PACS', status: 502 });
    expect(first.json().upstreamStatus).toBeUndefined();

    // While the PACS is down, the patient seen before still gets the last good answer.
    const staleWhileDown = await studies(seen.id);
    expect(staleWhileDown.statusCode).toBe(200);
    expect(staleWhileDown.json()).toMatchObject({ stale: true, staleReason: 'PACS_UNAVAILABLE', data: [{ studyId: 'CACHED-1', description: 'Rx de tórax' }] });
    expect(staleWhileDown.json().fetchedAt).toBe(fresh.json().fetchedAt);

    const third = await studies(unseen.id);
    expect(third.statusCode).toBe(502);

    const open = await studies(unseen.id);
    expect(open.statusCode).toBe(503);
    expect(open.json()).toMatchObject({ code: 'PACS_CIRCUIT_OPEN', status: 503 });
    expect(Number(open.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const staleWhileOpen = await studies(seen.id);
    expect(staleWhileOpen.json()).toMatchObject({ stale: true, staleReason: 'PACS_CIRCUIT_OPEN', data: [{ studyId: 'CACHED-1' }] });

    const audit = await t.database.db.execute<{ outcome: string; details: Record<string, unknown> }>(
      sql`SELECT outcome, details FROM audit_events WHERE patient_id = ${unseen.id} AND action = 'PACS_STUDIES_VIEWED' ORDER BY id`);
    expect(audit.rows.map((r) => r.outcome)).toEqual(['FAILURE', 'FAILURE', 'FAILURE']);
    expect(audit.rows[2]!.details).toMatchObject({ code: 'PACS_CIRCUIT_OPEN' });
    const staleAudit = await t.database.db.execute<{ details: Record<string, unknown> }>(
      sql`SELECT details FROM audit_events WHERE patient_id = ${seen.id} AND action = 'PACS_STUDIES_VIEWED' ORDER BY id DESC LIMIT 1`);
    expect(staleAudit.rows[0]!.details).toMatchObject({ stale: true, count: 1 });

    expect(t.logs.entries.some((e) => e.msg === 'integration circuit open' && e.system === 'pacs')).toBe(true);

    // The PACS comes back on the same port; after the cool-down one trial call closes the circuit.
    const back = await startStub(port);
    try {
      back.forPatient(unseen.numeroDocumento, json([{ studyId: 'AFTER-1' }]));
      await sleep(cooldownMs + 300);
      const recovered = await studies(unseen.id);
      expect(recovered.statusCode).toBe(200);
      expect(recovered.json()).toMatchObject({ stale: false, data: [{ studyId: 'AFTER-1' }] });
      back.forPatient(seen.numeroDocumento, json([]));
      expect((await studies(seen.id)).json()).toMatchObject({ stale: false, data: [] });
    } finally {
      await back.close();
    }
  });

  it('answers 503 NOT_CONFIGURED for a system without a base URL', async () => {
    const p = await createPatient(t, medico);
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/integracion/lis/results?patient_id=${p.id}`, headers: medico.headers });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'LIS_NOT_CONFIGURED', system: 'LIS' });
  });
});
