/**
 * Rich Authorization Requests (RFC 9396, apis__configure-rich-authorization-requests): an API
 * registers its `authorization_details` types, a client grant allows them under
 * `require_client_grant`, an application pushes details to /oauth/par (plain /authorize refuses
 * them), the user sees them, escaped, on the consent page, and the tokens carry exactly what was
 * approved — in the token response, the access token's claim and after a refresh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { FormBrowser, inputValue, locationOf } from '../support/form-browser.js';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';

const CALLBACK = 'https://app.example.com/callback';
const PASSWORD = 'Xk9#mTq2!vLp';
const BANK = 'https://bank.example.com/';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

let tls: TlsTestServer;
let token: string;
let web: { client_id: string; client_secret: string };

const api = (method: string, path: string, body?: unknown) => tls.api('dev', token, method, `/api/v2${path}`, body);

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  token = await tls.tokenFor('dev');
  web = (await api('POST', '/clients', { name: 'Bank app', app_type: 'regular_web', callbacks: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'] })).body;
  const user = await api('POST', '/users', { connection: 'Username-Password-Authentication', email: 'ada@example.com', password: PASSWORD, email_verified: true });
  expect(user.status).toBe(201);
  expect((await api('PATCH', '/tenants/settings', { pushed_authorization_requests_supported: true })).status).toBe(200);
});
afterAll(async () => tls?.close());

describe('Management API: registered types, consent policy, client grants', () => {
  it('registers authorization_details types on an API (create and PATCH), bounded, and answers them back', async () => {
    const created = await api('POST', '/resource-servers', { identifier: 'https://registry.example.com/', authorization_details: [{ type: 'payment_initiation' }], consent_policy: 'standard' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ authorization_details: [{ type: 'payment_initiation' }], consent_policy: 'standard' });
    const patched = await api('PATCH', `/resource-servers/${created.body.id}`, { authorization_details: [{ type: 'payment_initiation' }, { type: 'money_transfer' }] });
    expect(patched.status).toBe(200);
    expect((await api('GET', `/resource-servers/${created.body.id}`)).body.authorization_details).toEqual([{ type: 'payment_initiation' }, { type: 'money_transfer' }]);

    const refusals: Array<[object, RegExp]> = [
      [{ authorization_details: [{ type: 'a' }, { type: 'a' }] }, /duplicate type 'a' in authorization_details/],
      [{ authorization_details: [{ type: '' }] }, /authorization_details/],
      [{ authorization_details: [{ type: 'x'.repeat(256) }] }, /authorization_details/],
      [{ authorization_details: [{ type: 'has space' }] }, /authorization_details/],
      [{ authorization_details: [{ type: 'ok', schema: {} }] }, /authorization_details/],
      [{ authorization_details: Array.from({ length: 101 }, (_, i) => ({ type: `t${i}` })) }, /authorization_details/],
      [{ consent_policy: 'transactional-authorization-with-mfa' }, /^consent_policy is not supported by this server .*MFA push notifications/],
      [{ consent_policy: 'bogus' }, /consent_policy/],
    ];
    for (const [body, message] of refusals) {
      const res = await api('PATCH', `/resource-servers/${created.body.id}`, body);
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    // null unsets both.
    const cleared = await api('POST', '/resource-servers', { identifier: 'https://cleared.example.com/', authorization_details: null, consent_policy: null });
    expect(cleared.status).toBe(201);
  });

  it('takes authorization_details_types on user client grants only, and only types the API registers', async () => {
    await api('POST', '/resource-servers', { identifier: 'https://grants.example.com/', authorization_details: [{ type: 'payment_initiation' }] });
    const user = await api('POST', '/client-grants', { client_id: web.client_id, audience: 'https://grants.example.com/', scope: [], subject_type: 'user', authorization_details_types: ['payment_initiation'] });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    expect(user.body.authorization_details_types).toEqual(['payment_initiation']);
    const unknown = await api('PATCH', `/client-grants/${user.body.id}`, { authorization_details_types: ['credits_transfer'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/authorization_details_types not registered on the API https:\/\/grants\.example\.com\/: credits_transfer/);
    const client = await api('POST', '/client-grants', { client_id: web.client_id, audience: 'https://grants.example.com/', scope: [], subject_type: 'client', authorization_details_types: ['payment_initiation'] });
    expect(client.status).toBe(400);
    expect(client.body.message).toMatch(/authorization_details_types can only be set on a client grant with subject_type user/);
  });
});

const origin = () => `https://${tls.hostOf('dev')}`;
const MONEY_TRANSFER = {
  type: 'money_transfer',
  instructedAmount: { currency: 'USD', amount: '123.50' },
  sourceAccount: 'xxxxxxxxxxx1707',
  destinationAccount: 'xxxxxxxxxxx7134',
  beneficiary: '<script>alert("pwned")</script> Hanna Herwitz',
  subject: 'A Lannister Always Pays His Debts',
};
const USER_PROFILE = {
  type: 'urn:auth0:schemas:authorization-details:v1:user-profile',
  instruction: 'Please approve the <b>request</b>.',
  properties: {
    second: { display: true, name: 'Second shown', display_order: 2, value: 'two' },
    first: { display: true, name: 'First shown', display_order: '1', value: '<img src=x onerror=alert(1)>' },
    hidden: { display: false, name: 'Never shown', display_order: 0, value: 'internal' },
  },
};

const push = async (form: Record<string, string>) => {
  const res = await tls.caFetch(`${origin()}/oauth/par`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  return { status: res.status, body: (await res.json()) as any };
};
const pushRequest = (details: unknown, extra: Record<string, string> = {}) => ({
  client_id: web.client_id,
  client_secret: web.client_secret,
  redirect_uri: CALLBACK,
  response_type: 'code',
  scope: 'openid offline_access',
  audience: BANK,
  state: 'rar-state',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
  authorization_details: typeof details === 'string' ? details : JSON.stringify(details),
  ...extra,
});
const tokenRequest = async (form: Record<string, string>) => {
  const res = await tls.caFetch(`${origin()}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: web.client_id, client_secret: web.client_secret, ...form }),
  });
  return { status: res.status, body: (await res.json()) as any };
};
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

/** /authorize with the request_uri, through the login page when there is no session; the consent page's URL and HTML, or the callback. */
async function authorizePushed(browser: FormBrowser, requestUri: string, clientId = web.client_id): Promise<{ consent?: { html: string; state: string }; callback?: URL }> {
  const start = `${origin()}/authorize?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`;
  let url = locationOf(await browser.get(start), start);
  if (url.pathname === '/u/login') {
    const html = await (await browser.get(url.toString())).text();
    url = locationOf(await browser.post(`${origin()}/u/login`, { state: url.searchParams.get('state')!, _csrf: inputValue(html, '_csrf'), username: 'ada@example.com', password: PASSWORD }), origin());
  }
  if (url.pathname !== '/u/consent') return { callback: url };
  const page = await browser.get(url.toString());
  expect(page.status).toBe(200);
  return { consent: { html: await page.text(), state: url.searchParams.get('state')! } };
}

