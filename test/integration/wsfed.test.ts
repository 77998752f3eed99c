/**
 * The WS-Fed add-on over real TLS (docs: "Configure WS-Fed Applications", "Accept WS-Federation
 * Request"): `GET /wsfed/{client_id}` logs the user in on the hosted page and posts a
 * RequestSecurityTokenResponse with a SAML 1.1 assertion to the reply URL; the assertion's signature
 * verifies with xml-crypto against the certificate the tenant publishes (`/pem` and the federation
 * metadata), and a tampered one does not. Unknown applications, applications without the add-on,
 * foreign reply URLs and foreign realms get an error page and no assertion; a hostile `wctx` is
 * escaped; the SSO session is reused; `wa=wsignout1.0` logs out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';
import { FormBrowser, inputValue, locationOf } from '../support/form-browser.js';
import { eventually } from '../support/eventually.js';
import { withRawDatabase } from '../support/database.js';

const CALLBACK = 'https://rp.example.com/wsfed/callback';
const OTHER_CALLBACK = 'https://rp.example.com/other';
const REALM = 'https://rp.example.com/';
const PASSWORD = 'Xk9#mTq2!vLp';
const SAML = 'urn:oasis:names:tc:SAML:1.0:assertion';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

let tls: TlsTestServer;
let token: string;
let base: string;
let rp: { client_id: string; name: string };
let plain: { client_id: string };
let adaId: string;

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  token = await tls.tokenFor('dev');
  base = `https://${tls.hostOf('dev')}`;
  const create = async (path: string, body: unknown) => {
    const res = await tls.api('dev', token, 'POST', path, body);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  rp = await create('/api/v2/clients', { name: 'WS-Fed RP', app_type: 'regular_web', callbacks: [CALLBACK, OTHER_CALLBACK], client_aliases: [REALM], addons: { wsfed: {} } });
  plain = await create('/api/v2/clients', { name: 'No add-on', app_type: 'regular_web', callbacks: [CALLBACK] });
  adaId = (await create('/api/v2/users', { connection: 'Username-Password-Authentication', email: 'ada@example.com', password: PASSWORD, email_verified: true, name: 'Ada <Lovelace>', given_name: 'Ada', family_name: 'Lovelace' })).user_id;
});
afterAll(async () => tls?.close());

const wsfedUrl = (path: string, params: Record<string, string>) => `${base}${path}?${new URLSearchParams(params)}`;

/** Follows a WS-Fed sign-in in `browser`, logging in on the hosted page when sent there; returns the final page's HTML. */
async function signIn(browser: FormBrowser, url: string, username = 'ada@example.com'): Promise<{ status: number; html: string; csp: string | null }> {
  let response = await browser.get(url);
  if (response.status === 302) {
    const login = locationOf(response, base);
    expect(login.pathname).toBe('/u/login');
    const html = await (await browser.get(login.toString())).text();
    response = await browser.post(`${base}/u/login`, { state: login.searchParams.get('state')!, _csrf: inputValue(html, '_csrf'), username, password: PASSWORD });
  }
  return { status: response.status, html: await response.text(), csp: response.headers.get('content-security-policy') };
}

/** The posted form of the answer page: its action and its fields, as the browser would read them (HTML entities decoded). */
function postedForm(html: string): { action: string; fields: Record<string, string> } {
  const decode = (value: string) => value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const action = /<form method="post" name="hiddenform" action="([^"]*)">/.exec(html);
  expect(action, 'the auto-submit form').toBeTruthy();
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[decode(name!)] = decode(value!);
  return { action: decode(action![1]!), fields };
}

const parse = (xml: string): Document => new DOMParser().parseFromString(xml, 'text/xml');
const first = (node: Document | Element, ns: string, name: string): Element => node.getElementsByTagNameNS(ns, name)[0] as Element;

/** Verifies the assertion's enveloped signature with xml-crypto against `certificatePem`, as a relying party would. */
function signatureValid(wresult: string, certificatePem: string): boolean {
  const verifier = new SignedXml({ publicCert: certificatePem, idAttribute: 'AssertionID' });
  verifier.loadSignature(first(parse(wresult), DSIG, 'Signature'));
  try {
    if (!verifier.checkSignature(wresult)) return false;
  } catch {
    return false;
  }
  // The signature must cover the assertion itself, not some other element.
  const assertionId = first(parse(wresult), SAML, 'Assertion').getAttribute('AssertionID');
  return verifier.getSignedReferences().length === 1 && verifier.getReferences()[0]!.uri === `#${assertionId}`;
}

