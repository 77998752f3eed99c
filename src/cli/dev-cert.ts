import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createDevCertificateAuthority,
  issueServerCertificate,
  type PemKeyPair,
} from '../crypto/x509.js';

export interface DevCertPaths {
  caCertFile: string;
  certFile: string;
  keyFile: string;
}

const PUBLIC_MODE = 0o644;
const PRIVATE_MODE = 0o600;

/**
 * Writes a local CA and a server certificate for `baseDomain` into `outDir`.
 * An existing CA is reused unless `force`, so a CA the user already trusted keeps working.
 */
export async function runDevCert(opts: {
  outDir: string;
  baseDomain: string;
  /** Tenants to name explicitly: Node's TLS rejects `*.localhost` for `dev.localhost` (a wildcard right under a one-label name). */
  tenantNames?: string[];
  /** Other exact host names to name (the admin host, which need not be under the base domain). */
  hosts?: string[];
  force?: boolean;
}): Promise<DevCertPaths> {
  await mkdir(opts.outDir, { recursive: true, mode: 0o700 });
  const caCertFile = join(opts.outDir, 'dev-ca.pem');
  const caKeyFile = join(opts.outDir, 'dev-ca-key.pem');
  const certFile = join(opts.outDir, 'dev-cert.pem');
  const keyFile = join(opts.outDir, 'dev-key.pem');

  const existingCa = opts.force ? undefined : await loadCa(caCertFile, caKeyFile);
  const ca = existingCa ?? (await createDevCertificateAuthority());
  if (!existingCa) {
    await writeFileAtomic(caKeyFile, ca.keyPem, PRIVATE_MODE);
    await writeFileAtomic(caCertFile, ca.certPem, PUBLIC_MODE);
  }

  const server = await issueServerCertificate({ ca, dnsNames: [...new Set([...dnsNamesFor(opts.baseDomain, opts.tenantNames ?? []), ...(opts.hosts ?? []).map((h) => h.toLowerCase())])] });
  await writeFileAtomic(keyFile, server.keyPem, PRIVATE_MODE);
  await writeFileAtomic(certFile, server.certPem, PUBLIC_MODE);
  return { caCertFile, certFile, keyFile };
}

/** What the CLI prints after runDevCert. */
export function devCertUsage(paths: DevCertPaths): string {
  const ca = shellQuote(paths.caCertFile);
  return [
    `Development CA:     ${paths.caCertFile}`,
    `Server certificate: ${paths.certFile}`,
    `Server key:         ${paths.keyFile}`,
    '',
    'Start the server with TLS:',
    `  TLS_CERT_FILE=${shellQuote(paths.certFile)} TLS_KEY_FILE=${shellQuote(paths.keyFile)} tessera start`,
    'Make Node.js SDKs trust it:',
    `  export NODE_EXTRA_CA_CERTS=${ca}`,
    `Browsers and curl need ${ca} added to the OS or browser trust store (curl: --cacert ${ca}).`,
  ].join('\n');
}

/** Each tenant gets its own name plus a wildcard below it, so `app.dev.localhost` works for same-site SPA tests. */
function dnsNamesFor(baseDomain: string, tenantNames: string[]): string[] {
  const base = baseDomain.toLowerCase();
  const tenants = tenantNames.flatMap((name) => [`${name}.${base}`, `*.${name}.${base}`]);
  return [...new Set([base, `*.${base}`, 'localhost', '*.localhost', ...tenants])];
}

/** Half a CA is unusable, and silently replacing it would break the trust the user set up. */
async function loadCa(certFile: string, keyFile: string): Promise<PemKeyPair | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certFile), readIfExists(keyFile)]);
  if (certPem !== undefined && keyPem !== undefined) return { certPem, keyPem };
  if (certPem !== undefined || keyPem !== undefined) {
    throw new Error(`only one of ${certFile} and ${keyFile} exists; use force to create a new CA`);
  }
  return undefined;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * writeFile's mode only applies to new files, so overwriting an existing key file in
 * place would keep its old permissions; a fresh temp file renamed over it does not.
 */
async function writeFileAtomic(file: string, data: string, mode: number): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode, flag: 'wx' });
  await rename(tmp, file);
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
