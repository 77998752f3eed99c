/**
 * Builds the dashboard into dist/dashboard (served by src/server/dashboard-assets.ts on the admin
 * host). Everything the page loads is a file under /assets/ with a content hash, so the server can
 * cache it for a year, and nothing is inline, so the CSP can say `script-src 'self'`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
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

/**
 * `import { IconX } from '@tabler/icons-react'` becomes an import of that icon's own module. The
 * package's entry re-exports about 6,300 icon modules, which the bundler would otherwise parse at
 * every build only to drop all but a few: this keeps the build several seconds shorter. An icon
 * whose module is not found keeps the package import.
 */
function tablerIconImports(): Plugin {
  const iconDir = fileURLToPath(new URL('../node_modules/@tabler/icons-react/dist/esm/icons/', import.meta.url));
  const pattern = /import\s*\{([^}]*)\}\s*from\s*['"]@tabler\/icons-react['"];?/g;
  return {
    name: 'tessera-tabler-icon-imports',
    enforce: 'pre',
    transform(code, id) {
      if (!id.startsWith(here) || !/\.tsx?$/.test(id) || !code.includes('@tabler/icons-react')) return null;
      const rewritten = code.replace(pattern, (whole, names: string) => {
        const icons = names.split(',').map((n) => n.trim()).filter(Boolean);
        if (icons.some((n) => !/^Icon\w+$/.test(n) || !existsSync(`${iconDir}${n}.mjs`))) return whole;
        return icons.map((n) => `import ${n} from '@tabler/icons-react/dist/esm/icons/${n}.mjs';`).join('\n');
      });
      return rewritten === code ? null : { code: rewritten, map: null };
    },
  };
}

/**
 * Brotli and gzip copies of the text assets (`x.js.br`, `x.js.gz`), made once at build time:
 * @fastify/static (`preCompressed`) sends them to browsers that accept them, so the server never
 * compresses per request and still sends about a quarter of the bytes.
 */
function precompress(): Plugin {
  return {
    name: 'tessera-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const outDir = options.dir ?? '';
      for (const fileName of Object.keys(bundle)) {
        if (!fileName.startsWith('assets/') || !/\.(js|css|svg)$/.test(fileName)) continue;
        const path = join(outDir, fileName);
        const source = readFileSync(path);
        if (source.length < 1024) continue;
        writeFileSync(`${path}.br`, brotliCompressSync(source, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: source.length } }));
        writeFileSync(`${path}.gz`, gzipSync(source, { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  plugins: [tablerIconImports(), react(), colorSchemeScript(), precompress()],
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