const claimValues = (assertion: Element, type: string): string[] => {
  const cut = type.lastIndexOf('/');
  return Array.from(assertion.getElementsByTagNameNS(SAML, 'Attribute'))
    .filter((a) => a.getAttribute('AttributeNamespace') === type.slice(0, cut) && a.getAttribute('AttributeName') === type.slice(cut + 1))
    .flatMap((a) => Array.from(a.getElementsByTagNameNS(SAML, 'AttributeValue')).map((v) => v.textContent ?? ''));
};

describe('WS-Fed sign-in', () => {
  let wresult: string;
  let certificate: string;

  it('logs in on the hosted page and posts a signed SAML 1.1 assertion to wreply, with wctx', async () => {
    const browser = new FormBrowser(tls);
    const page = await signIn(browser, wsfedUrl(`/wsfed/${rp.client_id}`, { wtrealm: REALM, wreply: CALLBACK, wctx: 'rm=0&id=passive&ru=/home' }));
    expect(page.status).toBe(200);
    const form = postedForm(page.html);
    expect(form.action).toBe(CALLBACK);
    expect(form.fields.wa).toBe('wsignin1.0');
    expect(form.fields.wctx).toBe('rm=0&id=passive&ru=/home');
    // Auto-submitted by a nonce'd script; the form may go to the reply URL's origin.
    expect(page.html).toMatch(/<script nonce="[^"]+">document\.forms\[0\]\.submit\(\);<\/script>/);
    expect(page.csp).toContain("form-action 'self' https://rp.example.com");
    expect(page.csp).toMatch(/script-src 'nonce-/);
    expect(browser.cookie('tessera_session')).toBeTruthy();
    wresult = form.fields.wresult!;

    const rstr = parse(wresult);
    expect(rstr.documentElement!.localName).toBe('RequestSecurityTokenResponse');
    expect(rstr.documentElement!.getAttribute('Context')).toBe('rm=0&id=passive&ru=/home');
    const assertion = first(rstr, SAML, 'Assertion');
    expect(assertion.getAttribute('MajorVersion')).toBe('1');
    expect(assertion.getAttribute('MinorVersion')).toBe('1');
    expect(assertion.getAttribute('Issuer')).toBe(`urn:${tls.hostOf('dev').split(':')[0]}`);
    // The audience is the realm; the lifetime Auth0's default hour.
    expect(first(assertion, SAML, 'Audience').textContent).toBe(REALM);
    const conditions = first(assertion, SAML, 'Conditions');
    expect(Date.parse(conditions.getAttribute('NotOnOrAfter')!) - Date.parse(conditions.getAttribute('NotBefore')!)).toBe(3600_000);
    expect(first(assertion, SAML, 'NameIdentifier').textContent).toBe(adaId);
    expect(first(assertion, SAML, 'AuthenticationStatement').getAttribute('AuthenticationMethod')).toBe('urn:oasis:names:tc:SAML:1.0:am:password');
    // Auth0's default claims.
    const ws = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
    expect(claimValues(assertion, `${ws}/nameidentifier`)).toEqual([adaId]);
    expect(claimValues(assertion, `${ws}/emailaddress`)).toEqual(['ada@example.com']);
    expect(claimValues(assertion, `${ws}/name`)).toEqual(['Ada <Lovelace>']);
    expect(claimValues(assertion, `${ws}/givenname`)).toEqual(['Ada']);
    expect(claimValues(assertion, `${ws}/surname`)).toEqual(['Lovelace']);
    expect(claimValues(assertion, `${ws}/upn`)).toEqual(['ada@example.com']);
    expect(claimValues(assertion, 'http://schemas.auth0.com/identities/default/provider')).toEqual(['auth0']);
    expect(claimValues(assertion, 'http://schemas.auth0.com/identities/default/connection')).toEqual(['Username-Password-Authentication']);
    expect(claimValues(assertion, 'http://schemas.auth0.com/identities/default/isSocial')).toEqual(['false']);
    expect(claimValues(assertion, 'http://schemas.auth0.com/email_verified')).toEqual(['true']);

    // Signed with RSA-SHA256 over exclusive c14n, the certificate in KeyInfo.
    expect(first(assertion, DSIG, 'SignatureMethod').getAttribute('Algorithm')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(first(assertion, DSIG, 'CanonicalizationMethod').getAttribute('Algorithm')).toBe('http://www.w3.org/2001/10/xml-exc-c14n#');
    expect(first(assertion, DSIG, 'DigestMethod').getAttribute('Algorithm')).toBe('http://www.w3.org/2001/04/xmlenc#sha256');
    certificate = await (await tls.caFetch(`${base}/pem`)).text();
    const body = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    expect(first(assertion, DSIG, 'X509Certificate').textContent).toBe(body(certificate));

    const logins = await eventually(
      async () => (await tls.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(`type:s AND client_id:"${rp.client_id}"`)}`)).body as any[],
      (entries) => entries.length > 0,
      5_000,
    );
    expect(logins[0].user_id).toBe(adaId);
  });

  it('verifies against the published certificate; a changed nameidentifier, audience or claim does not', async () => {
    expect(signatureValid(wresult, certificate)).toBe(true);
    expect(signatureValid(wresult.replaceAll(adaId, 'auth0|attacker'), certificate)).toBe(false);
    expect(signatureValid(wresult.replace(`<saml:Audience>${REALM}</saml:Audience>`, '<saml:Audience>urn:other</saml:Audience>'), certificate)).toBe(false);
    expect(signatureValid(wresult.replace('ada@example.com', 'eve@example.com'), certificate)).toBe(false);
    // And against the certificate of the federation metadata.
    const metadata = parse(await (await tls.caFetch(`${base}/wsfed/FederationMetadata/2007-06/FederationMetadata.xml`)).text());
    const published = first(metadata, DSIG, 'X509Certificate').textContent!;
    expect(signatureValid(wresult, `-----BEGIN CERTIFICATE-----\n${published.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`)).toBe(true);
  });

  it('reuses the SSO session: a second sign-in answers at once, resolving the application by its realm', async () => {
    const browser = new FormBrowser(tls);
    await signIn(browser, wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: CALLBACK }));
    const again = await browser.get(wsfedUrl('/wsfed', { wtrealm: REALM, wreply: OTHER_CALLBACK }));
    expect(again.status).toBe(200);
    const form = postedForm(await again.text());
    expect(form.action).toBe(OTHER_CALLBACK);
    expect(form.fields.wctx).toBeUndefined();
    expect(first(parse(form.fields.wresult!), SAML, 'Audience').textContent).toBe(REALM);
    // urn:{client_id} names the application too, and is then the audience.
    const byUrn = postedForm(await (await browser.get(wsfedUrl('/wsfed', { wtrealm: `urn:${rp.client_id}` }))).text());
    expect(byUrn.action).toBe(CALLBACK);
    expect(first(parse(byUrn.fields.wresult!), SAML, 'Audience').textContent).toBe(`urn:${rp.client_id}`);
  });

  it("does not reuse the SSO session for a relying party the session's connection is not enabled for: the user logs in", async () => {
    const browser = new FormBrowser(tls);
    await signIn(browser, wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: CALLBACK }));
    const other = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Other RP', app_type: 'regular_web', callbacks: [CALLBACK], addons: { wsfed: {} } })).body;
    const database = ((await tls.api('dev', token, 'GET', '/api/v2/connections?name=Username-Password-Authentication')).body as Array<{ id: string; enabled_clients: string[] }>)[0]!;
    const patched = await tls.api('dev', token, 'PATCH', `/api/v2/connections/${database.id}`, { enabled_clients: database.enabled_clients.filter((id) => id !== other.client_id) });
    expect(patched.status).toBe(200);
    const again = await browser.get(wsfedUrl(`/wsfed/${other.client_id}`, { wreply: CALLBACK }));
    expect(again.status).toBe(302);
    expect(locationOf(again, base).pathname).toBe('/u/login');
  });

  it('writes characters XML 1.0 does not allow (in a name, in wctx) as U+FFFD: the assertion parses strictly and verifies', async () => {
    const created = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'grace@example.com', password: PASSWORD, email_verified: true, name: 'Grace\u0001Hopper\ud800' });
    expect(created.status).toBe(201);
    const page = await signIn(new FormBrowser(tls), wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: CALLBACK, wctx: 'ctx\u0001\u001f' }), 'grace@example.com');
    const xml = postedForm(page.html).fields.wresult!;
    // XML 1.0's Char production, code point by code point (a lone surrogate is a code point of its own here).
    expect(xml).not.toMatch(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
    const errors: string[] = [];
    // xmldom warns on U+FFFD itself ("source encoding issues?"): that is the replacement, not an error.
    const doc = new DOMParser({ onError: (level, message) => level !== 'warning' && errors.push(`${level}: ${message}`) }).parseFromString(xml, 'text/xml');
    expect(errors).toEqual([]);
    // The storage driver may already have replaced the lone surrogate (by one or more U+FFFD).
    const [name] = claimValues(first(doc, SAML, 'Assertion'), 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name');
    expect(name).toMatch(/^Grace\uFFFDHopper\uFFFD+$/);
    expect(doc.documentElement!.getAttribute('Context')).toBe('ctx\uFFFD\uFFFD');
    expect(signatureValid(xml, certificate)).toBe(true);
  });

  it('escapes a hostile wctx in the page and the token', async () => {
    const browser = new FormBrowser(tls);
    const hostile = `"><script>alert(1)</script><input name="x" value='`;
    const page = await signIn(browser, wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: CALLBACK, wctx: hostile }));
    expect(page.html).not.toContain('<script>alert(1)');
    expect(page.html.match(/<script/g)).toHaveLength(1);
    const form = postedForm(page.html);
    expect(form.fields.wctx).toBe(hostile);
    expect(parse(form.fields.wresult!).documentElement!.getAttribute('Context')).toBe(hostile);
    expect(signatureValid(form.fields.wresult!, certificate)).toBe(true);
  });
});

describe('WS-Fed refusals: an error page, never an assertion', () => {
  const refused = async (url: string, message: RegExp) => {
    const response = await new FormBrowser(tls).get(url);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expect(html).toMatch(message);
    expect(html).not.toContain('wresult');
  };

  it('for an unknown application, one without the add-on, a foreign wreply or a foreign realm', async () => {
    await refused(wsfedUrl('/wsfed/nope', { wreply: CALLBACK }), /Unknown client: nope/);
    await refused(wsfedUrl(`/wsfed/${plain.client_id}`, { wreply: CALLBACK }), /WS-Fed add-on is not enabled/);
    await refused(wsfedUrl('/wsfed', { wtrealm: `urn:${plain.client_id}` }), /WS-Fed add-on is not enabled/);
    await refused(wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: 'https://evil.example.com/collect' }), /Callback URL mismatch/);
    await refused(wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: `${CALLBACK}/../../evil` }), /Callback URL mismatch/);
    await refused(wsfedUrl(`/wsfed/${rp.client_id}`, { wtrealm: 'https://other-rp.example.com/', wreply: CALLBACK }), /not one of this application&#39;s realms/);
    await refused(wsfedUrl('/wsfed', { wtrealm: 'https://unknown.example.com/' }), /Unknown client/);
    await refused(wsfedUrl('/wsfed', {}), /Missing the application/);
  });

  it('even with a live session', async () => {
    const browser = new FormBrowser(tls);
    await signIn(browser, wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: CALLBACK }));
    const foreign = await browser.get(wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: 'https://evil.example.com/' }));
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).not.toContain('wresult');
    const noAddon = await browser.get(wsfedUrl(`/wsfed/${plain.client_id}`, { wreply: CALLBACK }));
    expect(noAddon.status).toBe(400);
    expect(await noAddon.text()).not.toContain('wresult');
  });

  it('after the add-on is turned off (null), even for a login already under way', async () => {
    const other = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Toggled', app_type: 'regular_web', callbacks: [CALLBACK], addons: { wsfed: {} } })).body;
    const browser = new FormBrowser(tls);
    const start = await browser.get(wsfedUrl(`/wsfed/${other.client_id}`, { wreply: CALLBACK }));
    const login = locationOf(start, base);
    const html = await (await browser.get(login.toString())).text();
    expect((await tls.api('dev', token, 'PATCH', `/api/v2/clients/${other.client_id}`, { addons: { wsfed: null } })).status).toBe(200);
    await eventually(async () => (await new FormBrowser(tls).get(wsfedUrl(`/wsfed/${other.client_id}`, { wreply: CALLBACK }))).status, (status) => status === 400);
    const done = await browser.post(`${base}/u/login`, { state: login.searchParams.get('state')!, _csrf: inputValue(html, '_csrf'), username: 'ada@example.com', password: PASSWORD });
    expect(done.status).toBe(400);
    expect(await done.text()).not.toContain('wresult');
  });
});

