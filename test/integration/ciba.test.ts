/**
 * CIBA end to end over real TLS (issue 18 slice 5, done-means): `openid-client` v6 starts a
 * request (`initiateBackchannelAuthentication`) and polls (`pollBackchannelAuthenticationGrant`)
 * while a cookie-jar HTTP client follows the link emailed to the hinted user (read from the dev
 * outbox), logs in on the hosted page and approves or rejects. Client secret (basic and post) and
 * private_key_jwt authenticate at /bc-authorize as at the token endpoint. The auth0 Node SDK's
 * backchannel client (v4 AuthenticationClient, `auth0/legacy` in v7) works against it too. The time cases
 * (slow_down, expiry) and hostile inputs are in test/in-process/ciba.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webcrypto } from 'node:crypto';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { AuthenticationClient } from 'auth0-v4';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { FormBrowser, inputValue, locationOf } from '../support/form-browser.js';

const PASSWORD = 'Xk9#mTq2!vLp';
const API = 'https://payments.example.com/';
const CIBA = 'urn:openid:params:grant-type:ciba';

let tls: TlsTestServer;
let token: string;
let origin: string;
let issuer: string;
let agent: { client_id: string; client_secret: string };
const users: Record<string, string> = {};

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  token = await tls.tokenFor('dev');
  origin = `https://${tls.hostOf('dev')}`;
  issuer = `${origin}/`;
  const api = await tls.api('dev', token, 'POST', '/api/v2/resource-servers', { identifier: API, scopes: [{ value: 'pay:bills' }], allow_offline_access: true });
  expect(api.status).toBe(201);
  for (const name of ['grace', 'mallory']) {
    const user = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: `${name}@example.com`, password: PASSWORD, email_verified: true });
    expect(user.status).toBe(201);
    users[name] = user.body.user_id;
  }
  agent = await createAgent('Billing agent');
}, 120_000);
afterAll(async () => tls?.close());

async function createAgent(name: string, fields: Record<string, unknown> = {}): Promise<{ client_id: string; client_secret: string }> {
  const created = await tls.api('dev', token, 'POST', '/api/v2/clients', { name, app_type: 'regular_web', grant_types: [CIBA, 'refresh_token'], async_approval_notification_channels: ['email'], ...fields });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

const discover = (clientId: string, auth: oidc.ClientAuth) => oidc.discovery(new URL(issuer), clientId, undefined, auth, { [oidc.customFetch]: tls.caFetch as oidc.CustomFetch });
const loginHint = (sub: string) => JSON.stringify({ format: 'iss_sub', iss: issuer, sub });

/** The approval link in the newest email to `to`, once it is there. */
async function emailedLink(to: string, after: number): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const outbox = await tls.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`);
    const mails = outbox.body as Array<{ text: string }>;
    if (mails.length > after) return /https:\/\/\S+\/ciba\/approve\?\S+/.exec(mails[0]!.text)![0];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no approval email to ${to}`);
}

const outboxCount = async (to: string) => ((await tls.api('dev', token, 'GET', `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`)).body as unknown[]).length;

/** Follows the link with a cookie-jar client, logs `who` in: the consent page's URL, or the refusal. */
async function logInFromLink(browser: FormBrowser, link: string, who: string): Promise<Response> {
  const loginUrl = locationOf(await browser.get(link), origin);
  expect(loginUrl.pathname).toBe('/u/login');
  const html = await (await browser.get(loginUrl.toString())).text();
  return browser.post(`${origin}/u/login`, { state: loginUrl.searchParams.get('state')!, _csrf: inputValue(html, '_csrf'), username: `${who}@example.com`, password: PASSWORD });
}

async function answer(browser: FormBrowser, consentUrl: URL, action: 'accept' | 'deny'): Promise<Response> {
  const page = await (await browser.get(consentUrl.toString())).text();
  expect(page).toContain('INV-2026-7');
  return browser.post(`${origin}/u/consent`, { state: consentUrl.searchParams.get('state')!, _csrf: inputValue(page, '_csrf'), action });
}

