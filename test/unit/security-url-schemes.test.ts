import { describe, expect, it } from 'vitest';
import { urlListProblem, urlProblem } from '../../src/domain/clients/url-rules.js';

const native = { nativeApp: true };

describe('finding 13: URL schemes of callbacks, logout URLs and origins', () => {
  it.each([
    ['callbacks', 'https://app.example.com/callback', {}],
    ['callbacks', 'http://localhost:3000/callback', {}],
    ['callbacks', 'http://intranet.example.com/callback', {}],
    ['allowed_logout_urls', 'http://127.0.0.1:8080/', {}],
    ['callbacks', 'com.example.app://callback', native],
    ['callbacks', 'com.example.app:/oauth2redirect', native],
    ['allowed_logout_urls', 'com.example.app://dev.example.com/android/com.example.app/logout', native],
    ['allowed_origins', 'capacitor://localhost', native],
  ] as const)('%s accepts %s (native: %o)', (field, url, context) => {
    expect(urlProblem(field, url, { nativeApp: false, ...context })).toBeUndefined();
  });

  it.each([
    ['callbacks', 'com.example.app://callback', /only allowed for native applications/],
    ['allowed_logout_urls', 'myapp://logout', /only allowed for native applications/],
    ['allowed_origins', 'capacitor://localhost', /only allowed for native applications/],
  ] as const)('%s refuses the custom scheme %s for a non-native application', (field, url, problem) => {
    expect(urlProblem(field, url)).toMatch(problem);
  });

  it.each(['javascript:alert(document.cookie)', 'JavaScript://%0aalert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd', 'blob:https://app.example.com/0b9d', 'about:blank'])(
    'refuses %s in every field, native applications included',
    (url) => {
      for (const field of ['callbacks', 'allowed_logout_urls', 'allowed_origins', 'web_origins'] as const) {
        expect(urlProblem(field, url, native), `${field} ${url}`).toBeDefined();
      }
      expect(urlProblem('callbacks', url, native)).toMatch(/must not use the [a-z]+: scheme/);
    },
  );

  it('names the field and the entry of a list', () => {
    expect(urlListProblem('allowed_logout_urls', ['https://ok.example.com', 'https://*.com'])).toMatch(/^'allowed_logout_urls' entry "https:\/\/\*\.com" .*subdomain/);
    expect(urlListProblem('callbacks', ['https://ok.example.com'])).toBeUndefined();
  });
});
