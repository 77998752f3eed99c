/**
 * Who a request is counted against: its client address, and the application it names.
 */
import type { FastifyRequest } from 'fastify';

const MAX_KEY_PART = 128;

// Addresses are counted by the same key as attack protection's counters (/64 for IPv6).
export { addressBucket } from '../../domain/attack-protection/address-bucket.js';

/**
 * The application a request names: `client_id` in a form or JSON body, or the user part of HTTP
 * Basic credentials (the token endpoint's two ways; other client-facing endpoints use the body).
 * Read in a preHandler hook, after the body is parsed. Ids longer than any real one are not
 * counted (the request fails client authentication anyway, and no key is made from them).
 */
export function clientIdOf(request: FastifyRequest): string | undefined {
  const body = request.body;
  if (body !== null && typeof body === 'object') {
    const raw = (body as Record<string, unknown>).client_id;
    // A JSON number or boolean is counted under its text: the token endpoint refuses it (a 400), but
    // the attempt still counts against the client it spells.
    const value = typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : raw;
    if (typeof value === 'string' && value !== '') return value.length <= MAX_KEY_PART ? value : undefined;
  }
  const header = request.headers.authorization;
  if (header === undefined || header.length < 7 || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  const clientId = safeDecode(decoded.slice(0, colon));
  return clientId.length <= MAX_KEY_PART ? clientId : undefined;
}

// RFC 6749 §2.3.1: the Basic user name is form-urlencoded (as the token endpoint decodes it).
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
