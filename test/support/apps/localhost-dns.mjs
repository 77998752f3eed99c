/**
 * Loaded with `node --import` into the test apps' child processes: the same RFC 6761 rule as
 * `test/support/localhost-dns.ts` (every name under `localhost` is loopback), which glibc here does
 * not apply. Plain JS because Node 20 cannot load TypeScript.
 */
import dns from 'node:dns';

const originalLookup = dns.lookup;

function isLocalhostName(hostname) {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost');
}

dns.lookup = function lookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'object' && options !== null ? options : {};
  if (typeof hostname === 'string' && isLocalhostName(hostname)) {
    process.nextTick(() => (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
    return;
  }
  return originalLookup.call(dns, hostname, options, callback);
};
