/**
 * A regular web app on express-openid-connect (Auth0's Express SDK), as its quickstart sets it up,
 * with the authorization-code flow: `response_type=code` (PKCE S256 added by the SDK), the client
 * secret sent as client_secret_basic, the session kept in the app's own encrypted `appSession`
 * cookie. Discovery, the token endpoint, the JWKS and /userinfo are reached over TLS trusting the
 * dev CA through NODE_EXTRA_CA_CERTS.
 *
 * Routes: `/` (public: who is logged in), `/profile` (requiresAuth: the ID token claims),
 * `/userinfo` (requiresAuth: GET /userinfo with the access token), and the SDK's `/login`,
 * `/callback`, `/logout`.
 *
 * env: TLS_CERT_FILE, TLS_KEY_FILE, APP_HOST, ISSUER_BASE_URL, CLIENT_ID, CLIENT_SECRET,
 * LOGOUT_MODE (`auth0`: /v2/logout, or `oidc`: end_session_endpoint), AUDIENCE (optional).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import express from 'express';
import expressOpenidConnect from 'express-openid-connect';

// A CommonJS module whose exports Node cannot list statically.
const { auth, requiresAuth } = expressOpenidConnect;

const app = express();
const server = createServer({ cert: readFileSync(process.env.TLS_CERT_FILE), key: readFileSync(process.env.TLS_KEY_FILE) }, app);

// express-openid-connect needs its baseURL (with the port) up front, so listen first, then configure.
server.listen(0, '127.0.0.1', () => {
  const baseURL = `https://${process.env.APP_HOST}:${server.address().port}`;
  app.use(
    auth({
      issuerBaseURL: process.env.ISSUER_BASE_URL,
      baseURL,
      clientID: process.env.CLIENT_ID,
      clientSecret: process.env.CLIENT_SECRET,
      secret: randomBytes(32).toString('hex'),
      authRequired: false,
      idpLogout: true,
      auth0Logout: process.env.LOGOUT_MODE !== 'oidc',
      authorizationParams: {
        response_type: 'code',
        scope: 'openid profile email',
        ...(process.env.AUDIENCE ? { audience: process.env.AUDIENCE } : {}),
      },
    }),
  );

  app.get('/', (req, res) => res.json({ authenticated: req.oidc.isAuthenticated(), user: req.oidc.user ?? null }));
  app.get('/profile', requiresAuth(), (req, res) =>
    res.json({
      user: req.oidc.user,
      idTokenClaims: req.oidc.idTokenClaims,
      accessToken: req.oidc.accessToken ? { token_type: req.oidc.accessToken.token_type, expires_in: req.oidc.accessToken.expires_in } : null,
    }),
  );
  app.get('/userinfo', requiresAuth(), async (req, res, next) => {
    try {
      res.json(await req.oidc.fetchUserInfo());
    } catch (error) {
      next(error);
    }
  });
  // Errors (a failed callback, an unreachable issuer) as JSON, so a test sees what went wrong.
  app.use((err, _req, res, _next) => {
    console.error('[web-app]', err);
    res.status(err.status ?? 500).json({ error: err.error ?? err.code ?? 'server_error', error_description: err.error_description, message: err.message });
  });

  console.log(`listening on ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
