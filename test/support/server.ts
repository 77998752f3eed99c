/**
 * Starts the real server (the built CLI, `node dist/cli/index.js start`) in a child process on a
 * free port, against a database of its own (migrated from the run's template unless the test passes
 * one: database.ts), and stops it afterwards. Tests talk to it over real HTTP(S).
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { migratedDatabase, type TestDatabase } from './database.js';

const CLI = resolve(import.meta.dirname, '../../dist/cli/index.js');

/**
 * Servers still running when their test file ends (a failed beforeAll, an assertion before the stop:
 * test/support/file-end.ts) or when the test process exits (a crash) are killed, never left behind.
 */
const running = new Set<ChildProcess>();
export function killLeftoverServers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
process.once('exit', killLeftoverServers);
const run = promisify(execFile);

export interface Bootstrap {
  tenant: string;
  client_id: string;
  client_secret: string;
}

export interface TestServer {
  port: number;
  /** `http(s)://localhost:PORT` — the default tenant. */
  baseUrl: string;
  /** URL of another tenant's host on this server. */
  urlFor(tenant: string): string;
  bootstrap: Bootstrap;
  output(): string;
  database: TestDatabase;
  /** Runs another `tessera` CLI command against the same database. */
  cli(...args: string[]): Promise<string>;
  /**
   * `tessera tenants create NAME` run in the test process (the CLI's own command, with the server's
   * environment), for the many tests that need a second tenant and are not about the CLI: a CLI
   * process costs a Node.js start-up and loading the domain (about 1.2 s of CPU each, ~60 a run),
   * the test process has them loaded already. Returns what the command prints. The tests of the CLI
   * itself use `cli(...)`.
   */
  createTenant(name: string): Promise<string>;
  bootstrapOf(tenant: string): Bootstrap;
  stop(): Promise<void>;
  env: Record<string, string>;
}

export interface StartOptions {
  env?: Record<string, string>;
  database?: TestDatabase;
  tls?: { certFile: string; keyFile: string };
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await migratedDatabase());
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    TESSERA_DATA_DIR: database.dataDir,
    TESSERA_BASE_DOMAIN: 'localhost',
    TESSERA_DEFAULT_TENANT: 'dev',
    LOG_LEVEL: 'warn',
    ...(options.tls ? { TLS_CERT_FILE: options.tls.certFile, TLS_KEY_FILE: options.tls.keyFile } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, [CLI, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const port = await waitForListening(child, () => output);
  const scheme = options.tls ? 'https' : 'http';
  const bootstrapOf = (tenant: string): Bootstrap => JSON.parse(readFileSync(join(database.dataDir, `bootstrap-${tenant}.json`), 'utf8'));
  return {
    port,
    baseUrl: `${scheme}://localhost:${port}`,
    urlFor: (tenant) => `${scheme}://${tenant}.localhost:${port}`,
    get bootstrap() {
      return bootstrapOf('dev');
    },
    bootstrapOf,
    output: () => output,
    database,
    env,
    cli: async (...args) => (await run(process.execPath, [CLI, ...args], { env })).stdout,
    createTenant: async (name) => {
      const [{ loadConfig }, { tenantsCommand }] = await Promise.all([import('../../src/config/config.js'), import('../../src/cli/tenants-command.js')]);
      const lines: string[] = [];
      await tenantsCommand(loadConfig(env), 'create', [name], { log: (line) => lines.push(line), warn: (line) => lines.push(line) });
      return lines.map((line) => `${line}\n`).join('');
    },
    stop: async () => {
      await stopChild(child);
      if (!options.database) await database.drop();
    },
  };
}

function waitForListening(child: ChildProcess, output: () => string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    // A server that misses the deadline is killed, not left running without a test to stop it.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output()}`));
    }, 30_000);
    const check = () => {
      const match = /Tessera listening on https?:\/\/[^:]+:(\d+)/.exec(output());
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output()}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}

/**
 * A plain-HTTP request to the server at 127.0.0.1 with the Host header of the tenant to address
 * (`host`, default `localhost`). node:http rather than fetch, because fetch will not set Host.
 */
export async function call(
  server: TestServer,
  path: string,
  init: { method?: string; host?: string; headers?: Record<string, string>; body?: string | object; form?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { host: `${init.host ?? 'localhost'}:${server.port}`, ...init.headers };
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (typeof init.body === 'object') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  } else if (typeof init.body === 'string') {
    body = init.body;
  }
  const method = init.method ?? (body !== undefined ? 'POST' : 'GET');
  const { status, responseHeaders, text } = await new Promise<{ status: number; responseHeaders: Headers; text: string }>((resolveResponse, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (data += chunk));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        resolveResponse({ status: res.statusCode ?? 0, responseHeaders, text: data });
      });
    });
    // A server may answer (413) and close before a large body is fully sent; that answer is what we
    // test, so a broken pipe while writing waits a moment for the response before failing.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') setTimeout(() => reject(error), 2_000);
      else reject(error);
    });
    req.end(body);
  });
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status, headers: responseHeaders, body: parsed, text };
}

/** A Management API token for a tenant from its bootstrap application. */
export async function managementToken(server: TestServer, tenant = 'dev', scope?: string): Promise<string> {
  const creds = server.bootstrapOf(tenant);
  const host = tenant === 'dev' ? 'localhost' : `${tenant}.localhost`;
  const response = await call(server, '/oauth/token', {
    host,
    form: {
      grant_type: 'client_credentials',
      client_id: creds.client_id,
      client_secret: creds.client_secret,
      audience: `http://${host}:${server.port}/api/v2/`,
      ...(scope ? { scope } : {}),
    },
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${response.text}`);
  return response.body.access_token;
}
