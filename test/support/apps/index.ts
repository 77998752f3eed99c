/**
 * Relying-party test apps, each in its own child process (plain `.mjs`, since Node 20 cannot run
 * TypeScript): the express-oauth2-jwt-bearer API, the auth0-spa-js single-page app, and the
 * express-openid-connect web app. Children trust the dev CA through NODE_EXTRA_CA_CERTS, exactly as
 * `tessera dev-cert` tells developers to run their own apps, and resolve `*.localhost` to loopback
 * through `localhost-dns.mjs`. Certificate verification stays on everywhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestServer } from '../server.js';

const APPS = import.meta.dirname;
const DNS_SHIM = pathToFileURL(join(APPS, 'localhost-dns.mjs')).href;

/** Apps still running when the test process exits (a failed hook, a crash) are killed, never left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface DevCertFiles {
  /** Server certificate (leaf) covering `{tenant}.localhost` and `*.{tenant}.localhost`. */
  certFile: string;
  keyFile: string;
  /** The throwaway dev CA that signed it. */
  caCertFile: string;
}

/**
 * The dev certificate a TLS test server runs with (`startTlsServer` in ../tls.ts). `runDevCert`
 * writes the CA next to the server certificate as `dev-ca.pem`.
 */
export function devCertFiles(server: TestServer): DevCertFiles {
  const certFile = server.env.TLS_CERT_FILE;
  const keyFile = server.env.TLS_KEY_FILE;
  if (!certFile || !keyFile) throw new Error('the server was not started with TLS (use startTlsServer)');
  return { certFile, keyFile, caCertFile: join(dirname(certFile), 'dev-ca.pem') };
}

export interface RunningApp {
  port: number;
  /** Base URL the app is reached at (no trailing slash). */
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `script` (a file in this directory) with `env`; the app prints `listening on PORT` once it
 * accepts connections. `caCertFile` becomes NODE_EXTRA_CA_CERTS.
 */
export async function startApp(
  script: string,
  options: { env?: Record<string, string>; caCertFile?: string; urlOf: (port: number) => string },
): Promise<RunningApp> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    ...(options.caCertFile ? { NODE_EXTRA_CA_CERTS: options.caCertFile } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', DNS_SHIM, resolve(APPS, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in time:\n${output}`)), 20_000);
    const check = () => {
      const match = /listening on (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  return {
    port,
    url: options.urlOf(port),
    output: () => output,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
  });
}

/** An Express API protected by express-oauth2-jwt-bearer (`auth({ issuerBaseURL, audience })`), on plain HTTP at 127.0.0.1. */
export function startJwtBearerApi(options: { issuerBaseURL: string; audience: string; caCertFile?: string }): Promise<RunningApp> {
  return startApp('jwt-bearer-api.mjs', {
    ...(options.caCertFile ? { caCertFile: options.caCertFile } : {}),
    env: { ISSUER_BASE_URL: options.issuerBaseURL, AUDIENCE: options.audience },
    urlOf: (port) => `http://127.0.0.1:${port}`,
  });
}

export interface SpaAppOptions {
  cert: DevCertFiles;
  /** What auth0-spa-js gets as `domain`, e.g. `dev.localhost:PORT`. */
  domain: string;
  clientId: string;
  /** Optional API audience for the access tokens. */
  audience?: string;
  /** Host name the app is served under; must be covered by the dev certificate. */
  host?: string;
}

/**
 * The auth0-spa-js 2.27.0 single-page app (`spa/`), served over HTTPS with the dev certificate at
 * `https://app.dev.localhost:PORT`. Its redirect URI is `{url}/callback`, its origin `{url}`.
 */
export function startSpaApp(options: SpaAppOptions): Promise<RunningApp> {
  const host = options.host ?? 'app.dev.localhost';
  return startApp('spa-server.mjs', {
    env: {
      TLS_CERT_FILE: options.cert.certFile,
      TLS_KEY_FILE: options.cert.keyFile,
      SPA_DOMAIN: options.domain,
      SPA_CLIENT_ID: options.clientId,
      ...(options.audience ? { SPA_AUDIENCE: options.audience } : {}),
    },
    urlOf: (port) => `https://${host}:${port}`,
  });
}

export interface WebAppOptions {
  cert: DevCertFiles;
  /** e.g. `https://dev.localhost:PORT` */
  issuerBaseURL: string;
  clientId: string;
  clientSecret: string;
  /** Host name the app is served under; must be covered by the dev certificate. */
  host?: string;
  /** Optional API audience for the access token. */
  audience?: string;
  /**
   * How the app logs out at the identity provider: `auth0` (`/v2/logout?returnTo&client_id`, the
   * default) or `oidc` (the discovery document's `end_session_endpoint` with `id_token_hint` and
   * `post_logout_redirect_uri`).
   */
  logout?: 'auth0' | 'oidc';
}

/**
 * The express-openid-connect web app (`web-app.mjs`) at `https://app.dev.localhost:PORT`, a
 * regular_web client with the authorization-code flow (PKCE, client_secret_basic). Its callback is
 * `{url}/callback`, its post-logout return URL `{url}/`.
 */
export function startWebApp(options: WebAppOptions): Promise<RunningApp> {
  const host = options.host ?? 'app.dev.localhost';
  return startApp('web-app.mjs', {
    caCertFile: options.cert.caCertFile,
    env: {
      TLS_CERT_FILE: options.cert.certFile,
      TLS_KEY_FILE: options.cert.keyFile,
      APP_HOST: host,
      ISSUER_BASE_URL: options.issuerBaseURL,
      CLIENT_ID: options.clientId,
      CLIENT_SECRET: options.clientSecret,
      LOGOUT_MODE: options.logout ?? 'auth0',
      ...(options.audience ? { AUDIENCE: options.audience } : {}),
    },
    urlOf: (port) => `https://${host}:${port}`,
  });
}
