/**
 * The Branding form and the PATCH /branding body it saves. Tessera's hosted pages use the primary
 * colour (buttons, links, focus), a plain page background colour, the logo and the favicon
 * (src/pages/html.ts); those are what the form offers. A cleared field is sent as null, which
 * removes the setting. No DOM: unit-tested in test/unit/dashboard-security.test.ts.
 */
import type { paths } from '../../api/generated/management.js';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type Branding = Json<paths['/api/v2/branding']['get']['responses'][200]>;
export type BrandingPatch = Json<paths['/api/v2/branding']['patch']['requestBody']>;

export interface BrandingForm {
  primary: string;
  pageBackground: string;
  logoUrl: string;
  faviconUrl: string;
}

/** The Management API's pattern (domain/tenants/branding.ts): hex only, as Auth0 accepts. */
const HEX = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
export const MAX_URL_LENGTH = 2000;

export function formOf(branding: Branding): BrandingForm {
  const background = branding.colors?.page_background;
  return {
    primary: branding.colors?.primary ?? '',
    // A gradient object (settable through the API) is not a colour this form can show.
    pageBackground: typeof background === 'string' ? background : '',
    logoUrl: branding.logo_url ?? '',
    faviconUrl: branding.favicon_url ?? '',
  };
}

/** Whether the stored page background is something other than a plain colour (a gradient). */
export function hasGradientBackground(branding: Branding): boolean {
  const background = branding.colors?.page_background;
  return background !== undefined && typeof background !== 'string';
}

export function colorProblem(value: string): string | undefined {
  return value.trim() === '' || HEX.test(value.trim()) ? undefined : 'Enter a hex colour such as #635dff.';
}

export function urlProblem(value: string): string | undefined {
  const url = value.trim();
  if (url === '') return undefined;
  if (url.length > MAX_URL_LENGTH) return `At most ${MAX_URL_LENGTH} characters.`;
  if (!url.startsWith('https://')) return 'Must be an https:// URL.';
  try {
    new URL(url);
  } catch {
    return 'Not a valid URL.';
  }
  return undefined;
}

export function formProblems(form: BrandingForm): Partial<Record<keyof BrandingForm, string>> {
  const problems: Partial<Record<keyof BrandingForm, string>> = {};
  const primary = colorProblem(form.primary);
  const background = colorProblem(form.pageBackground);
  const logo = urlProblem(form.logoUrl);
  const favicon = urlProblem(form.faviconUrl);
  if (primary) problems.primary = primary;
  if (background) problems.pageBackground = background;
  if (logo) problems.logoUrl = logo;
  if (favicon) problems.faviconUrl = favicon;
  return problems;
}

/**
 * The PATCH body. A gradient background the form could not show is kept unless a colour replaces it.
 */
export function patchOf(form: BrandingForm, stored: Branding): BrandingPatch {
  const orNull = (value: string) => (value.trim() === '' ? null : value.trim());
  const keepGradient = form.pageBackground.trim() === '' && hasGradientBackground(stored);
  return {
    colors: { primary: orNull(form.primary), ...(keepGradient ? {} : { page_background: orNull(form.pageBackground) }) },
    logo_url: orNull(form.logoUrl),
    favicon_url: orNull(form.faviconUrl),
  } as BrandingPatch;
}
