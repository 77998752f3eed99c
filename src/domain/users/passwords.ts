/**
 * Password hashing: bcrypt with cost 10 (`$2b$10$…`, what Auth0 stores), through @node-rs/bcrypt,
 * whose work runs on libuv's thread pool rather than the event loop.
 */
import { hash, parseOptions, verify } from '@node-rs/bcrypt';

export const BCRYPT_COST = 10;

/** A bcrypt hash as other systems export it: `$2a$`, `$2b$` or `$2y$`, cost 04–31, 53 characters of salt and digest. */
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

export const isBcryptHash = (value: string): boolean => BCRYPT_HASH.test(value);

export function hashPassword(password: string): Promise<string> {
  return hash(password, { cost: BCRYPT_COST });
}

let dummyHash: Promise<string> | undefined;

/**
 * True when `password` matches `storedHash`. With no stored hash (unknown user, passwordless
 * user), a hash is still verified, so a response's timing does not tell whether the user exists.
 */
export async function verifyPassword(password: string, storedHash: string | null | undefined): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('tessera-timing-equalizer');
    await verify(password, await dummyHash);
    return false;
  }
  return verify(password, storedHash);
}

/** An imported hash weaker than what we would write now: rehash it after the next successful login. */
export function needsRehash(storedHash: string): boolean {
  try {
    const { version, cost } = parseOptions(storedHash);
    return version !== '2b' || cost < BCRYPT_COST;
  } catch {
    return true;
  }
}
