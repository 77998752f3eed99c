/**
 * Serves the embedded-login test app (`embedded/`) over HTTPS with the dev certificate: a custom
 * login form on auth0.js 10 (`WebAuth.login` → `/co/authenticate`), the cross-origin verification
 * page (`crossOriginVerification()`), and a page with the Lock widget. The SDK bundles come from
 * node_modules (auth0.js's own UMD build) and from LOCK_BUNDLE, built from auth0-lock's sources by the
 * test at run time (no CDN: the network is closed). The app answers on every host name that resolves
 * to it, so one process can play an application on several origins.
 *
 * env: TLS_CERT_FILE, TLS_KEY_FILE, AUTH0_DOMAIN (e.g. dev.localhost:PORT), AUTH0_CLIENT_ID, LOCK_BUNDLE (optional).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const here = import.meta.dirname;
const require = createRequire(import.meta.url);
// The package's main file, `dist/auth0.min.js`, is its UMD build: it defines `window.auth0`.
const auth0Js = require.resolve('auth0-js');

const config = { domain: process.env.AUTH0_DOMAIN, clientID: process.env.AUTH0_CLIENT_ID };
// Lock fetches its dictionary as JSONP from `{languageBaseUrl}/js/lock/{version}/{language}.js`
// (Auth0's CDN by default); the app serves the English one from the package instead.
const lockEnglish = `Auth0.registerLanguageDictionary('en', ${JSON.stringify(require('auth0-lock/lib/i18n/en.js').default)});`;
const js = 'text/javascript; charset=utf-8';
const html = 'text/html; charset=utf-8';

const files = {
  '/': ['embedded/index.html', html],
  '/callback': ['embedded/index.html', html],
  '/app.js': ['embedded/app.js', js],
  '/co-verify': ['embedded/co-verify.html', html],
  '/lock': ['embedded/lock.html', html],
  '/lock-app.js': ['embedded/lock-app.js', js],
  '/auth0.min.js': [auth0Js, js],
  '/lock.js': [process.env.LOCK_BUNDLE, js],
};

const server = createServer({ cert: readFileSync(process.env.TLS_CERT_FILE), key: readFileSync(process.env.TLS_KEY_FILE) }, (req, res) => {
  const path = new URL(req.url ?? '/', 'https://app').pathname;
  res.setHeader('cache-control', 'no-store');
  if (path === '/config.js') {
    res.setHeader('content-type', js);
    res.end(`window.CONFIG = ${JSON.stringify(config)};`);
    return;
  }
  if (/^\/js\/lock\/[\d.]+\/en\.js$/.test(path)) {
    res.setHeader('content-type', js);
    res.end(lockEnglish);
    return;
  }
  const entry = files[path];
  if (!entry || !entry[0]) {
    res.statusCode = 404;
    res.end('not found');
    return;
  }
  const [file, type] = entry;
  res.setHeader('content-type', type);
  res.end(readFileSync(file.startsWith('/') ? file : join(here, file)));
});

server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
