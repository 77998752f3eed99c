/**
 * `request.audit` (http/audit.ts, server/audit.ts) and `LogService.auditor`: the origin (tenant, IP,
 * user agent, client, user) fills every event, an event's own fields override it, the origin is
 * copied when the auditor is made, and the services' clock dates events. The wiring on the real
 * server is checked in test/in-process/audit.test.ts.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { LogService } from '../../src/domain/logs/log-service.js';
import { registerAudit } from '../../src/server/audit.js';
import type { Storage } from '../../src/storage/storage.js';
import type { LogRecord } from '../../src/storage/repositories/logs.js';
import type { Tenant } from '../../src/domain/tenants/tenant-service.js';

const AT = Date.UTC(2030, 0, 2, 3, 4, 5);

/** A LogService writing to an array, on a clock stopped at AT. */
function capturedLogs(): { logs: LogService; written: LogRecord[] } {
  const written: LogRecord[] = [];
  const storage = { repos: { logs: { insertMany: async (records: LogRecord[]) => void written.push(...records) } } } as unknown as Storage;
  const logs = new LogService(storage, (error) => {
    throw error;
  }, { now: () => AT });
  return { logs, written };
}

describe('LogService.auditor', () => {
  it('fills events from the origin, lets fields override it, and dates them with the clock', async () => {
    const { logs, written } = capturedLogs();
    const origin = { tenantId: 't_1', ip: '198.51.100.1', userAgent: 'agent/1.0', clientId: 'c_origin', clientName: 'Origin app', userId: 'auth0|origin' };
    const audit = logs.auditor(origin);
    // Copied when made: a later change of the object (a request object reused) does not leak in.
    origin.ip = '192.0.2.99';
    origin.tenantId = 't_other';

    audit('s');
    audit('f', {
      description: 'Wrong email or password.',
      client: { client_id: 'c_event', name: 'Event app' },
      userId: 'auth0|event',
      userName: 'ada@example.com',
      ip: '203.0.113.9',
      details: { connection: 'db' },
      audience: 'https://api.example.com/',
      scope: 'read:things',
    });
    audit('sapi', { client: { client_id: 'c_event', name: 'Event app' }, clientId: 'c_explicit', clientName: 'Explicit app' });
    await logs.flush();

    expect(written.map((r) => r.tenantId)).toEqual(['t_1', 't_1', 't_1']);
    const [defaults, overridden, explicit] = written.map((r) => r.document);
    expect(defaults).toEqual({
      date: new Date(AT).toISOString(),
      type: 's',
      log_id: written[0]!.logId,
      client_id: 'c_origin',
      client_name: 'Origin app',
      user_id: 'auth0|origin',
      ip: '198.51.100.1',
      user_agent: 'agent/1.0',
    });
    expect(overridden).toEqual({
      date: new Date(AT).toISOString(),
      type: 'f',
      log_id: written[1]!.logId,
      description: 'Wrong email or password.',
      client_id: 'c_event',
      client_name: 'Event app',
      user_id: 'auth0|event',
      user_name: 'ada@example.com',
      ip: '203.0.113.9',
      user_agent: 'agent/1.0',
      audience: 'https://api.example.com/',
      scope: 'read:things',
      details: { connection: 'db' },
    });
    // clientId/clientName win over `client`.
    expect(explicit).toMatchObject({ client_id: 'c_explicit', client_name: 'Explicit app' });
  });

  it('leaves out what neither the origin nor the event says', async () => {
    const { logs, written } = capturedLogs();
    logs.auditor({ tenantId: 't_1' })('fv', { description: 'Access expired.', userId: undefined });
    await logs.flush();
    expect(Object.keys(written[0]!.document).sort()).toEqual(['date', 'description', 'log_id', 'type']);
    expect(written[0]).toMatchObject({ clientId: null, userId: null, ip: null, userAgent: null });
  });
});

describe('request.audit', () => {
  async function appWith(tenant: Tenant | undefined) {
    const { logs, written } = capturedLogs();
    const app = Fastify();
    app.decorateRequest('tenant', null as never);
    // Stands in for tenant resolution, the onRequest hook registered before registerAudit's.
    app.addHook('onRequest', (request, _reply, done) => {
      if (tenant) request.tenant = tenant;
      done();
    });
    registerAudit(app, logs);
    app.post('/event', async (request) => {
      request.audit('s', { description: 'Successful login', userId: 'auth0|1' });
      return { ok: true };
    });
    return { app, logs, written };
  }

  it("fills the request's tenant, IP address and user agent ('' without the header)", async () => {
    const { app, logs, written } = await appWith({ id: 'ten_audit' } as Tenant);
    await app.inject({ method: 'POST', url: '/event', headers: { 'user-agent': 'Mozilla/5.0 (audit)' } });
    await app.inject({ method: 'POST', url: '/event', headers: { 'user-agent': undefined } });
    await logs.flush();
    expect(written.map((r) => [r.tenantId, r.ip, r.userAgent, r.userId])).toEqual([
      ['ten_audit', '127.0.0.1', 'Mozilla/5.0 (audit)', 'auth0|1'],
      ['ten_audit', '127.0.0.1', '', 'auth0|1'],
    ]);
    expect(written[1]!.document).toHaveProperty('user_agent', '');
    await app.close();
  });

  it('throws on a request without a tenant instead of logging for none', async () => {
    const { app, logs, written } = await appWith(undefined);
    const res = await app.inject({ method: 'POST', url: '/event' });
    expect(res.statusCode).toBe(500);
    expect(res.json().message).toMatch(/without a tenant/);
    await logs.flush();
    expect(written).toEqual([]);
    await app.close();
  });
});

describe('LogService queue bound', () => {
  it('drops events past the bound, counts them and reports the count once the waiting batch is written', async () => {
    const written: LogRecord[] = [];
    const errors: unknown[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The database is stuck: the first batch waits at the gate.
    const storage = { repos: { logs: { insertMany: async (records: LogRecord[]) => { await gate; written.push(...records); } } } } as unknown as Storage;
    const logs = new LogService(storage, (error) => errors.push(error), { now: () => AT }, 3);
    const audit = logs.auditor({ tenantId: 't_1' });
    audit('s');
    audit('s');
    void logs.flush(); // two events in a batch at the gate
    audit('f');
    audit('f'); // the fourth: past the bound of three
    audit('f'); // and the fifth
    expect(errors).toEqual([]);
    release();
    await logs.flush();
    expect(written.map((r) => r.type)).toEqual(['s', 's', 'f']);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('2 log event(s) dropped: more than 3 were waiting');
    // Written events free their places: the next ones are kept again, and nothing more is reported.
    audit('s');
    await logs.flush();
    expect(written).toHaveLength(4);
    expect(errors).toHaveLength(1);
  });
});
