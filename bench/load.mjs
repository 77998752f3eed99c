#!/usr/bin/env node
// Load generator for bench/run.mjs. Meant to be started pinned to its own core:
//   taskset -c 1 node bench/load.mjs '<json config>'
// Runs an autocannon warm-up, then the measured run, and prints ONE line of JSON
// on stdout: { warmup: <summary>, measured: <autocannon result>, verify: {...} }.
//
// Config (JSON, argv[2]):
//   url             full URL, e.g. http://127.0.0.1:4000/oauth/token
//   host            value of the Host header (Tessera routes tenants by Host)
//   body            x-www-form-urlencoded request body
//   connections     default 50
//   pipelining      default 1
//   warmup          warm-up seconds (0 = none), default 3
//   duration        measured seconds, default 10
//   expectedAlg     'RS256' | 'ES256'
//   headerSegment   base64url JOSE header of a token from the pre-check; every
//                   response body must contain `"access_token":"<headerSegment>.`
//                   (cheap exact check). Bodies that don't are decoded and their
//                   `alg` compared; anything else counts as a mismatch.
//   rate            optional: requests per second in all (autocannon's overallRate), for a paced
//                   run that measures CPU per request rather than the maximum throughput
//   assertion       optional, for private_key_jwt: { clientId, aud, kid, alg, privateKeyPem }.
//                   Every request then carries a fresh client assertion (new jti, signed
//                   here, on the load core) appended to `body`.
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import autocannon from 'autocannon';

const cfg = JSON.parse(process.argv[2] ?? '{}');
const {
  url,
  host,
  body,
  connections = 50,
  pipelining = 1,
  warmup = 3,
  duration = 10,
  expectedAlg,
  headerSegment,
  assertion,
  rate,
} = cfg;

// A compact ES256/RS256 JWS, signed with node:crypto directly (no library in the load loop).
const assertionKey = assertion ? createPrivateKey(assertion.privateKeyPem) : null;
const assertionHeader = assertion ? Buffer.from(JSON.stringify({ alg: assertion.alg, kid: assertion.kid, typ: 'JWT' })).toString('base64url') : '';
function freshAssertion() {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: assertion.clientId, sub: assertion.clientId, aud: assertion.aud, iat: now, exp: now + 60, jti: randomUUID() };
  const input = `${assertionHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = assertion.alg === 'ES256'
    ? sign('sha256', Buffer.from(input), { key: assertionKey, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', Buffer.from(input), assertionKey);
  return `${input}.${signature.toString('base64url')}`;
}
const assertionBody = () =>
  `${body}&client_assertion_type=${encodeURIComponent('urn:ietf:params:oauth:client-assertion-type:jwt-bearer')}&client_assertion=${freshAssertion()}`;

if (!url || !body || !expectedAlg) {
  console.error('load.mjs: url, body and expectedAlg are required');
  process.exit(2);
}

const needle = headerSegment ? `"access_token":"${headerSegment}.` : null;
let slowPathOk = 0;
let slowPathBad = 0;
let firstBad;

function verifyBody(text) {
  if (needle && text.includes(needle)) return true;
  // Slow path: header differs from the pre-check one (or no segment given).
  try {
    const token = JSON.parse(text).access_token;
    const parts = typeof token === 'string' ? token.split('.') : [];
    if (parts.length === 3) {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
      if (header.alg === expectedAlg) {
        slowPathOk++;
        return true;
      }
    }
  } catch {
    // fall through
  }
  slowPathBad++;
  if (firstBad === undefined) firstBad = text.slice(0, 500);
  return false;
}

const headers = {
  'content-type': 'application/x-www-form-urlencoded',
  accept: 'application/json',
};
if (host) headers.host = host;

function run(seconds) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers,
        ...(assertion ? { requests: [{ setupRequest: (request) => ({ ...request, body: assertionBody() }) }] } : { body }),
        connections,
        pipelining,
        ...(rate ? { overallRate: rate } : {}),
        duration: seconds,
        verifyBody,
        // Never let a failing server be hidden by autocannon giving up early.
        bailout: undefined,
        timeout: 10,
      },
      (err, result) => {
        if (err) return reject(err);
        result.timeline = timeline;
        return resolve(result);
      },
    );
    // Per-second completed responses, to spot drift (GC, caches, DB growth) within a run.
    const t0 = Date.now();
    const timeline = [];
    instance.on('response', () => {
      const i = Math.floor((Date.now() - t0) / 1000);
      timeline[i] = (timeline[i] ?? 0) + 1;
    });
  });
}

function summarize(r) {
  return {
    duration: r.duration,
    requests: r.requests,
    latency: r.latency,
    throughput: r.throughput,
    errors: r.errors,
    timeouts: r.timeouts,
    mismatches: r.mismatches,
    non2xx: r.non2xx,
    '2xx': r['2xx'],
    statusCodeStats: r.statusCodeStats,
    timeline: r.timeline,
  };
}

try {
  let warm = null;
  let warmVerify = null;
  if (warmup > 0) {
    warm = summarize(await run(warmup));
    warmVerify = { slowPathOk, slowPathBad, firstBad };
    slowPathOk = 0;
    slowPathBad = 0;
    firstBad = undefined;
  }
  const measured = await run(duration);
  const out = {
    config: { url, host, connections, pipelining, warmup, duration, expectedAlg, headerSegment },
    warmup: warm && { ...warm, verify: warmVerify },
    measured,
    verify: { slowPathOk, slowPathBad, firstBad },
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} catch (err) {
  console.error(`load.mjs: ${err?.stack ?? err}`);
  process.exit(1);
}
