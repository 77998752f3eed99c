/**
 * Pins the outcome of authorization-request validation over a large matrix of requests: which
 * check fails first decides the error (an error page before the redirect_uri is trusted, a redirect
 * after), its code and its text. The ordered checks in src/domain/oidc/authorization-checks/ must
 * keep every one of these outcomes; a deliberate change of behaviour updates the digest and counts.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Client } from '../../src/domain/clients/client.js';
import {
  AuthorizationPageError,
  AuthorizationRedirectError,
  authorizationContextOf,
  type AuthorizationContext,
  checkClientAndRedirect,
  parseAuthorizationRequest,
} from '../../src/domain/oidc/authorization-request.js';
import { defaultTenantSettings } from '../../src/domain/tenants/tenant-settings.js';
import { CLIENT_CHECKS, LOOKUP_CHECKS, REQUEST_CHECKS, checksFor, readRequest, runLookupChecks } from '../../src/domain/oidc/authorization-checks/index.js';

const CALLBACK = 'https://app.example.com/callback';
/** A tenant with default settings, and `defaultAudience` as its default audience. */
const contextWith = (defaultAudience: string | undefined) => ({ ...authorizationContextOf(defaultTenantSettings()), defaultAudience });
const OTHER_ORIGIN_CALLBACK = 'https://other.example.net/cb';

function client(overrides: Partial<Client>): Client {
  return {
    tenant: 't',
    client_id: 'app',
    name: 'App',
    is_first_party: true,
    oidc_conformant: true,
    callbacks: [CALLBACK, OTHER_ORIGIN_CALLBACK],
    allowed_origins: [],
    web_origins: ['https://app.example.com'],
    allowed_logout_urls: [],
    client_aliases: [],
    allowed_clients: [],
    grant_types: ['authorization_code', 'implicit', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_post',
    jwt_configuration: { alg: 'RS256', lifetime_in_seconds: 36000, secret_encoded: false },
    client_metadata: {},
    custom_login_page_on: true,
    cross_origin_authentication: false,
    sso_disabled: false,
    is_token_endpoint_ip_header_trusted: false,
    refresh_token: {
      rotation_type: 'non-rotating',
      expiration_type: 'non-expiring',
      leeway: 0,
      token_lifetime: 2592000,
      infinite_token_lifetime: true,
      idle_token_lifetime: 1296000,
      infinite_idle_token_lifetime: true,
    },
    global: false,
    ...overrides,
  };
}

const CLIENTS: Record<string, Client | null> = {
  confidential: client({}),
  publicCodeOnly: client({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], web_origins: [] }),
  implicitOnly: client({ grant_types: ['implicit'], web_origins: ['https://*.example.com'] }),
  unknown: null,
};

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
/**
 * Each parameter's values (`undefined` leaves it out). The first two axes decide the page-error
 * stage; the matrix crosses everything, so each request's outcome shows which check came first.
 */
const AXES: Record<string, Array<string | undefined>> = {
  client_id: ['app', undefined],
  redirect_uri: [CALLBACK, OTHER_ORIGIN_CALLBACK, 'https://evil.example.org/cb', undefined],
  response_type: ['code', 'token id_token', 'id_token', 'token code', 'bogus', undefined],
  response_mode: [undefined, 'query', 'fragment', 'web_message', 'bogus'],
  scope: [undefined, 'profile', 'openid openid email'],
  nonce: [undefined, 'n-1'],
  prompt: [undefined, 'none', 'none login', 'bogus'],
  max_age: [undefined, '0', '-1'],
  pkce: ['none', 'S256', 'plain-implied', 'method-only', 'bad-method', 'short'],
  state: [undefined, 'st'],
};
/** Past the page-error stage, only a known client_id with a registered redirect_uri varies. */
const PAGE_STAGE_PASSED = (params: Record<string, string>) => params.client_id === 'app' && (params.redirect_uri === CALLBACK || params.redirect_uri === OTHER_ORIGIN_CALLBACK);

const PKCE: Record<string, Record<string, string>> = {
  none: {},
  S256: { code_challenge: CHALLENGE, code_challenge_method: 'S256' },
  'plain-implied': { code_challenge: CHALLENGE },
  'method-only': { code_challenge_method: 'S256' },
  'bad-method': { code_challenge: CHALLENGE, code_challenge_method: 'S512' },
  short: { code_challenge: 'abc', code_challenge_method: 'S256' },
};

