/** Universal Login branding as Auth0's `/api/v2/branding` shows it. */
export interface Branding {
  colors?: { primary?: string; page_background?: string | Record<string, unknown> };
  logo_url?: string;
  favicon_url?: string;
  font?: { url?: string };
}

const MERGED = new Set(['colors', 'font']);

export function applyBrandingPatch(current: Branding, patch: Record<string, unknown>): Branding {
  const next: Record<string, unknown> = { ...current };
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) {
      delete next[field];
    } else if (MERGED.has(field) && typeof value === 'object') {
      const merged: Record<string, unknown> = { ...((next[field] as object | undefined) ?? {}) };
      for (const [key, inner] of Object.entries(value as object)) {
        if (inner === null) delete merged[key];
        else merged[key] = inner;
      }
      next[field] = merged;
    } else {
      next[field] = value;
    }
  }
  return next as Branding;
}

/** A CSS colour we can put in a stylesheet without escaping: hex only, as Auth0 accepts. */
export const CSS_HEX_COLOR = '^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$';
