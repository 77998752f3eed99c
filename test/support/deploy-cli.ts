/**
 * Runs Auth0's real Deploy CLI (the pinned `auth0-deploy-cli` package) against a TLS test server, in
 * a child process as a team would run it: it asks for its Management API token by client credentials
 * at the tenant's `/oauth/token` and then calls `/api/v2`. The child trusts the dev CA through
 * NODE_EXTRA_CA_CERTS and resolves `*.localhost` to loopback through the same shim as the
 * relying-party apps; certificate verification stays on. One child serves a whole test file
 * (apps/deploy-cli-runner.cjs says why: the CLI's schema compile is paid once).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { load as loadYaml } from 'js-yaml';
import { devCertFiles } from './apps/index.js';
import type { Bootstrap } from './server.js';
import type { TlsTestServer } from './tls.js';

const require = createRequire(import.meta.url);
const A0DEPLOY = join(dirname(require.resolve('auth0-deploy-cli/package.json')), 'lib/index.js');
const RUNNER = join(import.meta.dirname, 'apps/deploy-cli-runner.cjs');
const DNS_SHIM = pathToFileURL(join(import.meta.dirname, 'apps/localhost-dns.mjs')).href;

/**
 * The resource types Tessera does not implement (yet): excluded the way the Deploy CLI's documentation
 * tells a team to exclude what its tenant does not use. Everything else is exported and imported.
 */
export const NOT_IMPLEMENTED_TYPES = [
  'actions',
  'actionModules',
  'triggers',
  'rules',
  'rulesConfigs',
  'hooks',
  'organizations',
  'logStreams',
  'guardianFactors',
  'guardianFactorProviders',
  'guardianFactorTemplates',
  'guardianPhoneFactorMessageTypes',
  'guardianPhoneFactorSelectedProvider',
  'guardianPolicies',
  'emailProvider',
  'emailTemplates',
  'themes',
  'forms',
  'flows',
  'flowVaultConnections',
  'selfServiceProfiles',
  'networkACLs',
  'userAttributeProfiles',
  'connectionProfiles',
  'phoneProviders',
  'phoneTemplates',
  'eventStreams',
  'tokenExchangeProfiles',
  'rateLimitPolicies',
  'riskAssessment',
  'supplementalSignals',
  'prompts',
  'pages',
];

export interface DeployRun {
  /** Everything the CLI printed (stdout and stderr). */
  output: string;
}

export interface DeployOptions {
  tls: TlsTestServer;
  tenant: string;
  creds?: Bootstrap;
  /** Extra Deploy CLI configuration (AUTH0_KEYWORD_REPLACE_MAPPINGS, AUTH0_ALLOW_DELETE, ...). */
  config?: Record<string, unknown>;
}

/** Debugging aids, off by default: A0_NODE_ARGS adds Node.js flags to the CLI's process (`--cpu-prof`, `--import` a fetch logger). */
const debugNodeArgs = (process.env.A0_NODE_ARGS ?? '').split(' ').filter(Boolean);
const COMMAND_TIMEOUT_MS = 180_000;

interface Runner {
  child: ChildProcess;
  caCertFile: string;
  /** What the CLI printed since the current command started. */
  output: string;
  ready: Promise<void>;
  nextId: number;
}

let runner: Runner | undefined;