describe('CIBA with openid-client v6 and the auth0 Node SDK', () => {
  it('discovery advertises the endpoint, poll mode and the grant', async () => {
    const config = await discover(agent.client_id, oidc.ClientSecretBasic(agent.client_secret));
    expect(config.serverMetadata()).toMatchObject({
      backchannel_authentication_endpoint: `${origin}/bc-authorize`,
      backchannel_token_delivery_modes_supported: ['poll'],
      backchannel_user_code_parameter_supported: false,
    });
    expect(config.serverMetadata().grant_types_supported).toContain(CIBA);
    expect(config.serverMetadata().backchannel_authentication_request_signing_alg_values_supported).toBeUndefined();
  });

  it('client_secret_basic: the emailed link, the hosted login and Approve poll to tokens for the hinted user; the link is then dead', async () => {
    const config = await discover(agent.client_id, oidc.ClientSecretBasic(agent.client_secret));
    const before = await outboxCount('grace@example.com');
    const started = await oidc.initiateBackchannelAuthentication(config, {
      scope: 'openid email offline_access pay:bills',
      audience: API,
      login_hint: loginHint(users.grace!),
      binding_message: 'INV-2026-7',
      requested_expiry: '600',
    });
    expect(started.expires_in).toBe(600);
    expect(started.interval).toBe(5);
    const polling = oidc.pollBackchannelAuthenticationGrant(config, started);

    const link = await emailedLink('grace@example.com', before);
    const browser = new FormBrowser(tls);
    const consentUrl = locationOf(await logInFromLink(browser, link, 'grace'), origin);
    expect(consentUrl.pathname).toBe('/u/consent');
    const approved = await answer(browser, consentUrl, 'accept');
    expect(approved.status).toBe(200);

    const tokens = await polling;
    expect(tokens.claims()).toMatchObject({ sub: users.grace, email: 'grace@example.com', aud: agent.client_id, iss: issuer });
    const access = decodeJwt(tokens.access_token);
    expect(access.sub).toBe(users.grace);
    expect(access.aud).toContain(API);
    expect(tokens.scope).toBe('openid email offline_access pay:bills');
    expect(tokens.refresh_token).toBeTruthy();
    expect((await oidc.refreshTokenGrant(config, tokens.refresh_token!)).access_token).toBeTruthy();

    // Replaying the link after the answer opens nothing.
    const replay = await new FormBrowser(tls).get(link);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('expired or was already used');
  }, 60_000);

  it('client_secret_post: Reject ends the polling with access_denied', async () => {
    const config = await discover(agent.client_id, oidc.ClientSecretPost(agent.client_secret));
    const before = await outboxCount('grace@example.com');
    const started = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: loginHint(users.grace!), binding_message: 'INV-2026-7', requested_expiry: '600' });
    const polling = oidc.pollBackchannelAuthenticationGrant(config, started).then(
      () => undefined,
      (error: unknown) => error,
    );
    const browser = new FormBrowser(tls);
    const consentUrl = locationOf(await logInFromLink(browser, await emailedLink('grace@example.com', before), 'grace'), origin);
    expect((await answer(browser, consentUrl, 'deny')).status).toBe(200);
    const error = await polling;
    expect(error).toBeInstanceOf(oidc.ResponseBodyError);
    expect((error as oidc.ResponseBodyError).error).toBe('access_denied');
  }, 60_000);

  it('private_key_jwt: the request authenticates as at the token endpoint; another user logging in from the link cannot approve', async () => {
    const pkj = await createAgent('Key agent');
    const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', pair.publicKey)).toString('base64');
    const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
    const cred = await tls.api('dev', token, 'POST', `/api/v2/clients/${pkj.client_id}/credentials`, { credential_type: 'public_key', pem, alg: 'ES256' });
    expect(cred.status).toBe(201);
    const patched = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${pkj.client_id}`, { token_endpoint_auth_method: null, client_authentication_methods: { private_key_jwt: { credentials: [{ id: cred.body.id }] } } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const config = await discover(pkj.client_id, oidc.PrivateKeyJwt({ key: pair.privateKey, kid: cred.body.kid } as Parameters<typeof oidc.PrivateKeyJwt>[0]));

    const before = await outboxCount('grace@example.com');
    const started = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: loginHint(users.grace!), binding_message: 'INV-2026-7', requested_expiry: '600' });
    const link = await emailedLink('grace@example.com', before);
    // Mallory got hold of Grace's link: her login is refused and the request stays pending.
    const refused = await logInFromLink(new FormBrowser(tls), link, 'mallory');
    expect(refused.status).toBe(403);
    const pending = await tls.caFetch(`${origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: CIBA, auth_req_id: started.auth_req_id, client_id: agent.client_id, client_secret: agent.client_secret }),
    });
    // Another application may not poll it either.
    expect(pending.status).toBe(400);
    expect(((await pending.json()) as { error: string }).error).toBe('invalid_grant');

    const polling = oidc.pollBackchannelAuthenticationGrant(config, started);
    const browser = new FormBrowser(tls);
    const consentUrl = locationOf(await logInFromLink(browser, link, 'grace'), origin);
    expect((await answer(browser, consentUrl, 'accept')).status).toBe(200);
    expect((await polling).claims()?.sub).toBe(users.grace);
  }, 60_000);

  it('the auth0 Node SDK (v4 AuthenticationClient.backchannel): authorize, pending, approve, backchannelGrant', async () => {
    const auth = new AuthenticationClient({ domain: tls.hostOf('dev'), clientId: agent.client_id, clientSecret: agent.client_secret, fetch: tls.caFetch });
    const before = await outboxCount('grace@example.com');
    const started = await auth.backchannel.authorize({ userId: users.grace!, binding_message: 'INV-2026-7', scope: 'openid email', requested_expiry: '600' });
    expect(started).toMatchObject({ expires_in: 600, interval: 5 });
    await expect(auth.backchannel.backchannelGrant({ auth_req_id: started.auth_req_id })).rejects.toMatchObject({ error: 'authorization_pending', statusCode: 400 });
    const browser = new FormBrowser(tls);
    const consentUrl = locationOf(await logInFromLink(browser, await emailedLink('grace@example.com', before), 'grace'), origin);
    expect((await answer(browser, consentUrl, 'accept')).status).toBe(200);
    // The interval is 5 s; the SDK leaves the waiting to its caller.
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const tokens = await auth.backchannel.backchannelGrant({ auth_req_id: started.auth_req_id });
    expect(decodeJwt(tokens.id_token).sub).toBe(users.grace);
    expect(tokens.scope).toBe('openid email');
  }, 60_000);
});
