/**
 * Builds the dashboard into dist/dashboard (served by src/server/dashboard-assets.ts on the admin
 * host). Everything the page loads is a file under /assets/ with a content hash, so the server can
 * cache it for a year, and nothing is inline, so the CSP can say `script-src 'self'`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The color-scheme script (color-scheme.js) as a hashed file loaded by a blocking <script> in
 * <head>: it must run before the first paint, which a module script (deferred) cannot.
 */
function colorSchemeScript(): Plugin {
  const source = readFileSync(`${here}color-scheme.js`, 'utf8');
  const fileName = `assets/color-scheme-${createHash('sha256').update(source).digest('hex').slice(0, 8)}.js`;
  return {
    name: 'tessera-color-scheme-script',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName, source });
    },
    transformIndexHtml: () => [{ tag: 'script', attrs: { src: `/${fileName}` }, injectTo: 'head' }],
  };
}

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react(), colorSchemeScript()],
  build: {
    outDir: '../dist/dashboard',
    emptyOutDir: true,
    assetsDir: 'assets',
    // A CSP without 'unsafe-inline' for scripts: never inline the module preload polyfill.
    modulePreload: { polyfill: false },
    // Small assets stay files rather than data: URLs (img-src allows data:, fonts would not).
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: { port: 5173, strictPort: true },
});
