/**
 * The embedded-login test app (apps/embedded-login-server.mjs) and the Lock bundle it serves.
 *
 * Lock is published as CommonJS modules (`auth0-lock/lib`) plus a CDN build the package does not
 * ship, so the test bundles `lib/index.js` into a browser IIFE (`window.Auth0LockBundle`) with
 * esbuild (installed with vitest) into a temporary directory, once per test file, in about a second.
 * The bundle is never committed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { chromium, type BrowserContext } from 'playwright-core';
import { startApp, type DevCertFiles, type RunningApp } from './apps/index.js';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, spkiHash } from './browser.js';

export interface LockBundle {
  file: string;
  remove(): Promise<void>;
}

/**
 * auth0-js declares `"type": "module"` while its `main` file is a UMD script: esbuild, resolving
 * Lock's `require('auth0-js')` to `main`, would read that script as an ES module with no exports.
 * Lock's own build (webpack) takes the package's `module` entry, the ES build; so do we.
 */
const auth0JsAsEsm: Plugin = {
  name: 'auth0-js-esm',
  setup(builder) {
    builder.onResolve({ filter: /^auth0-js$/ }, (args) => {
      const packageJson = createRequire(join(args.resolveDir, 'noop.js')).resolve('auth0-js/package.json');
      return { path: join(dirname(packageJson), 'dist', 'auth0.min.esm.js') };
    });
  },
};

/**
 * Lock renders with React 18, its own dependency (nested under auth0-lock since the dashboard brought
 * React 19 to the top of node_modules). Its other dependencies (react-transition-group) would find
 * React 19 from the top: every `react` and `react-dom` import resolves to Lock's copy, so the bundle
 * holds one React.
 */
const lockOwnReact: Plugin = {
  name: 'lock-own-react',
  setup(builder) {
    const lockRequire = createRequire(createRequire(import.meta.url).resolve('auth0-lock/package.json'));
    builder.onResolve({ filter: /^react(-dom)?(\/.*)?$/ }, (args) => ({ path: lockRequire.resolve(args.path) }));
  },
};

export async function bundleLock(): Promise<LockBundle> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-lock-'));
  const file = join(dir, 'lock.js');
  await build({
    entryPoints: [createRequire(import.meta.url).resolve('auth0-lock/lib/index.js')],
    bundle: true,
    format: 'iife',
    globalName: 'Auth0LockBundle',
    platform: 'browser',
    // React and friends read NODE_ENV; a few modules still name Node's `global`.
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    minify: true,
    plugins: [auth0JsAsEsm, lockOwnReact],
    logLevel: 'silent',
    outfile: file,
  });
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface EmbeddedLoginAppOptions {
  cert: DevCertFiles;
  /** What auth0.js and Lock get as `domain`, e.g. `dev.localhost:PORT`. */
  domain: string;
  clientId: string;
  lockBundle?: string;
}

/**
 * Starts the app; it answers on any host name that resolves to it (`https://{host}:{port}`), so one
 * process serves the application's origin on several sites. `url` is `https://app.dev.localhost:PORT`.
 */
export function startEmbeddedLoginApp(options: EmbeddedLoginAppOptions): Promise<RunningApp> {
  return startApp('embedded-login-server.mjs', {
    env: {
      TLS_CERT_FILE: options.cert.certFile,
      TLS_KEY_FILE: options.cert.keyFile,
      AUTH0_DOMAIN: options.domain,
      AUTH0_CLIENT_ID: options.clientId,
      ...(options.lockBundle ? { LOCK_BUNDLE: options.lockBundle } : {}),
    },
    urlOf: (port) => `https://app.dev.localhost:${port}`,
  });
}

export interface RegularProfile {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Chromium with an ordinary (not incognito) profile, like a person's everyday browser. Contexts made
 * with `browser.newContext()` are incognito-like, and Chromium blocks third-party cookies in
 * incognito; cross-origin authentication from another site depends on them (Auth0's docs say so),
 * so that flow runs here. TLS trust as in browser.ts: the dev certificate's key, nothing else.
 */
export async function launchRegularProfile(certFile: string): Promise<RegularProfile> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-chromium-profile-'));
  // "Allow third-party cookies" (cookie_controls_mode 0), the setting Auth0's docs assume.
  await mkdir(join(dir, 'Default'));
  await writeFile(join(dir, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    chromiumSandbox: false,
    args: [...CHROMIUM_FLAGS, `--ignore-certificate-errors-spki-list=${spkiHash(certFile)}`],
    timeout: 60_000,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
