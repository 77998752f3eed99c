/**
 * Reading and writing cookies without a dependency. Cookies set by the Authentication API are
 * HttpOnly; over HTTPS they are Secure and SameSite=None, so the session also reaches the server
 * from an application's hidden iframe (silent authentication); over plain HTTP, where browsers
 * refuse SameSite=None without Secure, they fall back to Lax.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export interface CookieOptions {
  path?: string;
  /** Seconds; omitted for a browser-session cookie, 0 to delete. */
  maxAge?: number;
  /** Forces SameSite=Lax even over HTTPS (cookies only the top-level login pages need). */
  lax?: boolean;
  /** SameSite=Strict (the dashboard's session: never sent on a request another site starts). */
  strict?: boolean;
}

export function setCookie(request: FastifyRequest, reply: FastifyReply, name: string, value: string, options: CookieOptions = {}): void {
  const secure = request.protocol === 'https';
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path ?? '/'}`, 'HttpOnly'];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  if (secure) parts.push('Secure');
  parts.push(options.strict ? 'SameSite=Strict' : secure && !options.lax ? 'SameSite=None' : 'SameSite=Lax');
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  reply.header('set-cookie', [...list, parts.join('; ')]);
}

export function clearCookie(request: FastifyRequest, reply: FastifyReply, name: string, path = '/'): void {
  setCookie(request, reply, name, '', { path, maxAge: 0 });
}
