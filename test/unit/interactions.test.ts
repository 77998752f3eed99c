/**
 * The interaction state machine (domain/interactions): the moves `advance` allows and refuses, and
 * the service's guarantees: every browser access needs the binding secret, the protocol takes an
 * interaction back once and only after a hosted page has finished it.
 */
import { describe, expect, it } from 'vitest';
import { advance, InteractionStateError, storeRequest, type Interaction, type InteractionRequest } from '../../src/domain/interactions/interaction.js';
import { InteractionService, type InteractionStore } from '../../src/domain/interactions/interaction-service.js';
import type { Redemption } from '../../src/domain/oidc/ttl-store.js';
import type { AuthorizationRequest } from '../../src/domain/oidc/authorization-request.js';

/** The TTL store's contract in memory: secrets as keys, consumption once. */
function memoryStore(): InteractionStore {
  const entries = new Map<string, { document: unknown; consumed: boolean }>();
  let next = 0;
  return {
    async put(tenantId, kind, document) {
      const secret = `secret-${++next}-${'x'.repeat(40)}`;
      entries.set(`${tenantId}/${kind}/${secret}`, { document, consumed: false });
      return secret;
    },
    async get<T>(tenantId: string, kind: string, secret: string) {
      const entry = entries.get(`${tenantId}/${kind}/${secret}`);
      return entry && !entry.consumed ? (entry.document as T) : undefined;
    },
    async update(tenantId, kind, secret, document, expected) {
      const entry = entries.get(`${tenantId}/${kind}/${secret}`);
      if (!entry || (expected !== undefined && (entry.consumed || JSON.stringify(entry.document) !== JSON.stringify(expected)))) return false;
      entry.document = document;
      return true;
    },
    async consume<T>(tenantId: string, kind: string, secret: string): Promise<Redemption<T>> {
      const entry = entries.get(`${tenantId}/${kind}/${secret}`);
      if (!entry) return { status: 'invalid' };
      if (entry.consumed) return { status: 'replayed', document: entry.document as T };
      entry.consumed = true;
      return { status: 'ok', document: entry.document as T };
    },
  };
}

const authorization: AuthorizationRequest = {
  clientId: 'app',
  redirectUri: 'https://app.example.com/callback',
  responseTypes: new Set(['code']),
  responseType: 'code',
  responseMode: 'query',
  scope: ['openid'],
  prompt: new Set(),
};
const request: InteractionRequest = { kind: 'authorize', authorization: storeRequest(authorization), issuer: 'https://dev.localhost/' };
const login = { userId: 'auth0|ada', amr: ['pwd'], connection: 'Username-Password-Authentication' };
const result = { ...login, authTime: 1_700_000_000 };

describe('advance', () => {
  const base = { request, browserHash: 'h', csrf: 'c' };

  it('moves login_pending to authenticated with the result and the time of the login, forgetting the page state', () => {
    const next = advance({ ...base, state: 'login_pending', passwordless: { connection: 'email', identifier: 'a@example.com' } }, { type: 'logged_in', result: login }, 1_700_000_000_500);
    expect(next).toEqual({ ...base, state: 'authenticated', result: { ...login, authTime: 1_700_000_000 } });
  });

  it('moves consent_pending to done with the consented scopes, or to failed when declined', () => {
    const waiting: Interaction = { ...base, state: 'consent_pending', result, consent: { audience: '', scope: ['openid', 'email'] } };
    expect(advance(waiting, { type: 'consented' }, Date.now())).toMatchObject({ state: 'done', result: { ...result, consented: ['openid', 'email'] } });
    expect(advance(waiting, { type: 'declined' }, Date.now()).state).toBe('failed');
  });

  it('refuses every move the diagram does not draw', () => {
    const at = (state: Interaction['state']): Interaction => ({ ...base, state, result, consent: { audience: '', scope: [] } });
    const refused: Array<[Interaction['state'], Parameters<typeof advance>[1]]> = [
      ['login_pending', { type: 'consented' }],
      ['login_pending', { type: 'declined' }],
      ['authenticated', { type: 'logged_in', result: login }],
      ['authenticated', { type: 'consented' }],
      ['consent_pending', { type: 'logged_in', result: login }],
      ['done', { type: 'consented' }],
      ['done', { type: 'logged_in', result: login }],
      ['failed', { type: 'consented' }],
    ];
    for (const [state, event] of refused) expect(() => advance(at(state), event, Date.now())).toThrow(InteractionStateError);
  });
});

