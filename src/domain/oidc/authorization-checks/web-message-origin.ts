/**
 * response_mode=web_message hands the response to a window of the redirect_uri's origin (a hidden
 * iframe or a popup's opener). As in Auth0, that origin must be one of the application's Allowed
 * Web Origins: a callback URL alone allows redirects to it, not answering silently into a page
 * framing us. Runs first of the request checks, as it always has.
 */
import type { Client } from '../../clients/client.js';
import { placeholdersFor, resolvePlaceholders, urlMatches, type UrlPlaceholders } from '../../clients/url-rules.js';
import type { RequestCheck } from './check.js';

export const webMessageOrigin: RequestCheck = {
  name: 'web-message-origin',
  endpoints: ['authorize', 'par'],
  check({ responseMode, client, redirectUri, placeholders, fail }) {
    if (responseMode === 'web_message' && !isWebOrigin(client, redirectUri, placeholdersFor(client, placeholders))) {
      throw fail('invalid_request', `The specified redirect_uri '${redirectUri}' does not have a registered origin.`);
    }
  },
};

function isWebOrigin(client: Client, redirectUri: string, placeholders: UrlPlaceholders): boolean {
  const origin = URL.canParse(redirectUri) ? new URL(redirectUri).origin : 'null';
  if (origin === 'null') return false;
  return client.web_origins.some((listed) => {
    // A placeholder becomes the request's custom domain's value first; one that does not resolve matches nothing.
    const allowed = resolvePlaceholders(listed, placeholders);
    return allowed !== undefined && (originOf(allowed) === origin || urlMatches(allowed.toLowerCase(), origin));
  });
}

/** A listed web origin as browsers write it (`https://a.com:443` is `https://a.com`); wildcards are matched as patterns. */
const originOf = (allowed: string): string | undefined => (!allowed.includes('*') && URL.canParse(allowed) ? new URL(allowed).origin : undefined);
