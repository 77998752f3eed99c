/**
 * The master key for secrets at rest: TESSERA_ENCRYPTION_KEY, or else `{data dir}/encryption.key`,
 * generated at first start (owner-only) and reused afterwards. Instances sharing a database must
 * share the key (same variable or same data dir).
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, parseEncryptionKey, type Config } from '../config/config.js';
import { SecretBox, SECRET_BOX_KEY_BYTES } from '../crypto/secret-box.js';
import type { Storage } from '../storage/storage.js';

export interface EncryptionKey {
  key: Buffer;
  /** Where the key came from, named in error messages. */
  source: string;
}

export async function resolveEncryptionKey(config: Config): Promise<EncryptionKey> {
  if (config.encryptionKey) return { key: config.encryptionKey, source: 'TESSERA_ENCRYPTION_KEY' };
  const file = join(config.dataDir, 'encryption.key');
  const existing = await readKeyFile(file);
  if (existing) return { key: existing, source: file };
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  // Written aside then hard-linked into place: link fails if the file exists, so instances starting
  // together on one data dir agree on whichever key landed first, and nobody reads a half-written file.
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, `${randomBytes(SECRET_BOX_KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
  return { key: (await readKeyFile(file))!, source: file };
}

async function readKeyFile(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseEncryptionKey(text, file);
}

/**
 * Run once per start, after migrations: proves the key decrypts every secret already stored (a
 * wrong key or a tampered row stops the server instead of serving broken keys), then encrypts any
 * secret still stored in clear. One transaction, and idempotent: a second run finds nothing to encrypt.
 */
export async function prepareEncryptionAtRest(storage: Storage, box: SecretBox, source: string): Promise<void> {
  await storage.transaction(async (repos) => {
    const checks = [await repos.signingKeys.verifySealed(box), await repos.clients.verifySealed(box), await repos.resourceServers.verifySealed(box)];
    const verified = checks.reduce((n, c) => n + c.verified, 0);
    const failed = checks.flatMap((c) => c.failed);
    const variable = source === 'TESSERA_ENCRYPTION_KEY' ? source : `encryption key file ${source}`;
    if (failed.length > 0 && verified === 0) {
      throw new ConfigError(
        variable,
        'does not decrypt the secrets stored in the database: it is not the key they were encrypted with. ' +
          'Every instance sharing a database needs the same TESSERA_ENCRYPTION_KEY (or the same data dir encryption.key).',
      );
    }
    if (failed.length > 0) {
      // The key is right (other rows decrypt): these values were altered or copied from another row.
      throw new ConfigError(variable, `decrypts the other secrets but not ${failed.length} stored value(s), which were altered or moved between rows: ${failed.slice(0, 10).join('; ')}`);
    }
    await repos.signingKeys.sealPlaintext(box);
    await repos.clients.sealPlaintext(box);
    await repos.resourceServers.sealPlaintext(box);
  });
}