describe('InteractionService', () => {
  it('shows an interaction only to the browser holding its binding secret', async () => {
    const interactions = new InteractionService(memoryStore());
    const { id, browserSecret } = await interactions.open('t1', request);
    expect((await interactions.details('t1', { id, browserSecret }))?.state).toBe('login_pending');
    expect(await interactions.details('t1', { id, browserSecret: undefined })).toBeUndefined();
    expect(await interactions.details('t1', { id, browserSecret: 'another browser' })).toBeUndefined();
    expect(await interactions.details('t2', { id, browserSecret })).toBeUndefined();
    expect(await interactions.finish('t1', { id, browserSecret: 'another browser' }, { type: 'logged_in', result: login })).toBe(false);
    expect(await interactions.take('t1', { id, browserSecret: 'another browser' })).toBeUndefined();
  });

  it('is taken back once, and only after a hosted page has finished it', async () => {
    const interactions = new InteractionService(memoryStore());
    const { id, browserSecret } = await interactions.open('t1', request);
    const browser = { id, browserSecret };
    expect(await interactions.take('t1', browser)).toBeUndefined();
    expect(await interactions.finish('t1', browser, { type: 'consented' })).toBe(false);
    expect(await interactions.finish('t1', browser, { type: 'logged_in', result: login })).toBe(true);
    expect(await interactions.finish('t1', browser, { type: 'logged_in', result: login })).toBe(false);
    const taken = await interactions.take('t1', browser);
    expect(taken).toMatchObject({ state: 'authenticated', result: login });
    expect(await interactions.take('t1', browser)).toBeUndefined();
    expect(await interactions.details('t1', browser)).toBeUndefined();
  });

  it('never writes a page state read earlier back over a state the user has moved on from', async () => {
    const interactions = new InteractionService(memoryStore());
    const { id, browserSecret } = await interactions.open('t1', request);
    const browser = { id, browserSecret };
    const readByAnotherTab = (await interactions.details('t1', browser))!;
    expect(await interactions.finish('t1', browser, { type: 'logged_in', result: login })).toBe(true);
    // The other tab's passwordless form was read at login_pending: its late write must not undo the login.
    await interactions.rememberCodeRecipient('t1', browser, readByAnotherTab, { connection: 'email', identifier: 'a@example.com' });
    expect((await interactions.details('t1', browser))?.state).toBe('authenticated');
    expect(await interactions.take('t1', browser)).toMatchObject({ state: 'authenticated', result: login });
  });

  it('opens a consent question with its own id and binding, answered once', async () => {
    const interactions = new InteractionService(memoryStore());
    const first = await interactions.open('t1', request);
    const consent = await interactions.open('t1', request, { question: { audience: 'https://api/', scope: ['read'] }, result });
    expect(consent.id).not.toBe(first.id);
    expect(await interactions.details('t1', { id: consent.id, browserSecret: first.browserSecret })).toBeUndefined();
    const browser = { id: consent.id, browserSecret: consent.browserSecret };
    expect(await interactions.finish('t1', browser, { type: 'logged_in', result: login })).toBe(false);
    expect(await interactions.finish('t1', browser, { type: 'consented' })).toBe(true);
    expect(await interactions.take('t1', browser)).toMatchObject({ state: 'done', result: { consented: ['read'] }, consent: { audience: 'https://api/' } });
    expect(await interactions.take('t1', browser)).toBeUndefined();
  });

  it('vouches for the hosted login page to /passwordless/start: a login interaction of that application only', async () => {
    const interactions = new InteractionService(memoryStore());
    const { id } = await interactions.open('t1', request);
    expect(await interactions.forwardedLogin('t1', id, 'app')).toBeDefined();
    expect(await interactions.forwardedLogin('t1', id, 'other-app')).toBeUndefined();
    const consent = await interactions.open('t1', request, { question: { audience: '', scope: [] }, result });
    expect(await interactions.forwardedLogin('t1', consent.id, 'app')).toBeUndefined();
  });
});