describe('WS-Fed sign-out and metadata', () => {
  it('wsignout1.0 ends the session after confirmation and goes to wreply only when it is allowed', async () => {
    const browser = new FormBrowser(tls);
    await signIn(browser, wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: CALLBACK }));
    const foreign = await browser.get(wsfedUrl(`/wsfed/${rp.client_id}`, { wa: 'wsignout1.0', wreply: 'https://evil.example.com/' }));
    expect(foreign.status).toBe(400);
    expect(browser.cookie('tessera_session')).toBeTruthy();

    const confirm = await browser.get(wsfedUrl(`/wsfed/${rp.client_id}`, { wa: 'wsignout1.0', wreply: CALLBACK }));
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    const done = await browser.post(`${base}/oidc/logout/confirm`, { ticket: inputValue(html, 'ticket'), action: 'logout' });
    expect(locationOf(done, base).toString()).toBe(CALLBACK);
    expect(browser.cookie('tessera_session')).toBeUndefined();
    // Logged out: the next sign-in asks for the password again.
    expect(locationOf(await browser.get(wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: CALLBACK })), base).pathname).toBe('/u/login');
  });

  it('publishes well-formed federation metadata with the signing certificate and the passive endpoint', async () => {
    const response = await tls.caFetch(`${base}/wsfed/FederationMetadata/2007-06/FederationMetadata.xml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    const errors: string[] = [];
    const xml = await response.text();
    const doc = new DOMParser({ onError: (level, message) => errors.push(`${level}: ${message}`) }).parseFromString(xml, 'text/xml');
    expect(errors).toEqual([]);
    const root = doc.documentElement!;
    expect(root.localName).toBe('EntityDescriptor');
    expect(root.namespaceURI).toBe('urn:oasis:names:tc:SAML:2.0:metadata');
    expect(root.getAttribute('entityID')).toBe(`urn:${tls.hostOf('dev').split(':')[0]}`);
    const role = first(doc, 'urn:oasis:names:tc:SAML:2.0:metadata', 'RoleDescriptor');
    expect(role.getAttributeNS('http://www.w3.org/2001/XMLSchema-instance', 'type')).toBe('fed:SecurityTokenServiceType');
    expect(role.lookupNamespaceURI('fed')).toBe('http://docs.oasis-open.org/wsfed/federation/200706');
    const pem = await (await tls.caFetch(`${base}/pem`)).text();
    expect(first(doc, DSIG, 'X509Certificate').textContent).toBe(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''));
    const endpoint = first(doc, 'http://docs.oasis-open.org/wsfed/federation/200706', 'PassiveRequestorEndpoint');
    expect(first(endpoint as unknown as Element, 'http://www.w3.org/2005/08/addressing', 'Address').textContent).toBe(`${base}/wsfed`);
    // The per-application address serves the same document, for applications with the add-on only.
    expect(await (await tls.caFetch(`${base}/wsfed/${rp.client_id}/FederationMetadata/2007-06/FederationMetadata.xml`)).text()).toBe(xml);
    expect((await tls.caFetch(`${base}/wsfed/${plain.client_id}/FederationMetadata/2007-06/FederationMetadata.xml`)).status).toBe(404);
  });
});

describe('WS-Fed login with a passwordless connection', () => {
  it('may send a code from the hosted page, but not a magic link (which would be an /authorize request)', async () => {
    const created = await tls.api('dev', token, 'POST', '/api/v2/connections', { name: 'wsfed-email', strategy: 'email', enabled_clients: [rp.client_id] });
    expect(created.status).toBe(201);
    const browser = new FormBrowser(tls);
    const state = locationOf(await browser.get(wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: CALLBACK })), base).searchParams.get('state')!;
    const start = (send: string) =>
      tls.caFetch(`${base}/passwordless/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: rp.client_id, connection: 'wsfed-email', email: 'ada@example.com', send, state }),
      });
    const link = await start('link');
    expect(link.status).toBe(400);
    expect(await link.json()).toMatchObject({ error: 'bad.authParams', error_description: expect.stringMatching(/WS-Fed/) });
    expect((await start('code')).status).toBe(200);
  });
});

