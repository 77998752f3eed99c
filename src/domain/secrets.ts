/** Random bearer secrets (codes, tokens, session ids) and the hashes they are stored under. */
import { createHash, randomBytes } from 'node:crypto';
import { sameSecret } from '../crypto/constant-time.js';

/** 256 bits, base64url: unguessable, URL-safe. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** Only the hash is stored, so a read of the database yields no usable code, token or session. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

/** True when `secret` is the one stored as `hash` (constant-time); a missing secret or hash never matches. */
export const matchesHash = (secret: string | undefined, hash: string | undefined): boolean => !!secret && !!hash && sameSecret(hashSecret(secret), hash);
