/**
 * A resource server protected by express-oauth2-jwt-bearer, configured the way Auth0's quickstart
 * does it: only `issuerBaseURL` and `audience`. The library fetches discovery and the JWKS itself;
 * the dev CA is trusted through NODE_EXTRA_CA_CERTS (set by the launcher), verification stays on.
 *
 * env: ISSUER_BASE_URL, AUDIENCE. Listens on 127.0.0.1 (plain HTTP: the test calls it directly).
 */
import express from 'express';
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer';

const app = express();
const checkJwt = auth({ issuerBaseURL: process.env.ISSUER_BASE_URL, audience: process.env.AUDIENCE });

app.get('/api/public', (_req, res) => res.json({ ok: true }));
app.get('/api/private', checkJwt, (req, res) => res.json({ ok: true, claims: req.auth.payload }));
app.get('/api/read-x', checkJwt, requiredScopes('read:x'), (req, res) => res.json({ ok: true, scope: req.auth.payload.scope }));

// The library's errors carry status, code and a WWW-Authenticate header; answer them as JSON so the
// test can tell a rejected token (401/403) from a failure to reach the issuer (500, logged).
app.use((err, _req, res, _next) => {
  const status = typeof err.status === 'number' ? err.status : 500;
  if (status >= 500) console.error('[jwt-bearer-api]', err);
  res.status(status).set(err.headers ?? {}).json({ error: err.code ?? 'server_error', message: err.message });
});

const server = app.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