function* requests(): Generator<{ clientName: string; params: Record<string, string> }> {
  const names = Object.keys(AXES);
  const indexes = names.map(() => 0);
  for (const clientName of Object.keys(CLIENTS)) {
    indexes.fill(0);
    for (;;) {
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        const value = AXES[name]![indexes[i]!];
        if (value === undefined) return;
        if (name === 'pkce') Object.assign(params, PKCE[value]);
        else params[name] = value;
      });
      // A request that fails the page stage is the same error whatever else it carries: a few suffice.
      const onlyResponseAxesVary = names.every((name, i) => indexes[i] === 0 || ['client_id', 'redirect_uri', 'response_type', 'response_mode'].includes(name));
      if ((CLIENTS[clientName] && PAGE_STAGE_PASSED(params)) || onlyResponseAxesVary) yield { clientName, params };
      let axis = names.length - 1;
      while (axis >= 0 && ++indexes[axis]! === AXES[names[axis]!]!.length) indexes[axis--] = 0;
      if (axis < 0) break;
    }
  }
}

function outcome(clientName: string, params: Record<string, string>): string {
  try {
    const { client: found, redirectUri } = checkClientAndRedirect(params, CLIENTS[clientName] ?? null);
    const request = parseAuthorizationRequest(params, found, redirectUri, contextWith(clientName === 'confidential' ? 'https://default.example.com/' : undefined));
    return `ok ${JSON.stringify(request, (_key, value: unknown) => (value instanceof Set ? [...value] : value))}`;
  } catch (error) {
    if (error instanceof AuthorizationPageError) return `page ${error.error} ${error.description}`;
    if (error instanceof AuthorizationRedirectError) {
      // The target names the application it answers (for its compliance level), always the request's own.
      const { client, ...target } = error.target;
      if (client !== CLIENTS[clientName]) throw new Error(`redirect target without its application: ${JSON.stringify(params)}`);
      return `redirect ${error.error} ${error.description} ${JSON.stringify(target)}`;
    }
    throw error;
  }
}

