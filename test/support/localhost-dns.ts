/**
 * RFC 6761: every name under `localhost` is the loopback host. Browsers know it; glibc without
 * systemd-resolved does not, so SDKs pointed at `https://dev.localhost:PORT` would fail to resolve.
 * Tests import this to make `*.localhost` resolve to 127.0.0.1 in the test process only.
 */
import dns from 'node:dns';

// A worker runs this once per test file (vitest.config.ts shares workers between files): keep the
// system's own lookup across those runs, so each run replaces the last override instead of wrapping it.
const ORIGINAL = Symbol.for('tessera.test.originalDnsLookup');
const holder = dns as unknown as { [ORIGINAL]?: typeof dns.lookup };
const originalLookup = (holder[ORIGINAL] ??= dns.lookup);

function isLocalhostName(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost');
}

(dns as { lookup: unknown }).lookup = function lookup(hostname: string, options: unknown, callback?: unknown) {
  const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
  const opts = typeof options === 'object' && options !== null ? (options as { all?: boolean }) : {};
  if (typeof hostname === 'string' && isLocalhostName(hostname)) {
    process.nextTick(() => (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
    return;
  }
  return (originalLookup as (...args: unknown[]) => unknown).call(dns, hostname, options, callback);
};
