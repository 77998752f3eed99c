#!/usr/bin/env node
// The ceiling peer for the token benchmark (issue 19 §1): a minimal Fastify server that does only
// what a client_credentials request must, and nothing a real server also has to do (no tenants, no
// database, no rate limits, no logs, no hooks):
//   parse the form body (@fastify/formbody, as Tessera) → look the client up in a Map → compare the
//   secret in constant time → build the claims → sign with node:crypto (synchronous, cached KeyObject,
//   pre-encoded header) → reply with the same JSON body and cache headers as Tessera.
// The token has Tessera's shape: header {alg, typ: "JWT", kid}, claims iss, sub, aud, iat, exp, scope,
// gty, azp; RSA 2048 for RS256, P-256 for ES256. It is the practical ceiling of a Node server on one
// core for this request; bench/run.mjs reports Tessera as a share of it.
//
// Usage: node bench/peers/ceiling.mjs --port 4000 --alg ES256 --client-id ID --client-secret S
//        [--resource URL] [--scope S] [--host 127.0.0.1]
// Prints a single line `ready` on stdout once listening.
import { parseArgs } from 'node:util';
import { generateKeyPairSync, randomBytes, sign, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import formBody from '@fastify/formbody';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '4000' },
    host: { type: 'string', default: '127.0.0.1' },
    alg: { type: 'string', default: 'ES256' },
    'client-id': { type: 'string', default: 'bench-client' },
    'client-secret': { type: 'string', default: 'bench-client-secret-0123456789abcdef0123456789abcdef0123456789ab' },
    resource: { type: 'string', default: 'https://api.bench.example/' },
    scope: { type: 'string', default: 'read:bench' },
  },
});

const alg = args.alg;
if (alg !== 'RS256' && alg !== 'ES256') {
  console.error(`unsupported --alg ${alg} (RS256|ES256)`);
  process.exit(2);
}
const port = Number(args.port);
const { privateKey } = alg === 'RS256'
  ? generateKeyPairSync('rsa', { modulusLength: 2048 })
  : generateKeyPairSync('ec', { namedCurve: 'P-256' });
const kid = randomBytes(16).toString('base64url');
const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT', kid })).toString('base64url');
const signOptions = alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey;
const LIFETIME = 86400;

// One client with its grant: what a real server finds in its cache.
const clients = new Map([[args['client-id'], { secret: Buffer.from(args['client-secret']), audience: args.resource, scope: args.scope }]]);

const app = Fastify({ logger: false });
await app.register(formBody);

const error = (reply, status, code, description) => reply.code(status).send({ error: code, error_description: description });

app.post('/oauth/token', (request, reply) => {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  const body = request.body ?? {};
  if (body.grant_type !== 'client_credentials') return error(reply, 400, 'unsupported_grant_type', 'Unsupported grant type');
  const client = typeof body.client_id === 'string' ? clients.get(body.client_id) : undefined;
  const presented = typeof body.client_secret === 'string' ? Buffer.from(body.client_secret) : null;
  if (!client || !presented || presented.length !== client.secret.length || !timingSafeEqual(presented, client.secret)) {
    return error(reply, 401, 'access_denied', 'Unauthorized');
  }
  if (body.audience !== client.audience) return error(reply, 403, 'access_denied', 'Service not enabled');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: `http://${request.headers.host}/`,
    sub: `${body.client_id}@clients`,
    aud: client.audience,
    iat: now,
    exp: now + LIFETIME,
    scope: client.scope,
    gty: 'client-credentials',
    azp: body.client_id,
  };
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(input), signOptions).toString('base64url');
  return reply.send({ access_token: `${input}.${signature}`, scope: client.scope, expires_in: LIFETIME, token_type: 'Bearer' });
});

await app.listen({ port, host: args.host });
app.server.keepAliveTimeout = 65_000;
process.stdout.write('ready\n');

const shutdown = () => {
  app.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