function startRunner(caCertFile: string): Runner {
  const child = fork(RUNNER, [], {
    execArgv: [...debugNodeArgs, '--import', DNS_SHIM],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_EXTRA_CA_CERTS: caCertFile,
      A0DEPLOY_MAIN: A0DEPLOY,
      // No colours, no prompts: the CLI runs as in a CI pipeline.
      NO_COLOR: '1',
      CI: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const started: Runner = { child, caCertFile, output: '', nextId: 1, ready: Promise.resolve() };
  child.stdout!.on('data', (chunk: Buffer) => (started.output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (started.output += chunk.toString('utf8')));
  started.ready = new Promise((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the Deploy CLI runner exited (${code}) before it was ready:\n${started.output}`)));
  });
  return started;
}

/** Stops the file's Deploy CLI process (call it in afterAll). */
export async function closeDeployCli(): Promise<void> {
  const current = runner;
  runner = undefined;
  if (!current || current.child.exitCode !== null) return;
  const exited = new Promise((resolve) => current.child.once('exit', resolve));
  current.child.kill();
  await exited;
}

/** `a0deploy import|export --flag value ...` as the parameters the CLI's argument parser makes of them. */
function cliParams(args: string[], configFile: string): { command: 'import' | 'export'; params: Record<string, string> } {
  const [command, ...rest] = args;
  if (command !== 'import' && command !== 'export') throw new Error(`a0deploy: unsupported command ${command}`);
  const params: Record<string, string> = { config_file: configFile };
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i]!;
    if (!flag.startsWith('--') || rest[i + 1] === undefined) throw new Error(`a0deploy: expected --flag value, got ${rest.slice(i).join(' ')}`);
    params[flag.slice(2)] = rest[i + 1]!;
  }
  return { command, params };
}

async function run(current: Runner, command: string, params: Record<string, string>, label: string): Promise<DeployRun> {
  await current.ready;
  const id = current.nextId++;
  current.output = '';
  return new Promise<DeployRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      void closeDeployCli();
      reject(new Error(`a0deploy ${label} timed out after ${COMMAND_TIMEOUT_MS} ms:\n${current.output}`));
    }, COMMAND_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`a0deploy ${label}: the CLI process exited (${code}):\n${current.output}`));
    };
    const onMessage = (message: { id?: number; ok?: boolean; message?: string; type?: string; stage?: string }) => {
      if (message.id !== id) return;
      clearTimeout(timer);
      current.child.off('message', onMessage);
      current.child.off('exit', onExit);
      const output = current.output;
      if (process.env.A0_DEBUG_LOG) appendFileSync(process.env.A0_DEBUG_LOG, `\n=== a0deploy ${label}\n${output}\n${message.message ?? ''}`);
      if (message.ok) resolve({ output });
      else {
        const where = message.stage ? ` during stage ${message.stage} when processing type ${message.type}` : '';
        reject(new Error(`a0deploy ${label} failed${where}: ${message.message}\n${output}`));
      }
    };
    current.child.on('message', onMessage);
    current.child.once('exit', onExit);
    current.child.send({ id, command, params });
  });
}

/** Runs `a0deploy <args>` with a config file naming the tenant; rejects with the CLI's error and output when it fails. */
export async function a0deploy(args: string[], { tls, tenant, creds = tls.server.bootstrapOf(tenant), config = {} }: DeployOptions): Promise<DeployRun> {
  const caCertFile = devCertFiles(tls.server).caCertFile;
  if (runner && runner.caCertFile !== caCertFile) await closeDeployCli();
  runner ??= startRunner(caCertFile);
  const dir = await mkdtemp(join(tmpdir(), 'tessera-a0deploy-config-'));
  try {
    const configFile = join(dir, 'config.json');
    const fullConfig = {
      AUTH0_DOMAIN: tls.hostOf(tenant),
      AUTH0_CLIENT_ID: creds.client_id,
      AUTH0_CLIENT_SECRET: creds.client_secret,
      AUTH0_EXCLUDED: NOT_IMPLEMENTED_TYPES,
      ...config,
    };
    await writeFile(configFile, JSON.stringify(fullConfig));
    const { command, params } = cliParams(args, configFile);
    return await run(runner, command, params, args.join(' '));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A temporary folder for exports, removed by `cleanup`. */
export async function exportFolder(): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'tessera-a0deploy-'));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** `a0deploy export --format yaml` into `folder`, parsed. */
export async function exportYaml(folder: string, options: DeployOptions): Promise<{ tenant: Record<string, any>; text: string; output: string }> {
  const { output } = await a0deploy(['export', '--format', 'yaml', '--output_folder', folder], options);
  const text = await readFile(join(folder, 'tenant.yaml'), 'utf8');
  return { tenant: loadYaml(text) as Record<string, any>, text, output };
}
