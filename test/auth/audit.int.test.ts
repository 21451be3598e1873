import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { testDbKind } from '../helpers/database.js';
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
    // Every row but the verification's own event (recorded after it sealed) is linked, once.
    const pending = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit_pending WHERE event_id < (SELECT max(id) FROM audit_events)`);
    expect(pending.rows[0]).toEqual({ n: 0 });
    const unlinked = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit_events e
      WHERE e.id < (SELECT max(id) FROM audit_events) AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)`);
    expect(unlinked.rows[0]).toEqual({ n: 0 });
    const listed = (await t.app.inject({ method: 'GET', url: '/api/v1/audit?action=LOGIN_SUCCESS&limit=5', headers: admin.headers })).json();
    expect(listed.data.length).toBeGreaterThan(0);
    expect(listed.data.every((e: { sealed: boolean }) => e.sealed)).toBe(true);
  });

  it.runIf(testDbKind() === 'postgres')('links a row whose transaction commits after later rows were sealed', async () => {
    let lateId = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const late = t.database.db.transaction(async (tx) => {
      const inserted = await tx.execute<{ id: number }>(sql`INSERT INTO audit_events (action, outcome) VALUES ('TEST_LATE_COMMIT', 'SUCCESS') RETURNING id`);
      lateId = Number(inserted.rows[0]!.id);
      await held;
    });
    while (lateId === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await t.app.ctx.services.audit.record(t.database.db, { actorKind: 'system' }, { action: 'TEST_AFTER_LATE' });
    await t.app.ctx.services.audit.seal();
    const linkOf = async (action: string) => (await t.database.db.execute<{ chain_seq: number; event_id: number }>(sql`SELECT c.chain_seq, c.event_id
      FROM audit_chain c JOIN audit_events e ON e.id = c.event_id WHERE e.action = ${action}`)).rows[0];
    const after = await linkOf('TEST_AFTER_LATE');
    expect(Number(after!.event_id)).toBeGreaterThan(lateId);
    expect(await linkOf('TEST_LATE_COMMIT')).toBeUndefined(); // not committed yet: invisible to the sealer
    release();
    await late;
    expect((await verify()).valid).toBe(true);
    const linked = await linkOf('TEST_LATE_COMMIT');
    expect(Number(linked!.event_id)).toBe(lateId);
    expect(Number(linked!.chain_seq)).toBeGreaterThan(Number(after!.chain_seq));
  });

  it('refuses UPDATE, DELETE and TRUNCATE on audit events', async () => {
    await expect(t.database.db.execute(sql`UPDATE audit_events SET action = 'X' WHERE id = (SELECT min(id) FROM audit_events)`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`DELETE FROM audit_events`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`TRUNCATE audit_events`)).rejects.toThrow();
    const count = await t.database.db.execute(sql`SELECT count(*)::int AS n FROM audit_events WHERE action = 'X'`);
    expect(count.rows[0]).toEqual({ n: 0 });
  });

  it('lets no one but the sealer write the chain or empty the queue of rows to seal', async () => {
    await t.app.ctx.services.audit.record(t.database.db, { actorKind: 'system' }, { action: 'TEST_UNSEALED' });
    const [event] = (await t.database.db.execute<{ id: number }>(sql`SELECT id FROM audit_events WHERE action = 'TEST_UNSEALED'`)).rows;
    const before = (await t.database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_chain`)).rows[0]!.n;
    await expect(t.database.db.execute(sql`INSERT INTO audit_chain (chain_seq, event_id, hash) VALUES (999999, ${event!.id}, 'forged')`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`UPDATE audit_chain SET hash = 'forged'`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`DELETE FROM audit_chain`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`TRUNCATE audit_chain`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`DELETE FROM audit_pending WHERE event_id = ${event!.id}`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`TRUNCATE audit_pending`)).rejects.toThrow();
    expect((await t.database.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_chain`)).rows[0]!.n).toBe(before);
    expect((await t.database.db.execute(sql`SELECT event_id FROM audit_pending WHERE event_id = ${event!.id}`)).rows).toHaveLength(1);
    expect((await verify()).valid).toBe(true);
    expect((await t.database.db.execute(sql`SELECT event_id FROM audit_pending WHERE event_id = ${event!.id}`)).rows).toHaveLength(0);
  });

  it('reports the first broken link after a direct edit by a superuser', async () => {
    await createUser(t, 'MEDICO');
    expect((await verify()).valid).toBe(true);
    const target = await t.database.db.execute<{ id: number }>(sql`SELECT e.id FROM audit_events e JOIN audit_chain c ON c.event_id = e.id
      WHERE e.action = 'LOGIN_SUCCESS' ORDER BY c.chain_seq DESC LIMIT 1`);
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

  it('reports a removed link as missing', async () => {
    // Runs after the edit above, so the chain is already broken there; the removed link comes first.
    const first = await t.database.db.execute<{ chain_seq: number; event_id: number }>(sql`SELECT chain_seq, event_id FROM audit_chain ORDER BY chain_seq LIMIT 1 OFFSET 1`);
    const link = first.rows[0]!;
    await t.database.db.execute(sql`ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_guard`);
    await t.database.db.execute(sql`DELETE FROM audit_chain WHERE chain_seq = ${link.chain_seq}`);
    await t.database.db.execute(sql`ALTER TABLE audit_chain ENABLE TRIGGER audit_chain_guard`);
    const result = await verify();
    expect(result).toMatchObject({ valid: false, reason: 'missing_link', brokenSeq: Number(link.chain_seq) + 1 });
  });
});
