/**
 * Serves the auth0-spa-js test app (`spa/`) over HTTPS with the dev certificate. The SDK's browser
 * bundle comes from node_modules (no CDN: the network is closed). Every path that is not a file is
 * the app itself, so `/callback` renders it too.
 *
 * env: TLS_CERT_FILE, TLS_KEY_FILE, SPA_DOMAIN (e.g. dev.localhost:PORT), SPA_CLIENT_ID, SPA_AUDIENCE (optional).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const here = import.meta.dirname;
const sdkDir = dirname(createRequire(import.meta.url).resolve('@auth0/auth0-spa-js'));
// `dist/lib/auth0-spa-js.cjs.js` → `dist/auth0-spa-js.production.js` (UMD, defines `window.auth0`).
const sdkBundle = join(sdkDir, '..', 'auth0-spa-js.production.js');

const config = {
  domain: process.env.SPA_DOMAIN,
  clientId: process.env.SPA_CLIENT_ID,
  audience: process.env.SPA_AUDIENCE || undefined,
};

const files = {
  '/': ['spa/index.html', 'text/html; charset=utf-8'],
  '/app.js': ['spa/app.js', 'text/javascript; charset=utf-8'],
  '/auth0-spa-js.production.js': [sdkBundle, 'text/javascript; charset=utf-8'],
};

const server = createServer({ cert: readFileSync(process.env.TLS_CERT_FILE), key: readFileSync(process.env.TLS_KEY_FILE) }, (req, res) => {
  const path = new URL(req.url ?? '/', 'https://app').pathname;
  res.setHeader('cache-control', 'no-store');
  if (path === '/config.json') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(config));
    return;
  }
  const [file, type] = files[path] ?? files['/'];
  res.setHeader('content-type', type);
  res.end(readFileSync(file.startsWith('/') ? file : join(here, file)));
});

server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