describe('authorization request checks', () => {
  const names = (list: ReadonlyArray<{ name: string }>) => list.map((check) => check.name);

  it('run in this order (the first failure decides the error)', () => {
    expect(names(CLIENT_CHECKS)).toEqual(['client-known', 'pushed-request-required', 'signed-request-required', 'no-wildcard-callbacks', 'redirect-uri-registered']);
    expect(names(REQUEST_CHECKS)).toEqual([
      'web-message-origin', 'response-type-supported', 'response-mode-supported', 'no-tokens-in-query', 'compliance-profile', 'scope-required', 'response-type-allowed-for-client',
      'openid-scope-for-id-token', 'nonce-for-id-token', 'prompt-supported', 'max-age', 'pkce', 'requested-acr', 'authorization-details-shape',
    ]);
    expect(names(LOOKUP_CHECKS)).toEqual(['audience-is-an-api', 'authorization-details-types']);
    // /authorize runs every one of them.
    expect(names(checksFor(CLIENT_CHECKS, 'authorize'))).toEqual(names(CLIENT_CHECKS));
    expect(names(checksFor(REQUEST_CHECKS, 'authorize'))).toEqual(names(REQUEST_CHECKS));
    expect(names(checksFor(LOOKUP_CHECKS, 'authorize'))).toEqual(names(LOOKUP_CHECKS));
    // A push (RFC 9126) authenticates its client instead, and is itself the pushed request (signed when the client requires JAR): the rest is /authorize's.
    expect(names(checksFor(CLIENT_CHECKS, 'par'))).toEqual(['signed-request-required', 'no-wildcard-callbacks', 'redirect-uri-registered']);
    expect(names(checksFor(REQUEST_CHECKS, 'par'))).toEqual(names(REQUEST_CHECKS));
    expect(names(checksFor(LOOKUP_CHECKS, 'par'))).toEqual(names(LOOKUP_CHECKS));
    // A CIBA request (/bc-authorize) authenticates its client and has no redirect_uri nor response
    // type: the acr request, the audience and the details' types (their shape is parsed by the endpoint).
    expect(names(checksFor(CLIENT_CHECKS, 'ciba'))).toEqual([]);
    expect(names(checksFor(REQUEST_CHECKS, 'ciba'))).toEqual(['requested-acr']);
    expect(names(checksFor(LOOKUP_CHECKS, 'ciba'))).toEqual(['audience-is-an-api', 'authorization-details-types']);
  });

  it('are each one file named after the check, and every check file is in a list', () => {
    const dir = resolve(import.meta.dirname, '../../src/domain/oidc/authorization-checks');
    const support = new Set(['check.ts', 'index.ts', 'read-request.ts']);
    const files = readdirSync(dir).filter((file) => file.endsWith('.ts') && !support.has(file)).map((file) => file.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual([...CLIENT_CHECKS, ...REQUEST_CHECKS, ...LOOKUP_CHECKS].map((check) => check.name).sort());
  });

  it('refuse an audience that names none of the tenant\'s APIs, back at the redirect_uri (lookup check)', async () => {
    const params = { client_id: 'app', redirect_uri: CALLBACK, response_type: 'code', state: 'st', audience: 'https://nope.example.com/' };
    const request = parseAuthorizationRequest(params, CLIENTS.confidential!, CALLBACK, contextWith(undefined));
    const { fail } = readRequest(params, CLIENTS.confidential!, CALLBACK, contextWith(undefined).features);
    const asked: string[] = [];
    const lookups = (exists: boolean) => ({
      apiExists: async (audience: string) => (asked.push(audience), exists),
      api: async () => null,
      userGrantDetailsTypes: async () => null,
    });
    const refusal = await runLookupChecks('authorize', request, lookups(false), fail).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AuthorizationRedirectError);
    expect(refusal).toMatchObject({ error: 'access_denied', description: 'Service not found: https://nope.example.com/', target: { redirectUri: CALLBACK, responseMode: 'query', state: 'st' } });
    await expect(runLookupChecks('authorize', request, lookups(true), fail)).resolves.toBeUndefined();
    const { audience: _none, ...withoutAudience } = request;
    await runLookupChecks('authorize', withoutAudience, lookups(false), fail);
    expect(asked).toEqual(['https://nope.example.com/', 'https://nope.example.com/']);
  });

  it('judge response types, response modes and PKCE methods by the tenant\'s features, the lists discovery advertises', () => {
    const base = { client_id: 'app', redirect_uri: CALLBACK, state: 'st' };
    const full = contextWith(undefined);
    const narrowed = { ...full, features: { ...full.features, responseTypes: ['code'], responseModes: ['query'], codeChallengeMethods: ['S256'] } };
    const judge = (params: Record<string, string>, context: AuthorizationContext = narrowed) => {
      try {
        return parseAuthorizationRequest({ ...base, ...params }, CLIENTS.confidential!, CALLBACK, context).responseType;
      } catch (error) {
        return (error as AuthorizationRedirectError).description;
      }
    };
    expect(judge({ response_type: 'code' })).toBe('code');
    expect(judge({ response_type: 'token', nonce: 'n' })).toBe('Unsupported response type: token');
    expect(judge({ response_type: 'token', nonce: 'n' }, full)).toBe('token');
    expect(judge({ response_type: 'code', response_mode: 'form_post' })).toBe('Unsupported response_mode: form_post');
    expect(judge({ response_type: 'code', code_challenge: 'a'.repeat(43) })).toBe('Unsupported code_challenge_method: plain');
    expect(judge({ response_type: 'code', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })).toBe('Unsupported code_challenge_method: plain');
    expect(judge({ response_type: 'code', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })).toBe('code');
  });

  it('scope-required: an application with a compliance level names its scope (the certification page\'s Action, built in); others default to openid', () => {
    const base = { client_id: 'app', redirect_uri: CALLBACK, response_type: 'code', state: 'st', code_challenge: CHALLENGE, code_challenge_method: 'S256' };
    const fapi = client({ compliance_level: 'fapi2_sp_pkj_mtls' } as Partial<Client>);
    const judge = (app: Client, params: Record<string, string>) => {
      try {
        return parseAuthorizationRequest({ ...base, ...params }, app, CALLBACK, contextWith(undefined)).scope.join(' ');
      } catch (error) {
        return `${(error as AuthorizationRedirectError).error} ${(error as AuthorizationRedirectError).description}`;
      }
    };
    expect(judge(fapi, {})).toBe('invalid_request Missing required parameter: scope (compliance_level fapi2_sp_pkj_mtls)');
    expect(judge(fapi, { scope: '  ' })).toBe('invalid_request Missing required parameter: scope (compliance_level fapi2_sp_pkj_mtls)');
    expect(judge(fapi, { scope: 'openid profile' })).toBe('openid profile');
    expect(judge(client({ compliance_level: 'none' } as Partial<Client>), {})).toBe('openid');
    expect(judge(CLIENTS.confidential!, {})).toBe('openid');
  });

  it('requested-acr: a requested value the tenant lists is asserted; an essential one it cannot assert is access_denied; malformed or unbounded input is invalid_request', () => {
    const SILVER = 'urn:mace:incommon:iap:silver';
    const MFA = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
    const full = contextWith(undefined);
    const listing = { ...full, features: { ...full.features, acrValues: [SILVER, 'urn:bronze', MFA] } };
    const base = { client_id: 'app', redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 'st' };
    const judge = (params: Record<string, string>, context: AuthorizationContext = listing) => {
      try {
        return parseAuthorizationRequest({ ...base, ...params }, CLIENTS.confidential!, CALLBACK, context).acr ?? 'none';
      } catch (error) {
        return `${(error as AuthorizationRedirectError).error} ${(error as AuthorizationRedirectError).description}`;
      }
    };
    const claims = (acr: unknown) => ({ claims: JSON.stringify({ id_token: { acr } }) });
    // The FAPI conformance suite's request (AddAcrClaimToAuthorizationEndpointRequest).
    expect(judge(claims({ value: SILVER, essential: true }))).toBe(SILVER);
    expect(judge(claims({ value: SILVER, essential: true }), full)).toMatch(/^access_denied The essential acr requested in claims cannot be satisfied/);
    expect(judge(claims({ values: ['urn:gold', 'urn:bronze', SILVER], essential: true }))).toBe('urn:bronze');
    // Essential with no values: any acr will do — the acr_values choice, else the tenant's first value.
    expect(judge(claims({ essential: true }))).toBe(SILVER);
    expect(judge({ ...claims({ essential: true }), acr_values: 'urn:gold urn:bronze' })).toBe('urn:bronze');
    expect(judge(claims({ essential: true }), full)).toMatch(/^access_denied/);
    expect(judge(claims({ values: ['urn:gold'] }))).toBe('none');
    expect(judge(claims(null))).toBe('none');
    expect(judge({ acr_values: 'urn:gold urn:bronze' })).toBe('urn:bronze');
    expect(judge({ acr_values: 'urn:gold' })).toBe('none');
    expect(judge({ acr_values: SILVER }, full)).toBe('none');
    expect(judge({ ...claims({ values: ['urn:gold'] }), acr_values: SILVER })).toBe(SILVER);
    // A multi-factor policy is never asserted (Tessera performs no MFA), even when listed.
    expect(judge({ acr_values: MFA })).toBe('none');
    expect(judge(claims({ value: MFA, essential: true }))).toMatch(/^access_denied/);
    // Malformed, unbounded or unsupported: invalid_request back at the redirect_uri.
    expect(judge({ claims: 'not json' })).toBe('invalid_request claims must be a JSON object');
    expect(judge({ claims: '[]' })).toBe('invalid_request claims must be a JSON object');
    expect(judge({ claims: JSON.stringify({ id_token: [] }) })).toBe('invalid_request claims.id_token must be a JSON object');
    expect(judge(claims('silver'))).toBe('invalid_request claims.id_token.acr must be null or a JSON object');
    expect(judge(claims({ essential: 'yes' }))).toBe('invalid_request claims.id_token.acr.essential must be a boolean');
    expect(judge(claims({ value: 7 }))).toMatch(/^invalid_request claims.id_token.acr.value must be a non-empty string/);
    expect(judge(claims({ values: [] }))).toMatch(/^invalid_request claims.id_token.acr.values must be an array of 1 to 20 strings/);
    expect(judge(claims({ values: Array.from({ length: 21 }, (_, i) => `urn:${i}`) }))).toMatch(/^invalid_request claims.id_token.acr.values must be an array/);
    expect(judge(claims({ value: 'x'.repeat(256) }))).toMatch(/at most 255 characters/);
    expect(judge({ claims: JSON.stringify({ userinfo: { name: { a: { b: { c: { d: 1 } } } } } }) })).toBe('invalid_request claims must be nested at most 5 levels deep');
    expect(judge({ claims: JSON.stringify({ userinfo: { pad: 'x'.repeat(4096) } }) })).toBe('invalid_request claims must be at most 4096 bytes');
    expect(judge({ claims: JSON.stringify({ id_token: { sub: { value: 'auth0|someone' } } }) })).toBe('invalid_request claims.id_token.sub with a value is not supported');
    expect(judge({ acr_values: Array.from({ length: 21 }, (_, i) => `urn:${i}`).join(' ') })).toBe('invalid_request acr_values must name at most 20 values');
    // Members Tessera does not act on are accepted (OIDC Core §5.5: the server may ignore them).
    expect(judge({ claims: JSON.stringify({ userinfo: { email: { essential: true } }, id_token: { name: null }, other: 1 }) })).toBe('none');
  });

  it('keep the outcome (first failing check, error kind, code and text) of every request in the matrix', () => {
    const digest = createHash('sha256');
    const counts = new Map<string, number>();
    let total = 0;
    for (const { clientName, params } of requests()) {
      const result = outcome(clientName, params);
      digest.update(`${clientName} ${JSON.stringify(params)} => ${result}\n`);
      // Counted by kind and message, without the request-specific parts (target, parsed request).
      const key = result.startsWith('ok ') ? 'ok' : result.replace(/ \{.*$/, '').replace(/https:\/\/[^\s']+/g, '<uri>');
      counts.set(key, (counts.get(key) ?? 0) + 1);
      total++;
    }
    expect(total).toBe(TOTAL);
    expect(Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)))).toEqual(COUNTS);
    expect(digest.digest('hex')).toBe(DIGEST);
    // About 3 s on an idle 2-core machine; much more when the machine is shared.
  }, 180_000);
});

