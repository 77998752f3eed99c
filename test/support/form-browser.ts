/**
 * A minimal browser for the hosted pages over real TLS: a cookie jar (honouring Max-Age=0 and each
 * cookie's Path), manual redirects, and helpers to read a page's hidden form fields.
 */
import { expect } from 'vitest';
import type { TlsTestServer } from './tls.js';

interface StoredCookie {
  value: string;
  path: string;
}

export class FormBrowser {
  private readonly cookies = new Map<string, StoredCookie>();

  /** `tls`: the spawned TLS tier's server, or anything with a `caFetch` (the in-process tier's `fetch`). */
  constructor(private readonly tls: Pick<TlsTestServer, 'caFetch'>) {}

  get(url: string): Promise<Response> {
    return this.request(url, { method: 'GET' });
  }

  post(url: string, form: Record<string, string>): Promise<Response> {
    return this.request(url, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  cookieNames(): string[] {
    return [...this.cookies.keys()];
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    const path = new URL(url).pathname;
    const sent = [...this.cookies].filter(([, c]) => path.startsWith(c.path)).map(([name, c]) => `${name}=${c.value}`);
    if (sent.length) headers.set('cookie', sent.join('; '));
    const response = await this.tls.caFetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const cookiePath = attributes.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      if (attributes.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, { value: pair!.slice(eq + 1), path: cookiePath });
    }
    return response;
  }
}

/** The value of a hidden (or any) input of the page. */
export function inputValue(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  expect(match, `input ${name} in page`).toBeTruthy();
  return match![1]!.replace(/&amp;/g, '&');
}

/**
 * Follows an `/authorize` URL in `browser` to the hosted page it lands on, through any redirects
 * within /u/: that page's URL, its HTML (which must have loaded: 200) and its interaction `state`.
 */
export async function openHostedPage(browser: FormBrowser, authorizeUrl: string): Promise<{ url: URL; html: string; state: string }> {
  let url = locationOf(await browser.get(authorizeUrl), authorizeUrl);
  let response = await browser.get(url.toString());
  while (response.status === 302) {
    url = locationOf(response, url.toString());
    response = await browser.get(url.toString());
  }
  expect(response.status).toBe(200);
  return { url, html: await response.text(), state: url.searchParams.get('state')! };
}

/** Where a redirect response points, resolved against the request URL. */
export function locationOf(response: Response, base: string): URL {
  expect(response.status, `expected a redirect, got ${response.status}`).toBe(302);
  return new URL(response.headers.get('location')!, base);
}
