import { describe, expect, it } from 'vitest';
import { consentDecision, covers, isNonVerifiableRedirect } from '../../src/domain/consent/consent-rules.js';
import { scopeLines } from '../../src/domain/consent/scope-text.js';

const base = { isFirstParty: true, redirectUri: 'https://app.example.com/cb', promptConsent: false, scope: ['openid', 'read:posts'] };

describe('when consent is asked', () => {
  it('skips verifiable first-party applications, with or without an API that allows skipping', () => {
    expect(consentDecision(base)).toBe('skip');
    expect(consentDecision({ ...base, apiAllowsSkipping: true })).toBe('skip');
  });

  it('asks third-party applications, APIs that do not allow skipping, and localhost callbacks, unless a grant covers the scopes', () => {
    for (const question of [
      { ...base, isFirstParty: false },
      { ...base, apiAllowsSkipping: false },
      { ...base, redirectUri: 'http://localhost:3000/cb' },
      { ...base, redirectUri: 'http://127.0.0.1:8080/cb' },
      { ...base, redirectUri: 'http://[::1]:8080/cb' },
    ]) {
      expect(consentDecision(question)).toBe('ask');
      expect(consentDecision({ ...question, granted: ['openid', 'read:posts', 'write:posts'] })).toBe('skip');
      expect(consentDecision({ ...question, granted: ['openid'] })).toBe('ask');
    }
  });

  it('always asks with prompt=consent', () => {
    expect(consentDecision({ ...base, promptConsent: true })).toBe('ask');
    expect(consentDecision({ ...base, promptConsent: true, granted: ['openid', 'read:posts'] })).toBe('ask');
  });

  it('treats only the literal loopback names as non-verifiable', () => {
    expect(isNonVerifiableRedirect('http://LOCALHOST:3000/x')).toBe(true);
    expect(isNonVerifiableRedirect('https://app.localhost/x')).toBe(false);
    expect(isNonVerifiableRedirect('https://localhost.example.com/x')).toBe(false);
    expect(isNonVerifiableRedirect('com.example.app://callback')).toBe(false);
    expect(isNonVerifiableRedirect('not a url')).toBe(false);
  });

  it('covers: every requested scope must be granted', () => {
    expect(covers(['a', 'b'], ['b'])).toBe(true);
    expect(covers(['a'], ['a', 'b'])).toBe(false);
    expect(covers([], [])).toBe(true);
  });
});

describe('consent page texts', () => {
  const api = [
    { value: 'read:posts', description: 'Read your posts' },
    { value: 'write:posts', description: 'Write posts' },
    { value: 'delete:posts' },
    { value: 'admin' },
  ];

  it('groups action:resource scopes per resource', () => {
    expect(scopeLines(['read:posts', 'write:posts', 'delete:posts', 'read:user_photos'], api, false)).toEqual([
      { title: 'Posts', text: 'read, write and delete your posts' },
      { title: 'User photos', text: 'read your user photos' },
    ]);
  });

  it('shows descriptions with the tenant flag, names when a scope has none', () => {
    expect(scopeLines(['read:posts', 'delete:posts', 'admin'], api, true)).toEqual([
      { title: 'read:posts', text: 'Read your posts' },
      { title: 'delete:posts', text: 'delete:posts' },
      { title: 'admin', text: 'admin' },
    ]);
  });

  it('has fixed texts for OpenID Connect scopes', () => {
    expect(scopeLines(['openid', 'email'], [], false).map((l) => l.title)).toEqual(['Identity', 'Email']);
  });

  it('takes names of Object.prototype members for what they are: scope names', () => {
    expect(scopeLines(['constructor', 'toString'], [], true)).toEqual([
      { title: 'constructor', text: 'constructor' },
      { title: 'toString', text: 'toString' },
    ]);
  });
});