const TOTAL = 156300;
const COUNTS: Record<string, number> = {
  "ok": 3264,
  "page invalid_request Missing required parameter: client_id": 480,
  "page invalid_request Missing required parameter: redirect_uri": 90,
  "page invalid_request The redirect_uri is not in the list of allowed callback URLs. Callback URL mismatch. <uri> is not in the list of allowed callback URLs": 90,
  "page invalid_request Unknown client: app": 120,
  "redirect invalid_request Missing required parameter: code_challenge": 1184,
  "redirect invalid_request Missing required parameter: code_challenge (PKCE is required for public applications)": 288,
  "redirect invalid_request Missing required parameter: nonce": 5760,
  "redirect invalid_request Missing required parameter: response_type": 22464,
  "redirect invalid_request The openid scope is required when requesting an id_token": 5760,
  "redirect invalid_request The specified redirect_uri '<uri>' does not have a registered origin.": 20736,
  "redirect invalid_request Unsupported code_challenge_method: S512": 1184,
  "redirect invalid_request Unsupported prompt: bogus": 5328,
  "redirect invalid_request Unsupported response_mode: bogus": 20736,
  "redirect invalid_request code_challenge must be 43 to 128 characters of [A-Za-z0-9-._~]": 1184,
  "redirect invalid_request max_age must be a non-negative integer": 3552,
  "redirect invalid_request prompt=none cannot be combined with other prompt values": 5328,
  "redirect invalid_request response_mode query is not allowed with response_type code token": 5184,
  "redirect invalid_request response_mode query is not allowed with response_type id_token": 5184,
  "redirect invalid_request response_mode query is not allowed with response_type id_token token": 5184,
  "redirect unauthorized_client Grant type 'authorization_code' not allowed for the client.": 10368,
  "redirect unauthorized_client Grant type 'implicit' not allowed for the client.": 10368,
  "redirect unsupported_response_type Unsupported response type: bogus": 22464,
};
const DIGEST = 'ea1adeb9aaf6c986f45a6c5d5a4b43bff3b7554cd9bd417e09f512ff67edab06';
