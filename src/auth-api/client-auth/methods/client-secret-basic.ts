/** `client_secret_basic` (RFC 6749 §2.3.1): `Authorization: Basic base64(urlencode(id):urlencode(secret))`. */
import { AuthApiError } from '../../../http/errors.js';
import type { ClientCredentials } from '../credentials.js';
import { invalidClient } from '../errors.js';
import type { ClientAuthMethod } from '../method.js';
import { checkClientSecret } from './client-secret.js';

const BASIC = /^basic /i;

function decoded(credentials: ClientCredentials): { clientId: string; clientSecret: string } {
  const header = credentials.authorization ?? '';
  const text = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 1) throw invalidClient(clientSecretBasic);
  // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
  return { clientId: safeDecode(text.slice(0, colon)), clientSecret: safeDecode(text.slice(colon + 1)) };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

export const clientSecretBasic: ClientAuthMethod = {
  name: 'client_secret_basic',
  authenticates: true,
  presentedAs: 'Basic header',
  challenge: 'Basic realm="oauth"',
  presented: (credentials) => credentials.authorization !== undefined && BASIC.test(credentials.authorization),
  clientId(credentials) {
    const { clientId } = decoded(credentials);
    const bodyClientId = credentials.params.client_id;
    if (bodyClientId !== undefined && bodyClientId !== clientId) {
      throw new AuthApiError(400, 'invalid_request', 'client_id in the body does not match the Authorization header.');
    }
    return clientId;
  },
  authenticate: (credentials, client) => checkClientSecret(decoded(credentials).clientSecret, client),
};
