/**
 * Runs Auth0's real Deploy CLI (`a0deploy`, the pinned `auth0-deploy-cli` package) against a TLS test
 * server, in a child process of its own as a team would run it: it asks for its Management API token
 * by client credentials at the tenant's `/oauth/token` and then calls `/api/v2`. The child trusts the
 * dev CA through NODE_EXTRA_CA_CERTS and resolves `*.localhost` to loopback through the same shim as
 * the relying-party apps; certificate verification stays on.
 */
import { execFile } from 'node:child_process';
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
  'clientAuthCredentials',
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

/** Runs `a0deploy <args>` with a config file naming the tenant; rejects with the CLI's output when it exits non-zero. */
export async function a0deploy(args: string[], { tls, tenant, creds = tls.server.bootstrapOf(tenant), config = {} }: DeployOptions): Promise<DeployRun> {
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
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_EXTRA_CA_CERTS: devCertFiles(tls.server).caCertFile,
      // No colours, no prompts: the CLI runs as in a CI pipeline.
      NO_COLOR: '1',
      CI: 'true',
    };
    return await new Promise<DeployRun>((resolve, reject) => {
      execFile(
        process.execPath,
        [...debugNodeArgs, '--import', DNS_SHIM, A0DEPLOY, ...args, '--config_file', configFile],
        { env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const output = `${stdout}${stderr}`;
          if (process.env.A0_DEBUG_LOG) appendFileSync(process.env.A0_DEBUG_LOG, `\n=== a0deploy ${args.join(' ')}\n${output}`);
          if (error) reject(new Error(`a0deploy ${args.join(' ')} failed (${error.code ?? error.signal}):\n${output}`));
          else resolve({ output });
        },
      );
    });
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
