/**
 * Password hashing: bcrypt with cost 10 (`$2b$10$…`, what Auth0 stores), through @node-rs/bcrypt,
 * whose work runs on libuv's thread pool rather than the event loop.
 *
 * Every hash and verification goes through this module, behind two gates (util/fair-gate.ts):
 * first a per-tenant one, at most PER_TENANT_CONCURRENCY at once per tenant with a bounded queue
 * (a 503 beyond it), then a global one, GLOBAL_CONCURRENCY at once, one less than libuv's pool
 * (4 threads by default, shared with file, DNS and crypto work). A tenant flooding logins — or
 * holding expensive imported hashes — thus waits for its own slots, never fills the pool, and
 * another tenant's check waits behind at most PER_TENANT_CONCURRENCY hashes per busy tenant.
 */
import { hash, parseOptions, verify } from '@node-rs/bcrypt';
import { QueueFullError } from '../../util/keyed-semaphore.js';
import { FairGate } from '../../util/fair-gate.js';
import { unavailable } from '../errors.js';

export const BCRYPT_COST = 10;

/** The most expensive imported hash accepted: cost 12 is 4× our own, cost 16 took 17 s per login. */
export const MAX_IMPORTED_BCRYPT_COST = 12;

/** Beyond this many waiting, a tenant's further password checks are refused (503) rather than queued. */
const PER_TENANT_QUEUE = 200;

/** libuv's thread pool size, which Node reads from UV_THREADPOOL_SIZE at start (default 4). */
const POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE) || 4;
/** Hashes at once across tenants: one thread always left for file, DNS and other crypto work. */
const GLOBAL_CONCURRENCY = Math.max(1, POOL_SIZE - 1);
/**
 * One slot less than the global gate (2 with the default pool), so one tenant never holds them all;
 * it grows with UV_THREADPOOL_SIZE, so a larger pool raises a single tenant's login throughput too.
 */
const PER_TENANT_CONCURRENCY = Math.max(1, GLOBAL_CONCURRENCY - 1);

const gate = new FairGate(PER_TENANT_CONCURRENCY, PER_TENANT_QUEUE, GLOBAL_CONCURRENCY);

function gated<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
  return gate.run(tenantId, work).catch((error: unknown) => {
    if (error instanceof QueueFullError) throw unavailable('Too many password checks in progress for this tenant; try again shortly.', 'too_many_requests');
    throw error;
  });
}

/** A bcrypt hash as other systems export it: `$2a$`, `$2b$` or `$2y$`, cost 04–31, 53 characters of salt and digest. */
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

export const isBcryptHash = (value: string): boolean => BCRYPT_HASH.test(value);

/** The cost factor of a hash `isBcryptHash` accepted. */
export const bcryptCostOf = (value: string): number => Number(value.slice(4, 6));

export function hashPassword(tenantId: string, password: string): Promise<string> {
  return gated(tenantId, () => hash(password, { cost: BCRYPT_COST }));
}

let dummyHash: Promise<string> | undefined;

/**
 * True when `password` matches `storedHash`. With no stored hash (unknown user, passwordless
 * user), a hash is still verified, so a response's timing does not tell whether the user exists.
 */
export async function verifyPassword(tenantId: string, password: string, storedHash: string | null | undefined): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hash('tessera-timing-equalizer', { cost: BCRYPT_COST });
    const equalizer = await dummyHash;
    await gated(tenantId, () => verify(password, equalizer));
    return false;
  }
  return gated(tenantId, () => verify(password, storedHash));
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
