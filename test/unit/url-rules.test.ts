import { describe, expect, it } from 'vitest';
import { urlMatches, urlProblem } from '../../src/domain/clients/url-rules.js';

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
});
