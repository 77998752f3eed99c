/** Opaque, unguessable identifiers in the shapes Auth0 uses. */
import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Uniform random alphanumeric string (rejection-free via randomInt). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

export const newTenantId = (): string => `ten_${randomAlphanumeric(16)}`;
export const newClientId = (): string => randomAlphanumeric(32);
/** The longest client_id any lookup accepts (request bounds, a client assertion's iss): Auth0's ids are 32 characters. */
export const MAX_CLIENT_ID_LENGTH = 64;
/** 64 characters of base64url: 384 bits of entropy. */
export const newClientSecret = (): string => randomBytes(48).toString('base64url');
export const newResourceServerId = (): string => randomBytes(12).toString('hex');
export const newClientGrantId = (): string => `cgr_${randomAlphanumeric(16)}`;
export const newKeyId = (): string => randomBytes(16).toString('base64url');
/**
 * Log ids: time, then a random per-process prefix, then a counter. Unique across instances and
 * roughly time-ordered; they name events and grant no access, so they need not be unguessable,
 * and drawing randomness for every token issued would cost more than the log write itself.
 */
const LOG_ID_PROCESS = randomBytes(6).toString('hex');
let logIdCounter = 0;
export const newLogId = (at: number = Date.now()): string =>
  `${at.toString(16).padStart(12, '0')}${LOG_ID_PROCESS}${(logIdCounter++ % 0x1000000).toString(16).padStart(6, '0')}`;
