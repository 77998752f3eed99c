/** Random bearer secrets (codes, tokens, session ids) and the hashes they are stored under. */
import { createHash, randomBytes } from 'node:crypto';

/** 256 bits, base64url: unguessable, URL-safe. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** Only the hash is stored, so a read of the database yields no usable code, token or session. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('base64url');
