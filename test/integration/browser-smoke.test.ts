/**
 * The browser-test plumbing works end to end: Debian's Chromium under playwright-core reaches the
 * server over real TLS at `https://dev.localhost:PORT`, trusting our dev certificate by its public
 * key only, while certificate verification stays on for anything else.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { runDevCert } from '../../src/cli/dev-cert.js';
import { devCertFiles } from '../support/apps/index.js';
import { closeBrowser, launchBrowser, withPage } from '../support/browser.js';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';

let tls: TlsTestServer;
let browser: Browser;

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  browser = await launchBrowser({ trustCertificates: [devCertFiles(tls.server).certFile] });
});
afterAll(async () => {
  await closeBrowser(browser);
  await tls?.close();
});

describe('Chromium against the TLS server', () => {
  it('opens the discovery document at https://dev.localhost:PORT and reads the issuer', async () => {
    await withPage(browser, 'discovery', async (page) => {
      const response = await page.goto(`https://${tls.hostOf('dev')}/.well-known/openid-configuration`);
      expect(response?.status()).toBe(200);
      // Chromium shows a JSON document as text in the body; the text is the JSON as served.
      const discovery = JSON.parse(await page.locator('body').innerText());
      expect(discovery.issuer).toBe(`https://${tls.hostOf('dev')}/`);
    });
  });

  it('still refuses a certificate it was not told to trust', async () => {
    // Another throwaway CA and server key, served in process: its SPKI hash is not on Chromium's list.
    const dir = await mkdtemp(join(tmpdir(), 'tessera-stranger-cert-'));
    const { certFile, keyFile } = await runDevCert({ outDir: dir, baseDomain: 'localhost', tenantNames: ['dev'] });
    const stranger = createHttpsServer({ cert: await readFile(certFile), key: await readFile(keyFile) }, (_req, res) => res.end('{}'));
    await new Promise<void>((done) => stranger.listen(0, '127.0.0.1', done));
    try {
      const { port } = stranger.address() as AddressInfo;
      await withPage(browser, 'untrusted-certificate', async (page) => {
        const error = await page.goto(`https://dev.localhost:${port}/`).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(error?.message).toMatch(/ERR_CERT_AUTHORITY_INVALID/);
      });
    } finally {
      await new Promise((done) => stranger.close(done));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
