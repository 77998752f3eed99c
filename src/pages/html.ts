/**
 * The HTML shell of every page a browser sees (hosted login pages, the Authentication API's error
 * page, form_post and web_message responses, logout, cross-origin verification): escaping, the
 * tenant's branding (friendly name, logo) and a small stylesheet with light and dark themes. Pages
 * carry a strict CSP; their only inline script, if any, runs by nonce.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Tenant } from '../domain/tenants/tenant-service.js';
import { fontUrlCss, hexColor, pageBackgroundCss } from '../domain/tenants/branding.js';

export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1e212a;--muted:#65676e;--accent:#635dff;--border:#c9cace;--error:#d03c38}
@media (prefers-color-scheme:dark){:root{--bg:#16171b;--card:#22232a;--text:#f1f1f3;--muted:#a4a6ad;--border:#4a4c55;--accent:#8c87ff;--error:#ff6b66}}
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{width:100%;max-width:400px;margin:24px;padding:40px;background:var(--card);border-radius:8px;box-shadow:0 12px 40px rgba(0,0,0,.12)}
header{text-align:center;margin-bottom:24px}header img{max-height:52px;max-width:200px}h1{font-size:24px;font-weight:400;margin:16px 0 8px}p{color:var(--muted);margin:0 0 16px}
label{display:block;font-size:14px;margin:16px 0 4px}input{width:100%;padding:12px;font:inherit;color:var(--text);background:transparent;border:1px solid var(--border);border-radius:4px}
input:focus{outline:2px solid var(--accent);outline-offset:1px}button{width:100%;margin-top:24px;padding:14px;font:inherit;color:#fff;background:var(--accent);border:0;border-radius:4px;cursor:pointer}
.error{color:var(--error);border:1px solid var(--error);border-radius:4px;padding:8px 12px;margin:16px 0}code{font-size:13px;word-break:break-all}
.hint{font-size:13px;color:var(--muted);margin:4px 0 0}.links{margin:20px 0 0;text-align:center;font-size:14px;color:var(--muted)}a{color:var(--accent)}a:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.actions{display:flex;gap:12px}.actions button{flex:1}button.secondary{color:var(--text);background:transparent;border:1px solid var(--border)}button:focus-visible{outline:2px solid var(--text);outline-offset:2px}
.scopes{margin:0 0 8px;padding:0;list-style:none;border:1px solid var(--border);border-radius:4px}.scopes li{padding:10px 12px}.scopes li+li{border-top:1px solid var(--border)}.app{color:var(--text);font-weight:600}
`;

export interface PageOptions {
  title: string;
  body: string;
  /** Inline script, run under a per-response nonce. */
  script?: string;
  /** Extra CSP directives, e.g. `form-action https://app.example.com`. */
  csp?: string[];
  /** Origins allowed to frame the page (web_message); by default no one may. */
  frameAncestors?: string;
  status?: number;
}

export function renderPage(reply: FastifyReply, tenant: Tenant | null, options: PageOptions): FastifyReply {
  const nonce = randomBytes(16).toString('base64');
  const name = tenant?.settings.friendly_name ?? tenant?.name ?? 'Tessera';
  const logoUrl = tenant?.branding.logo_url ?? tenant?.settings.picture_url;
  const logo = logoUrl ? `<img src="${escapeHtml(logoUrl)}" alt="${escapeHtml(name)}">` : '';
  const favicon = tenant?.branding.favicon_url ? `<link rel="icon" href="${escapeHtml(tenant.branding.favicon_url)}">` : '';
  const branding = brandingStyle(tenant);
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src https: data:",
    // The branding font is fetched from its own https URL (a fixed source expression: nothing from
    // the URL is written into the policy).
    ...(branding.font ? ['font-src https:'] : []),
    `script-src 'nonce-${nonce}'`,
    `frame-ancestors ${options.frameAncestors ?? "'none'"}`,
    "base-uri 'none'",
    ...(options.csp ?? ["form-action 'self'"]),
  ].join('; ');
  if (options.frameAncestors) reply.removeHeader('x-frame-options');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(options.title)} | ${escapeHtml(name)}</title>${favicon}<style>${STYLE}${branding.css}</style></head>
<body><main><header>${logo}<h1>${escapeHtml(options.title)}</h1></header>${options.body}</main>${options.script ? `<script nonce="${nonce}">${options.script}</script>` : ''}</body></html>`;
  return reply
    .code(options.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', csp)
    .send(html);
}

/** The error page of the Authentication API; a tenant's custom error page URL takes precedence. */
export function renderErrorPage(reply: FastifyReply, tenant: Tenant | null, error: string, description: string, status = 400): FastifyReply {
  const custom = tenant?.settings.error_page?.url;
  if (custom) {
    const url = new URL(custom);
    url.searchParams.set('error', error);
    url.searchParams.set('error_description', description);
    return reply.redirect(url.toString(), 302);
  }
  return renderPage(reply, tenant, {
    title: 'Something went wrong',
    status,
    body: `<p>We could not complete your request.</p><div class="error" role="alert"><strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}</div>`,
  });
}

/**
 * The tenant's branding overrides the theme: the primary colour, the page background (a colour or
 * a linear gradient) and the font (`@font-face` from `font.url`). Every value is validated again
 * here (hex colours, a numeric angle, an https URL escaped as a CSS string: see branding.ts), since
 * it goes into a style sheet; anything else is left out.
 */
function brandingStyle(tenant: Tenant | null): { css: string; font: boolean } {
  const branding = tenant?.branding;
  const primary = hexColor(branding?.colors?.primary);
  const background = pageBackgroundCss(branding?.colors?.page_background);
  const font = fontUrlCss(branding?.font?.url);
  const variables = `${primary ? `--accent:${primary};` : ''}${background && 'color' in background ? `--bg:${background.color};` : ''}`;
  let css = variables ? `:root{${variables}}` : '';
  if (background && 'gradient' in background) css += `body{background:${background.gradient}}`;
  if (font) css += `@font-face{font-family:"tessera-brand";src:url("${font}");font-display:swap}body{font-family:"tessera-brand",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}`;
  return { css, font: font !== undefined };
}
