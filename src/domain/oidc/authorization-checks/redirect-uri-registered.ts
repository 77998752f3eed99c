/**
 * redirect_uri is given and matches one of the application's callback URLs (exactly, a wildcard
 * pattern the application registered, or a URL whose `{custom_domain.metadata.KEY}` placeholders
 * resolve on the request's custom domain: url-rules.ts). Until this passes, no error may redirect
 * anywhere.
 */
import { placeholdersFor, urlAllowed } from '../../clients/url-rules.js';
import { AuthorizationPageError } from '../authorization-errors.js';
import type { ClientCheck } from './check.js';

export const redirectUriRegistered: ClientCheck = {
  name: 'redirect-uri-registered',
  endpoints: ['authorize', 'par'],
  check({ params, client, placeholders }) {
    const redirectUri = params.redirect_uri;
    if (!redirectUri) throw new AuthorizationPageError('invalid_request', 'Missing required parameter: redirect_uri');
    // Without a client (a check out of order) there is nothing to match: refused, never redirected.
    const values = client ? placeholdersFor(client, placeholders) : placeholders;
    if (!(client?.callbacks ?? []).some((allowed) => urlAllowed(allowed, redirectUri, values))) {
      throw new AuthorizationPageError(
        'invalid_request',
        `The redirect_uri is not in the list of allowed callback URLs. Callback URL mismatch. ${redirectUri} is not in the list of allowed callback URLs`,
      );
    }
  },
};
