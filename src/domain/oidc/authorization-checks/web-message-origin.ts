/**
 * response_mode=web_message hands the response to a window of the redirect_uri's origin (a hidden
 * iframe or a popup's opener). As in Auth0, that origin must be one of the application's Allowed
 * Web Origins: a callback URL alone allows redirects to it, not answering silently into a page
 * framing us. Runs first of the request checks, as it always has.
 */
import type { Client } from '../../clients/client.js';
import { urlMatches } from '../../clients/url-rules.js';
import type { RequestCheck } from './check.js';

export const webMessageOrigin: RequestCheck = {
  name: 'web-message-origin',
  endpoints: ['authorize', 'par'],
  check({ responseMode, client, redirectUri, fail }) {
    if (responseMode === 'web_message' && !isWebOrigin(client, redirectUri)) {
      throw fail('invalid_request', `The specified redirect_uri '${redirectUri}' does not have a registered origin.`);
    }
  },
};

function isWebOrigin(client: Client, redirectUri: string): boolean {
  const origin = URL.canParse(redirectUri) ? new URL(redirectUri).origin : 'null';
  return origin !== 'null' && client.web_origins.some((allowed) => originOf(allowed) === origin || urlMatches(allowed.toLowerCase(), origin));
}

/** A listed web origin as browsers write it (`https://a.com:443` is `https://a.com`); wildcards are matched as patterns. */
const originOf = (allowed: string): string | undefined => (!allowed.includes('*') && URL.canParse(allowed) ? new URL(allowed).origin : undefined);
