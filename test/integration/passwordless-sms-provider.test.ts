/**
 * Passwordless SMS through a Twilio-compatible provider (`SMS_TWILIO_*`): a local fake of Twilio's
 * Messages API receives the message with HTTP Basic credentials, nothing goes to the dev outbox,
 * and a provider refusal becomes Auth0's `sms_provider_error` (with the provider's code) plus an
 * `fn` log.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/eventually.js';

interface Received {
  path: string;
  authorization: string | undefined;
  form: Record<string, string>;
}

let fake: Server;
let received: Received[] = [];
let server: TestServer;
let token: string;
let app: { client_id: string; client_secret: string };

const body = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => resolve(data));
  });

beforeAll(async () => {
  fake = createServer(async (req, res) => {
    const form = Object.fromEntries(new URLSearchParams(await body(req)));
    received.push({ path: req.url ?? '', authorization: req.headers.authorization, form });
    res.setHeader('content-type', 'application/json');
    // Twilio's answer for a number it cannot text.
    if (form.To === '+15005550001') {
      res.statusCode = 400;
      res.end(JSON.stringify({ code: 21211, message: "The 'To' number +15005550001 is not a valid phone number.", status: 400 }));
      return;
    }
    res.statusCode = 201;
    res.end(JSON.stringify({ sid: 'SM123', status: 'queued' }));
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  server = await startServer({
    env: {
      SMS_TWILIO_ACCOUNT_SID: 'AC0123456789',
      SMS_TWILIO_AUTH_TOKEN: 'twilio-token',
      SMS_TWILIO_FROM: '+15005550006',
      SMS_TWILIO_URL: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`,
    },
  });
  token = await managementToken(server);
  const auth = { authorization: `Bearer ${token}` };
  const created = await call(server, '/api/v2/clients', { headers: auth, body: { name: 'Texts', app_type: 'regular_web', grant_types: ['http://auth0.com/oauth/grant-type/passwordless/otp'] } });
  expect(created.status).toBe(201);
  app = created.body;
  const sms = await call(server, '/api/v2/connections', { headers: auth, body: { name: 'sms', strategy: 'sms', enabled_clients: [app.client_id] } });
  expect(sms.status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => fake?.close(resolve));
});

const startSms = (phone: string) => call(server, '/passwordless/start', { body: { client_id: app.client_id, client_secret: app.client_secret, connection: 'sms', phone_number: phone } });

describe('Twilio-compatible SMS provider', () => {
  it('posts the message to the Messages API with the account credentials, and keeps nothing in the outbox', async () => {
    received = [];
    expect((await startSms('+14155550123')).status).toBe(200);
    expect(received).toHaveLength(1);
    const [message] = received;
    expect(message!.path).toBe('/2010-04-01/Accounts/AC0123456789/Messages.json');
    expect(message!.authorization).toBe(`Basic ${Buffer.from('AC0123456789:twilio-token').toString('base64')}`);
    expect(message!.form).toMatchObject({ To: '+14155550123', From: '+15005550006', Body: expect.stringMatching(/^Your verification code is: \d{6}$/) });

    const code = /\d{6}/.exec(message!.form.Body!)![0];
    const login = await call(server, '/oauth/token', {
      form: { grant_type: 'http://auth0.com/oauth/grant-type/passwordless/otp', client_id: app.client_id, client_secret: app.client_secret, realm: 'sms', username: '+14155550123', otp: code, scope: 'openid' },
    });
    expect(login.status, login.text).toBe(200);
    expect((await call(server, '/api/v2/tessera/outbox', { headers: { authorization: `Bearer ${token}` } })).body).toEqual([]);
  });

  it("turns a provider refusal into Auth0's sms_provider_error and an fn log", async () => {
    const res = await startSms('+15005550001');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'sms_provider_error', error_description: "The 'To' number +15005550001 is not a valid phone number. (Code: 21211)" });
    const logs = await eventually(
      async () => (await call(server, `/api/v2/logs?q=${encodeURIComponent('type:fn')}`, { headers: { authorization: `Bearer ${token}` } })).body as any[],
      (entries) => entries.length > 0,
    );
    expect(logs[0]).toMatchObject({ type: 'fn', client_id: app.client_id });
  });
});