describe('pushed rich authorization requests: consent and tokens', () => {
  beforeAll(async () => {
    const created = await api('POST', '/resource-servers', {
      identifier: BANK,
      name: 'Bank',
      allow_offline_access: true,
      authorization_details: [{ type: 'money_transfer' }, { type: USER_PROFILE.type }, { type: 'payment_initiation' }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });

  it('asks consent (even of a first-party application), shows the details escaped, and the tokens carry exactly what was approved — refresh included', async () => {
    const details = [MONEY_TRANSFER, USER_PROFILE];
    const pushed = await push(pushRequest(details));
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    const browser = new FormBrowser(tls);
    const { consent } = await authorizePushed(browser, pushed.body.request_uri);
    expect(consent, 'the consent page is shown').toBeDefined();
    const html = consent!.html;
    // Escaped, never markup: the hostile values appear as text only.
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>request</b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; Hanna Herwitz');
    expect(html).toContain('<strong>money_transfer</strong>');
    expect(html).toContain('<strong>amount</strong>: 123.50');
    // The Auth0 schema: the instruction, the displayed properties by display_order; one not marked for
    // display is still listed ("Also sent"): the token carries it, so the user sees it.
    expect(html).toContain('Please approve the &lt;b&gt;request&lt;/b&gt;.');
    expect(html).toMatch(/Also sent:.*<strong>hidden<\/strong>: internal/s);
    expect(html.indexOf('First shown')).toBeGreaterThan(-1);
    expect(html.indexOf('First shown')).toBeLessThan(html.indexOf('Second shown'));
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');

    const accepted = await browser.post(`${origin()}/u/consent`, { state: consent!.state, _csrf: inputValue(html, '_csrf'), action: 'accept' });
    const callback = locationOf(accepted, origin());
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('rar-state');
    const tokens = await tokenRequest({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: VERIFIER });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    expect(tokens.body.authorization_details).toEqual(details);
    expect(claimsOf(tokens.body.access_token).authorization_details).toEqual(details);
    expect(tokens.body.refresh_token).toEqual(expect.any(String));

    const refreshed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.authorization_details).toEqual(details);
    expect(claimsOf(refreshed.body.access_token).authorization_details).toEqual(details);

    // A second push of details in the same SSO session is asked again: details are approved each time, never remembered.
    const again = await push(pushRequest([{ type: 'payment_initiation', amount: '1' }]));
    const second = await authorizePushed(browser, again.body.request_uri);
    expect(second.consent).toBeDefined();
    const declined = await browser.post(`${origin()}/u/consent`, { state: second.consent!.state, _csrf: inputValue(second.consent!.html, '_csrf'), action: 'deny' });
    expect(locationOf(declined, origin()).searchParams.get('error')).toBe('access_denied');
    // prompt=none cannot approve details: consent_required.
    const silent = await push(pushRequest([{ type: 'payment_initiation' }], { prompt: 'none' }));
    const none = await authorizePushed(browser, silent.body.request_uri);
    expect(none.callback?.searchParams.get('error')).toBe('consent_required');
    // Without details the same first-party application gets its code without a question.
    const { authorization_details: _omit, ...withoutDetails } = pushRequest([]);
    const plainPush = await push(withoutDetails);
    const plainFlow = await authorizePushed(browser, plainPush.body.request_uri);
    expect(plainFlow.callback?.searchParams.get('code')).toBeTruthy();
    const plainTokens = await tokenRequest({ grant_type: 'authorization_code', code: plainFlow.callback!.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: VERIFIER });
    expect(plainTokens.body.authorization_details).toBeUndefined();
    expect(claimsOf(plainTokens.body.access_token).authorization_details).toBeUndefined();
  });

  it('judges the types again when the login completes: a type the API dropped after the push is access_denied, never approved', async () => {
    const pushed = await push(pushRequest([{ type: 'payment_initiation', amount: '5' }]));
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    // /authorize judges them (and shows the login page); the API drops the type while the user logs in.
    const browser = new FormBrowser(tls);
    const start = `${origin()}/authorize?${new URLSearchParams({ client_id: web.client_id, request_uri: pushed.body.request_uri })}`;
    const login = locationOf(await browser.get(start), start);
    expect(login.pathname).toBe('/u/login');
    const html = await (await browser.get(login.toString())).text();
    const bank = encodeURIComponent(BANK);
    expect((await api('PATCH', `/resource-servers/${bank}`, { authorization_details: [{ type: 'money_transfer' }, { type: USER_PROFILE.type }] })).status).toBe(200);
    try {
      const callback = locationOf(await browser.post(`${origin()}/u/login`, { state: login.searchParams.get('state')!, _csrf: inputValue(html, '_csrf'), username: 'ada@example.com', password: PASSWORD }), origin());
      expect(callback.pathname).not.toBe('/u/consent');
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('code')).toBeNull();
    } finally {
      await api('PATCH', `/resource-servers/${bank}`, { authorization_details: [{ type: 'money_transfer' }, { type: USER_PROFILE.type }, { type: 'payment_initiation' }] });
    }
  });

  it('refuses at the push details that break a rule of the page, name an unregistered type, or come without an audience', async () => {
    // Objects (or arrays) nested in an entry: a is level 1, e level 5, f would be level 6.
    const fiveLevels = { type: 'money_transfer', a: { b: { c: { d: { e: { value: 'ok' } } } } } };
    const deep = { type: 'money_transfer', a: { b: { c: { d: { e: { f: { value: 'too deep' } } } } } } };
    const deepArray = { type: 'money_transfer', a: [[[[[['too deep']]]]]] };
    const cases: Array<[string, Record<string, string>, string, RegExp]> = [
      ['unregistered type', pushRequest([{ type: 'credits_transfer' }]), 'invalid_authorization_details', /type "credits_transfer" is not registered on the API https:\/\/bank\.example\.com\//],
      ['not JSON', pushRequest('[{"type":'), 'invalid_authorization_details', /must be valid JSON/],
      ['not an array', pushRequest({ type: 'money_transfer' }), 'invalid_authorization_details', /JSON array of objects/],
      ['empty', pushRequest([]), 'invalid_authorization_details', /non-empty JSON array/],
      ['an entry is no object', pushRequest(['money_transfer']), 'invalid_authorization_details', /entry 0 must be an object/],
      ['no type', pushRequest([{ amount: 1 }]), 'invalid_authorization_details', /entry 0 must have a type/],
      ['six entries', pushRequest(Array.from({ length: 6 }, () => ({ type: 'payment_initiation' }))), 'invalid_authorization_details', /at most 5 entries/],
      ['eleven properties', pushRequest([{ type: 'payment_initiation', ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, i])) }]), 'invalid_authorization_details', /more than 10 properties/],
      ['property name charset', pushRequest([{ type: 'payment_initiation', 'bad name': 1 }]), 'invalid_authorization_details', /property name with characters/],
      ['property name length', pushRequest([{ type: 'payment_initiation', ['n'.repeat(256)]: 1 }]), 'invalid_authorization_details', /property name longer than 255/],
      ['value length', pushRequest([{ type: 'payment_initiation', note: 'v'.repeat(256) }]), 'invalid_authorization_details', /longer than 255 characters/],
      ['six levels', pushRequest([deep]), 'invalid_authorization_details', /entry 0\.a\.b\.c\.d\.e\.f is nested more than 5 levels/],
      ['six levels of arrays', pushRequest([deepArray]), 'invalid_authorization_details', /nested more than 5 levels/],
      ['over 5 KB', pushRequest([{ type: 'payment_initiation', ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`p${i}`, 'v'.repeat(250)])) }, { type: 'payment_initiation', ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`p${i}`, 'v'.repeat(250)])) }, { type: 'payment_initiation', ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`p${i}`, 'v'.repeat(250)])) }]), 'invalid_authorization_details', /at most 5120 bytes/],
      ['hostile nesting', pushRequest('['.repeat(2500) + ']'.repeat(2500)), 'invalid_authorization_details', /entry 0 must be an object/],
      ['no audience', { ...pushRequest([{ type: 'payment_initiation' }]), audience: '' }, 'invalid_authorization_details', /an audience is required/],
    ];
    for (const [name, form, error, description] of cases) {
      const res = await push(form);
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body, name).toEqual({ error, error_description: expect.stringMatching(description) });
    }
    expect((await push(pushRequest([fiveLevels]))).status).toBe(201);
  });

  it('refuses authorization_details on a plain /authorize (pushed requests only), back at the redirect_uri', async () => {
    const query = { client_id: web.client_id, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', audience: BANK, state: 'plain', authorization_details: JSON.stringify([{ type: 'payment_initiation' }]) };
    const url = `${origin()}/authorize?${new URLSearchParams(query)}`;
    const callback = locationOf(await new FormBrowser(tls).get(url), url);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/only accepted in a pushed authorization request/);
    expect(callback.searchParams.get('state')).toBe('plain');
  });

  it('takes authorization_details as a JSON claim of a request object pushed to /oauth/par (JAR), bounded and typed as any other', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const created = await api('POST', '/clients', {
      name: 'JAR bank app',
      app_type: 'regular_web',
      callbacks: [CALLBACK],
      signed_request_object: { required: true, credentials: [{ credential_type: 'public_key', name: 'jar key', pem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(), alg: 'PS256' }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const jar = created.body as { client_id: string; client_secret: string };
    const now = Math.floor(Date.now() / 1000);
    const requestObject = (details: unknown) =>
      new SignJWT({
        iss: jar.client_id, aud: `${origin()}/`, client_id: jar.client_id, response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', audience: BANK,
        state: 'jar-rar', code_challenge: CHALLENGE, code_challenge_method: 'S256', exp: now + 300, nbf: now, iat: now, jti: `jti-${Math.random()}`,
        authorization_details: details,
      }).setProtectedHeader({ alg: 'PS256', typ: 'oauth-authz-req+jwt' }).sign(key.privateKey);
    const secret = { client_id: jar.client_id, client_secret: jar.client_secret };

    const unknown = await push({ ...secret, request: await requestObject([{ type: 'credits_transfer' }]) });
    expect(unknown.body).toEqual({ error: 'invalid_authorization_details', error_description: expect.stringMatching(/"credits_transfer" is not registered/) });
    const tooMany = await push({ ...secret, request: await requestObject(Array.from({ length: 6 }, () => ({ type: 'payment_initiation' }))) });
    expect(tooMany.body.error_description).toMatch(/at most 5 entries/);

    const details = [{ type: 'payment_initiation', amount: 42, creditor: '<i>Bob</i>' }];
    const pushed = await push({ ...secret, request: await requestObject(details) });
    expect(pushed.status, JSON.stringify(pushed.body)).toBe(201);
    const browser = new FormBrowser(tls);
    const { consent } = await authorizePushed(browser, pushed.body.request_uri, jar.client_id);
    expect(consent).toBeDefined();
    expect(consent!.html).toContain('&lt;i&gt;Bob&lt;/i&gt;');
    const accepted = await browser.post(`${origin()}/u/consent`, { state: consent!.state, _csrf: inputValue(consent!.html, '_csrf'), action: 'accept' });
    const callback = locationOf(accepted, origin());
    const tokens = await tls.caFetch(`${origin()}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...secret, grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: VERIFIER }),
    });
    const body = (await tokens.json()) as any;
    expect(tokens.status, JSON.stringify(body)).toBe(200);
    expect(body.authorization_details).toEqual(details);
    expect(claimsOf(body.access_token).authorization_details).toEqual(details);
  });

  it('judges the types by the API user access policy: require_client_grant allows only the grant’s authorization_details_types, deny_all none', async () => {
    const strict = 'https://strict-bank.example.com/';
    const created = await api('POST', '/resource-servers', { identifier: strict, authorization_details: [{ type: 'payment_initiation' }, { type: 'money_transfer' }], subject_type_authorization: { user: { policy: 'require_client_grant' } } });
    expect(created.status).toBe(201);
    const at = (type: string) => push(pushRequest([{ type }], { audience: strict }));
    expect((await at('payment_initiation')).body.error_description).toMatch(/the client is not allowed to request type "payment_initiation"/);
    const grant = await api('POST', '/client-grants', { client_id: web.client_id, audience: strict, scope: [], subject_type: 'user', authorization_details_types: ['payment_initiation'] });
    expect(grant.status).toBe(201);
    expect((await at('payment_initiation')).status).toBe(201);
    expect((await at('money_transfer')).body).toEqual({ error: 'invalid_authorization_details', error_description: expect.stringMatching(/not allowed to request type "money_transfer"/) });
    expect((await api('PATCH', `/resource-servers/${created.body.id}`, { subject_type_authorization: { user: { policy: 'deny_all' } } })).status).toBe(200);
    expect((await at('payment_initiation')).body.error).toBe('invalid_authorization_details');
  });
});

describe('discovery: authorization_details_types_supported (RFC 9396 §10)', () => {
  const discovered = async (): Promise<string[] | undefined> => {
    const res = await tls.caFetch(`${origin()}/.well-known/openid-configuration`);
    return ((await res.json()) as any).authorization_details_types_supported;
  };
  /** The union of the types every API of the tenant registers, sorted. */
  const registered = async (): Promise<string[]> => {
    const apis = (await api('GET', '/resource-servers?per_page=100')).body as any[];
    return [...new Set(apis.flatMap((entry) => (entry.authorization_details ?? []).map((d: { type: string }) => d.type)))].sort() as string[];
  };

  it('lists the types registered on the tenant’s APIs, follows every change to an API at once, and only while PAR is allowed', async () => {
    const created = await api('POST', '/resource-servers', { identifier: 'https://discovery-rar.example.com/', authorization_details: [{ type: 'zz_disc_b' }, { type: 'zz_disc_a' }] });
    expect(created.status).toBe(201);
    const first = await discovered();
    expect(first).toEqual(await registered());
    expect(first).toEqual(expect.arrayContaining(['zz_disc_a', 'zz_disc_b']));

    // Cached per tenant: a change to the API drops the list (no stale types for the cache's lifetime).
    expect((await api('PATCH', `/resource-servers/${created.body.id}`, { authorization_details: [{ type: 'zz_disc_c' }] })).status).toBe(200);
    const patched = await discovered();
    expect(patched).toContain('zz_disc_c');
    expect(patched).not.toContain('zz_disc_a');
    expect((await api('DELETE', `/resource-servers/${created.body.id}`)).status).toBe(204);
    expect(await discovered()).not.toContain('zz_disc_c');

    // Rich requests come only through PAR: without it, nothing to list.
    expect((await api('PATCH', '/tenants/settings', { pushed_authorization_requests_supported: false })).status).toBe(200);
    try {
      expect(await discovered()).toBeUndefined();
    } finally {
      expect((await api('PATCH', '/tenants/settings', { pushed_authorization_requests_supported: true })).status).toBe(200);
    }
  });
});