describe('WS-Fed realms name one application (realm confusion)', () => {
  const EVIL_CALLBACK = 'https://evil-rp.example.com/callback';

  it('the Management API refuses an alias that is another application\'s realm, a duplicate, or one with whitespace or control characters', async () => {
    const body = (client_aliases: string[]) => ({ name: 'Evil RP', app_type: 'regular_web', callbacks: [EVIL_CALLBACK], client_aliases, addons: { wsfed: {} } });
    for (const aliases of [[`urn:${rp.client_id}`], [REALM], ['https://a.example.com/', 'https://a.example.com/'], ['https://a.example.com/ x'], ['urn:a\u0001'], ['urn:\ud800']]) {
      const res = await tls.api('dev', token, 'POST', '/api/v2/clients', body(aliases));
      expect(res.status, JSON.stringify(aliases)).toBe(400);
      expect(res.body.message).toMatch(/client_aliases/);
    }
    const patched = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${plain.client_id}`, { client_aliases: [REALM] });
    expect(patched.status).toBe(400);
    expect(patched.body.message).toMatch(/client_aliases/);
    // An application keeps its own realms.
    expect((await tls.api('dev', token, 'PATCH', `/api/v2/clients/${rp.client_id}`, { client_aliases: [REALM, `urn:${rp.client_id}`] })).status).toBe(200);
    expect((await tls.api('dev', token, 'PATCH', `/api/v2/clients/${rp.client_id}`, { client_aliases: [REALM] })).status).toBe(200);
  });

  it('a realm another application owns is refused at sign-in, even when stored before the rule', async () => {
    const evil = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Evil RP', app_type: 'regular_web', callbacks: [EVIL_CALLBACK], addons: { wsfed: {} } })).body;
    // As stored before the Management API refused it: the victim's realms among the attacker's aliases.
    await withRawDatabase(tls.server.database, async (db) => {
      const row = await db.selectFrom('clients').select('document').where('client_id', '=', evil.client_id).executeTakeFirstOrThrow();
      const document = { ...JSON.parse(row.document), client_aliases: [`urn:${rp.client_id}`, REALM] };
      await db.updateTable('clients').set({ document: JSON.stringify(document) }).where('client_id', '=', evil.client_id).execute();
    });
    try {
      const browser = new FormBrowser(tls);
      await signIn(browser, wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: CALLBACK }));
      for (const url of [
        wsfedUrl(`/wsfed/${evil.client_id}`, { wtrealm: `urn:${rp.client_id}` }),
        wsfedUrl(`/wsfed/${evil.client_id}`, { wtrealm: REALM }),
        wsfedUrl(`/wsfed/${evil.client_id}`, {}),
        wsfedUrl('/wsfed', { wtrealm: REALM }),
      ]) {
        const response = await browser.get(url);
        expect(response.status, url).toBe(400);
        expect(await response.text()).not.toContain('wresult');
      }
    } finally {
      expect((await tls.api('dev', token, 'DELETE', `/api/v2/clients/${evil.client_id}`)).status).toBe(204);
    }
  });
});

describe('WS-Fed for first-party applications only (it asks no consent)', () => {
  it('the Management API refuses addons.wsfed on a third-party application, on create and on PATCH', async () => {
    const created = await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Third party', app_type: 'regular_web', is_first_party: false, callbacks: [CALLBACK], addons: { wsfed: {} } });
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(/addons\.wsfed/);
    const third = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Third party', app_type: 'regular_web', is_first_party: false, callbacks: [CALLBACK] })).body;
    const enabled = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${third.client_id}`, { addons: { wsfed: {} } });
    expect(enabled.status).toBe(400);
    expect(enabled.body.message).toMatch(/addons\.wsfed/);
    const first = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'First party', app_type: 'regular_web', callbacks: [CALLBACK], addons: { wsfed: {} } })).body;
    const demoted = await tls.api('dev', token, 'PATCH', `/api/v2/clients/${first.client_id}`, { is_first_party: false });
    expect(demoted.status).toBe(400);
    expect(demoted.body.message).toMatch(/addons\.wsfed/);
    // Turning the add-on off at the same time is fine.
    expect((await tls.api('dev', token, 'PATCH', `/api/v2/clients/${first.client_id}`, { is_first_party: false, addons: { wsfed: null } })).status).toBe(200);
  });

  it('a third-party application stored with the add-on before the rule gets an error page, even with a live session', async () => {
    const app = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Was first party', app_type: 'regular_web', callbacks: [CALLBACK], addons: { wsfed: {} } })).body;
    await withRawDatabase(tls.server.database, async (db) => {
      const row = await db.selectFrom('clients').select('document').where('client_id', '=', app.client_id).executeTakeFirstOrThrow();
      await db.updateTable('clients').set({ document: JSON.stringify({ ...JSON.parse(row.document), is_first_party: false }) }).where('client_id', '=', app.client_id).execute();
    });
    const browser = new FormBrowser(tls);
    await signIn(browser, wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: CALLBACK }));
    const response = await browser.get(wsfedUrl(`/wsfed/${app.client_id}`, { wreply: CALLBACK }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toMatch(/first-party applications only/);
    expect(html).not.toContain('wresult');
  });
});

