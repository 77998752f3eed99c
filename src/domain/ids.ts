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
/** 64 characters of base64url: 384 bits of entropy. */
export const newClientSecret = (): string => randomBytes(48).toString('base64url');
export const newResourceServerId = (): string => randomBytes(12).toString('hex');
export const newClientGrantId = (): string => `cgr_${randomAlphanumeric(16)}`;
export const newKeyId = (): string => randomBytes(16).toString('base64url');
/** Auth0 log ids are long, sortable-looking decimal strings; ours are time-prefixed random hex. */
export const newLogId = (): string => `${Date.now().toString(16).padStart(12, '0')}${randomBytes(12).toString('hex')}`;
