/**
 * Client authentication at the token endpoint: client_secret_basic and client_secret_post.
 * Secrets are compared in constant time; unknown clients and wrong secrets get the same answer,
 * so the endpoint does not reveal which client ids exist.
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import { secretsMatch } from '../../domain/clients/client-secrets.js';
import { AuthApiError } from '../../http/errors.js';
import type { TokenParams } from './token-request.js';

export interface AuthenticatedClient {
  client: Client;
  /** False for public clients (auth method `none`) that only identified themselves. */
  authenticated: boolean;
}

interface PresentedCredentials {
  method: 'basic' | 'post' | 'none';
  clientId: string;
  clientSecret?: string;
}

function presentedCredentials(request: FastifyRequest, params: TokenParams): PresentedCredentials {
  const header = request.headers.authorization;
  if (header !== undefined && /^basic /i.test(header)) {
    if (params.client_secret !== undefined) {
      throw new AuthApiError(400, 'invalid_request', 'Client authentication must use only one method (Basic header or client_secret in the body).');
    }
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw invalidClient(true);
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    const clientId = safeDecode(decoded.slice(0, colon));
    const clientSecret = safeDecode(decoded.slice(colon + 1));
    if (params.client_id !== undefined && params.client_id !== clientId) {
      throw new AuthApiError(400, 'invalid_request', 'client_id in the body does not match the Authorization header.');
    }
    return { method: 'basic', clientId, clientSecret };
  }
  if (params.client_id === undefined || params.client_id === '') throw new AuthApiError(400, 'invalid_request', 'Missing required parameter: client_id');
  if (params.client_secret !== undefined) return { method: 'post', clientId: params.client_id, clientSecret: params.client_secret };
  return { method: 'none', clientId: params.client_id };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

function invalidClient(basic: boolean): AuthApiError {
  return new AuthApiError(401, 'invalid_client', 'Client authentication failed.', {}, basic ? { 'www-authenticate': 'Basic realm="oauth"' } : {});
}

export async function authenticateClient(services: Services, request: FastifyRequest, params: TokenParams): Promise<AuthenticatedClient> {
  const presented = presentedCredentials(request, params);
  const basic = presented.method === 'basic';
  const client = await services.clients.find(request.tenant.id, request.tenant.name, presented.clientId);
  if (!client) throw invalidClient(basic);
  if (presented.method === 'none') {
    if (client.token_endpoint_auth_method !== 'none') throw invalidClient(false);
    return { client, authenticated: false };
  }
  // A public client has nothing to authenticate with; a presented secret for it is a misconfiguration, not a pass.
  if (client.token_endpoint_auth_method === 'none' || !client.client_secret) throw invalidClient(basic);
  if (!secretsMatch(presented.clientSecret ?? '', client.client_secret)) throw invalidClient(basic);
  return { client, authenticated: true };
}
