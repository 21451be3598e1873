import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { createUser, type TestUser } from '../factories/users.js';

describe('audit trail', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await buildTestApp({ env: { AUDIT_SEAL_INTERVAL_MS: '3600000' } });
    admin = await createUser(t, 'ADMIN');
  });
  afterAll(async () => t.close());

  const verify = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: admin.headers })).json();

  it('records security events and filters them', async () => {
    const user = await createUser(t, 'ASISTENTE');
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: 'Incorrecta-12345' } });
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/audit?actor_id=${user.id}`, headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const actions = res.json().data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['LOGIN_SUCCESS', 'LOGIN_FAILED']));
    const failed = res.json().data.find((e: { action: string }) => e.action === 'LOGIN_FAILED');
    expect(failed).toMatchObject({ outcome: 'FAILURE', ip: '127.0.0.1' });
    expect(JSON.stringify(res.json())).not.toContain('Incorrecta-12345');
  });

  it('stores events whose text carries lone surrogates or NUL (from JSON bodies) instead of failing the request', async () => {
    const entityId = `VENTA-\ud800-${Date.now()}`;
    await t.app.ctx.services.audit.record(t.database.db, { actorKind: 'integration' }, {
      action: 'TEST_ODD_TEXT', entity: 'billing_transaction', entityId, details: { motivo: 'a\u0000b\udfff', nested: ['\ud83d'] },
    });
    const rows = await t.database.db.execute<{ entity_id: string; details: unknown }>(sql`SELECT entity_id, details FROM audit_events WHERE action = 'TEST_ODD_TEXT'`);
    expect(rows.rows).toEqual([{ entity_id: entityId.replace('\ud800', '\ufffd'), details: { motivo: 'a\ufffdb\ufffd', nested: ['\ufffd'] } }]);
  });

  it('stores read events in batches whose asynchronous commit does not outlive them', async () => {
    const actor = { actorKind: 'user', actorId: admin.id };
    await Promise.all(Array.from({ length: 12 }, (_, i) =>
      t.app.ctx.services.audit.recordRead(actor, { action: 'TEST_READ_BATCH', entity: 'patient', entityId: `r-${i}` })));
    const stored = await t.database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'TEST_READ_BATCH'`);
    expect(stored.rows[0]!.n).toBe(12);
    // synchronous_commit is off only inside each batch's own statement: on every pooled
    // connection, the changes that follow still wait for their WAL flush.
    const settings = await Promise.all(Array.from({ length: 8 }, () =>
      t.database.db.execute<{ synchronous_commit: string }>(sql`SHOW synchronous_commit`)));
    expect(new Set(settings.map((r) => r.rows[0]!.synchronous_commit))).toEqual(new Set(['on']));
  });

  it('seals pending events into a hash chain that verifies', async () => {
    const result = await verify();
    expect(result.valid).toBe(true);
    expect(result.checked).toBeGreaterThan(0);
    const pending = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit_events WHERE hash IS NULL AND id < (SELECT max(id) FROM audit_events)`);
    expect(pending.rows[0]).toEqual({ n: 0 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on audit events', async () => {
    await expect(t.database.db.execute(sql`UPDATE audit_events SET action = 'X' WHERE id = (SELECT min(id) FROM audit_events)`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`DELETE FROM audit_events`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`TRUNCATE audit_events`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`INSERT INTO audit_events (action, outcome, hash) VALUES ('FORGED', 'SUCCESS', 'abc')`)).rejects.toThrow();
    const count = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'X' OR action = 'FORGED'`);
    expect(count.rows[0]).toEqual({ n: 0 });
  });

  it('reports the first broken link after a direct edit by a superuser', async () => {
    await createUser(t, 'MEDICO');
    expect((await verify()).valid).toBe(true);
    const target = await t.database.db.execute<{ id: number }>(sql`SELECT id FROM audit_events WHERE action = 'LOGIN_SUCCESS' AND hash IS NOT NULL ORDER BY chain_seq DESC LIMIT 1`);
    const id = Number(target.rows[0]!.id);
    // What an attacker with database superuser rights would do: disable the guard and edit.
    await t.database.db.execute(sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_guard`);
    await t.database.db.execute(sql`UPDATE audit_events SET ip = '10.9.9.9' WHERE id = ${id}`);
    await t.database.db.execute(sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_guard`);
    const result = await verify();
    expect(result.valid).toBe(false);
    expect(result.brokenId).toBe(id);
    expect(result.reason).toBe('content_altered');
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/hce_audit_chain_valid 0/);
  });
});
