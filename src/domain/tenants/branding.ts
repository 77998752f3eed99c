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

/** The gradient form of `colors.page_background`, the only kind Auth0 documents. */
export const GRADIENT_TYPES = ['linear-gradient'] as const;
/** `angle_deg` range accepted for a gradient (a turn either way). */
export const GRADIENT_ANGLE = { min: -360, max: 360 } as const;

const HEX_COLOR = new RegExp(CSS_HEX_COLOR);
/** `value` when it is a hex colour (safe in a style sheet as it is), else undefined. */
export const hexColor = (value: unknown): string | undefined => (typeof value === 'string' && HEX_COLOR.test(value) ? value : undefined);

/**
 * The CSS background of `colors.page_background`: a hex colour, or a linear gradient
 * (`{ type: 'linear-gradient', start, end, angle_deg }`). Every part is checked again here, since
 * a value stored before the Management API validated gradients could hold anything; undefined when
 * the value is not one of those forms.
 */
export function pageBackgroundCss(value: unknown): { color: string } | { gradient: string } | undefined {
  const color = hexColor(value);
  if (color) return { color };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const gradient = value as Record<string, unknown>;
  const start = hexColor(gradient.start);
  const end = hexColor(gradient.end);
  const angle = gradient.angle_deg ?? 180;
  if (gradient.type !== 'linear-gradient' || !start || !end) return undefined;
  if (typeof angle !== 'number' || !Number.isFinite(angle) || angle < GRADIENT_ANGLE.min || angle > GRADIENT_ANGLE.max) return undefined;
  return { gradient: `linear-gradient(${angle}deg,${start},${end})` };
}

/**
 * `font.url` as a CSS string for `@font-face { src: url("…") }`: an https URL, re-serialized by the
 * URL parser and with every character outside a conservative set escaped (`\hex `), so that nothing
 * in it can close the string, the rule or the `<style>` element. Undefined for anything else.
 */
export function fontUrlCss(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:') return undefined;
  return url.href.replace(/[^A-Za-z0-9\-._~:/?#@!$&*+,;=%]/g, (c) => `\\${c.codePointAt(0)!.toString(16)} `);
}
