import { describe, expect, it } from 'vitest';
import { NO_PLACEHOLDERS, placeholdersFor, resolvePlaceholders, urlAllowed, urlMatches, urlProblem } from '../../src/domain/clients/url-rules.js';

describe('allowed URL rules (docs: Subdomain URL Placeholders)', () => {
  it.each([
    ['callbacks', 'https://app.example.com/callback'],
    ['callbacks', 'http://localhost:3000/callback'],
    ['callbacks', 'https://*.example.com/callback'],
    ['callbacks', 'https://prefix-*-suffix.example.com'],
    ['callbacks', 'https://{organization_name}.example.com/callback'],
    ['callbacks', 'https://{custom_domain.metadata.public_app}.example.com/login'],
    ['allowed_origins', 'https://{organization_name}.example.com'],
    ['web_origins', 'https://app.example.com'],
    ['web_origins', 'https://*.example.com'],
    ['web_origins', 'http://localhost:3000'],
    ['initiate_login_uri', 'https://app.example.com/login'],
  ] as const)('%s accepts %s', (field, url) => {
    expect(urlProblem(field, url)).toBeUndefined();
  });

  it.each([
    ['callbacks', 'https://*.com', /subdomain/],
    ['callbacks', 'https://sub.*.example.com', /left-most/],
    ['callbacks', 'https://*.*.example.com', /at most one wildcard/],
    ['callbacks', 'com.example.app://*.callback', /http or https/],
    ['callbacks', 'https://example.com/*', /host name/],
    ['callbacks', 'https://{organization_name}', /subdomain/],
    ['callbacks', 'https://exampleco.com/{organization_name}', /host name/],
    ['callbacks', 'https://prefix-{organization_name}.example.com', /whole left-most label/],
    ['callbacks', 'https://*.{organization_name}.example.com', /cannot be combined/],
    ['callbacks', 'https://example.com/{custom_domain.metadata.public_path}', /host name/],
    ['allowed_logout_urls', 'https://{organization_name}.example.com', /only allowed in callbacks/],
    ['web_origins', 'https://app.example.com/path', /origin/],
    ['web_origins', 'https://app.example.com/', /origin/],
    ['web_origins', 'myapp://callback', /http or https origin/],
    ['initiate_login_uri', 'http://app.example.com/login', /https/],
    ['callbacks', 'not a url', /whitespace|absolute/],
    ['callbacks', '/relative/path', /absolute/],
  ] as const)('%s rejects %s', (field, url, problem) => {
    expect(urlProblem(field, url)).toMatch(problem);
  });

  it('matches wildcards against exactly one label', () => {
    expect(urlMatches('https://*.example.com/cb', 'https://app.example.com/cb')).toBe(true);
    expect(urlMatches('https://*.example.com/cb', 'https://a.b.example.com/cb')).toBe(false);
    expect(urlMatches('https://*.example.com/cb', 'https://.example.com/cb')).toBe(false);
    expect(urlMatches('https://*.example.com/cb', 'https://evil.com/.example.com/cb')).toBe(false);
    expect(urlMatches('https://pre-*-suf.example.com', 'https://pre-42-suf.example.com')).toBe(true);
    expect(urlMatches('https://app.example.com/cb', 'https://app.example.com/cb')).toBe(true);
    expect(urlMatches('https://app.example.com/cb', 'https://app.example.com/cb/')).toBe(false);
  });

  describe('{custom_domain.metadata.KEY} placeholders', () => {
    const on = (metadata: Record<string, unknown>) => ({ customDomainMetadata: metadata });
    const CALLBACK = 'https://{custom_domain.metadata.public_subdomain}.app.example.com/callback';

    it('resolve to the public_ (or PUBLIC_) metadata of the request\'s custom domain', () => {
      expect(resolvePlaceholders(CALLBACK, on({ public_subdomain: 'eu' }))).toBe('https://eu.app.example.com/callback');
      expect(urlAllowed(CALLBACK, 'https://eu.app.example.com/callback', on({ public_subdomain: 'eu' }))).toBe(true);
      expect(urlAllowed(CALLBACK, 'https://us.app.example.com/callback', on({ public_subdomain: 'eu' }))).toBe(false);
      expect(urlAllowed('https://{custom_domain.metadata.PUBLIC_HOST}/cb', 'https://app.eu.example.com/cb', on({ PUBLIC_HOST: 'app.eu.example.com' }))).toBe(true);
      expect(urlAllowed('https://{custom_domain.metadata.public_a}.{custom_domain.metadata.public_b}.example.com', 'https://x.y.example.com', on({ public_a: 'x', public_b: 'y' }))).toBe(true);
      // URLs without placeholders are untouched.
      expect(resolvePlaceholders('https://app.example.com/cb', NO_PLACEHOLDERS)).toBe('https://app.example.com/cb');
    });

    it('match nothing without a custom domain, without the key, or with a key lacking the public_ prefix', () => {
      expect(resolvePlaceholders(CALLBACK, NO_PLACEHOLDERS)).toBeUndefined();
      expect(resolvePlaceholders(CALLBACK, on({ public_other: 'eu' }))).toBeUndefined();
      expect(resolvePlaceholders('https://{custom_domain.metadata.subdomain}.app.example.com/cb', on({ subdomain: 'eu' }))).toBeUndefined();
      expect(resolvePlaceholders(CALLBACK, on({ public_subdomain: 42 }))).toBeUndefined();
      expect(resolvePlaceholders('https://{custom_domain.metadata.public_constructor}.example.com', on({}))).toBeUndefined();
      // The literal placeholder text is never accepted as a URL either.
      expect(urlAllowed(CALLBACK, CALLBACK, NO_PLACEHOLDERS)).toBe(false);
      expect(urlMatches(CALLBACK, CALLBACK)).toBe(false);
    });

    it.each([
      'evil.com/',
      'evil.com#',
      'evil.com?',
      'user@evil.com',
      'evil.com:444',
      'EU',
      'eu..x',
      '.eu',
      'eu.',
      '-eu',
      'e u',
      'eu%2f',
      '*',
      '',
      `${'a'.repeat(64)}`,
    ])('refuse the value %j: it could move the host or hide a path', (value) => {
      expect(resolvePlaceholders(CALLBACK, on({ public_subdomain: value }))).toBeUndefined();
      expect(urlAllowed(CALLBACK, `https://${value}.app.example.com/callback`, on({ public_subdomain: value }))).toBe(false);
    });

    it('never resolve next to a wildcard or an {organization_name}, nor for third-party applications', () => {
      expect(resolvePlaceholders('https://{custom_domain.metadata.public_s}.*.example.com', on({ public_s: 'eu' }))).toBeUndefined();
      expect(resolvePlaceholders('https://{organization_name}.{custom_domain.metadata.public_s}.example.com', on({ public_s: 'eu' }))).toBeUndefined();
      expect(placeholdersFor({ is_first_party: false }, on({ public_subdomain: 'eu' }))).toBe(NO_PLACEHOLDERS);
      expect(urlAllowed(CALLBACK, 'https://eu.app.example.com/callback', placeholdersFor({ is_first_party: false }, on({ public_subdomain: 'eu' })))).toBe(false);
    });
  });
});
