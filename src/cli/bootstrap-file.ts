/** Writes a tenant's bootstrap credentials to `{data dir}/bootstrap-{tenant}.json`, readable by the owner only. */
import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootstrapCredentials } from '../domain/bootstrap.js';

export const bootstrapFilePath = (dataDir: string, tenant: string): string => join(dataDir, `bootstrap-${tenant}.json`);

/** False when the file is missing (deleted by the operator, or another container's data dir). */
export async function bootstrapFileExists(dataDir: string, tenant: string): Promise<boolean> {
  return access(bootstrapFilePath(dataDir, tenant)).then(
    () => true,
    () => false,
  );
}

export async function writeBootstrapFile(dataDir: string, credentials: BootstrapCredentials): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = bootstrapFilePath(dataDir, credentials.tenant);
  // Written aside and renamed into place: readers never see a half-written file, and the mode of a
  // fresh file is 600 whatever an older file had.
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await rename(temporary, file);
  return file;
}

export function describeBootstrap(credentials: BootstrapCredentials, file: string, baseUrl: string): string {
  return [
    `Tenant "${credentials.tenant}" bootstrap application (Management API, all scopes):`,
    `  client_id:     ${credentials.client_id}`,
    `  client_secret: ${credentials.client_secret}`,
    `  audience:      ${credentials.audience}`,
    `  saved to:      ${file}`,
    'Get a Management API token:',
    `  curl -s ${baseUrl}/oauth/token -H 'content-type: application/json' \\`,
    `    -d '{"grant_type":"client_credentials","client_id":"${credentials.client_id}","client_secret":"<secret>","audience":"${baseUrl}/api/v2/"}'`,
  ].join('\n');
}