describe('WS-Fed: what a finished login and a refusal re-check and repeat', () => {
  it('a login under way for a realm the application no longer owns gets no assertion', async () => {
    const MOVING = 'https://moving-rp.example.com/';
    const app = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'Moving realm', app_type: 'regular_web', callbacks: [CALLBACK], client_aliases: [MOVING], addons: { wsfed: {} } })).body;
    const browser = new FormBrowser(tls);
    const login = locationOf(await browser.get(wsfedUrl(`/wsfed/${app.client_id}`, { wtrealm: MOVING, wreply: CALLBACK })), base);
    expect(login.pathname).toBe('/u/login');
    const html = await (await browser.get(login.toString())).text();
    expect((await tls.api('dev', token, 'PATCH', `/api/v2/clients/${app.client_id}`, { client_aliases: [] })).status).toBe(200);
    await eventually(async () => (await new FormBrowser(tls).get(wsfedUrl(`/wsfed/${app.client_id}`, { wtrealm: MOVING, wreply: CALLBACK }))).status, (status) => status === 400);
    const done = await browser.post(`${base}/u/login`, { state: login.searchParams.get('state')!, _csrf: inputValue(html, '_csrf'), username: 'ada@example.com', password: PASSWORD });
    expect(done.status).toBe(400);
    expect(await done.text()).not.toContain('wresult');
  });

  it('a refusal logs at most 200 characters of wa and wreply', async () => {
    const longWa = `wa-${'x'.repeat(1000)}`;
    const longReply = `https://evil.example.com/${'y'.repeat(1500)}`;
    expect((await new FormBrowser(tls).get(wsfedUrl(`/wsfed/${rp.client_id}`, { wa: longWa }))).status).toBe(400);
    expect((await new FormBrowser(tls).get(wsfedUrl(`/wsfed/${rp.client_id}`, { wreply: longReply }))).status).toBe(400);
    expect((await new FormBrowser(tls).get(wsfedUrl(`/wsfed/${rp.client_id}`, { wa: 'wsignout1.0', wreply: longReply }))).status).toBe(400);
    const refusals = await eventually(
      async () => ((await tls.api('dev', token, 'GET', `/api/v2/logs?q=${encodeURIComponent(`type:f AND client_id:"${rp.client_id}"`)}&per_page=100`)).body as any[]).filter((entry) => /x{100}|y{100}/.test(entry.description ?? '')),
      (entries) => entries.length >= 3,
      5_000,
    );
    for (const entry of refusals) {
      expect(entry.description).not.toMatch(/x{201}|y{176}/);
      expect(entry.description.length).toBeLessThan(400);
    }
  });
});
