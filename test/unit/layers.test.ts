/**
 * The layer rule (docs/ARCHITECTURE.md, Layers): imports point down only. Every relative import in
 * src/ is resolved to the top-level folder it lands in and checked against the folders its own
 * folder may import. Peers (auth-api, management-api, login) may not import each other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

const LEAVES = ['util', 'crypto', 'config', 'http'];
/**
 * pages/: the HTML every browser-facing peer renders (the page shell, error pages, form-action
 * CSP). It sits below auth-api and login, which both answer browsers with pages, so that neither
 * has to import the other for them; it needs only the domain (tenant branding) and leaves.
 */
/** What each top-level folder may import besides itself. */
const MAY_IMPORT: Record<string, string[]> = {
  util: LEAVES,
  crypto: LEAVES,
  config: LEAVES,
  http: LEAVES,
  storage: [...LEAVES],
  domain: ['storage', ...LEAVES],
  pages: ['domain', ...LEAVES],
  'auth-api': ['pages', 'domain', 'storage', ...LEAVES],
  'management-api': ['domain', 'storage', ...LEAVES],
  login: ['pages', 'domain', 'storage', ...LEAVES],
  'control-api': ['pages', 'domain', 'storage', ...LEAVES],
  server: ['auth-api', 'management-api', 'login', 'control-api', 'pages', 'domain', 'storage', ...LEAVES],
  cli: ['server', 'auth-api', 'management-api', 'login', 'control-api', 'pages', 'domain', 'storage', ...LEAVES],
};

/**
 * Imports known to break the rule, as `from-file -> to-folder`, kept exact: the test fails when one
 * of them goes away too, so the list only shrinks. Empty since issue 12's interaction boundary
 * ended the 19 auth-api <-> login imports; keep it so.
 */
const KNOWN_VIOLATIONS = new Set<string>([]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function violations(): string[] {
  const found = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const fromFolder = relative(SRC, file).split(sep)[0]!;
    const allowed = MAY_IMPORT[fromFolder];
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = relative(SRC, resolve(dirname(file), match[1]!));
      const toFolder = target.split(sep)[0]!;
      if (toFolder === fromFolder) continue;
      if (!allowed || !allowed.includes(toFolder)) found.add(`${relative(SRC, file)} -> ${toFolder}`);
    }
  }
  return [...found].sort();
}

describe('layer rule', () => {
  it('every top-level folder of src/ has a place in the layers', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !(f in MAY_IMPORT))).toEqual([]);
  });

  it('no import points up or sideways, except the listed known ones', () => {
    const found = violations();
    expect(found.filter((v) => !KNOWN_VIOLATIONS.has(v))).toEqual([]);
    expect([...KNOWN_VIOLATIONS].filter((v) => !found.includes(v))).toEqual([]);
  });
});
