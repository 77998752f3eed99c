/**
 * The dashboard's session on the control API: an HttpOnly cookie on the admin host
 * (`__Host-tessera_dash` over HTTPS: Secure, Path=/, no Domain, so no tenant subdomain ever sees it;
 * `tessera_dash` over plain-HTTP development), SameSite=Strict, whose value the server stores only
 * hashed (domain/control-plane/dashboard-sessions.ts).
 *
 * State-changing requests also need the session's CSRF token in `x-tessera-csrf` (handed out by
 * GET /me) and an Origin, when sent, equal to the admin origin.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clearCookie, readCookie, setCookie } from '../http/cookies.js';
import { DASHBOARD_SESSION_ABSOLUTE_MS, type DashboardSession } from '../domain/control-plane/dashboard-sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in dashboard session, when the request carries a live one (control API routes). */
    dashboardSession?: DashboardSession;
  }
  interface FastifyContextConfig {
    /** Control API routes: 'public' answers without a session; 'session' (the default) needs one. */
    dashboard?: 'public' | 'session';
  }
}

export const sessionCookieName = (request: FastifyRequest): string => (request.protocol === 'https' ? '__Host-tessera_dash' : 'tessera_dash');

export const readSessionCookie = (request: FastifyRequest): string | undefined => readCookie(request, sessionCookieName(request));

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string): void {
  setCookie(request, reply, sessionCookieName(request), value, { path: '/', strict: true, maxAge: Math.floor(DASHBOARD_SESSION_ABSOLUTE_MS / 1000) });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  setCookie(request, reply, sessionCookieName(request), '', { path: '/', strict: true, maxAge: 0 });
}

/**
 * The sign-in transaction's cookie, which only the login callback reads. `__Host-` over HTTPS (so no
 * sibling host can plant one: login CSRF), which requires Path=/; over plain-HTTP development it is
 * narrowed to the sign-in paths instead.
 */
const loginCookie = (request: FastifyRequest) =>
  request.protocol === 'https' ? { name: '__Host-tessera_dash_tx', path: '/' } : { name: 'tessera_dash_tx', path: '/api/control/v1/auth/' };

export const readLoginCookie = (request: FastifyRequest): string | undefined => readCookie(request, loginCookie(request).name);

export function setLoginCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
  const { name, path } = loginCookie(request);
  setCookie(request, reply, name, value, { path, maxAge: maxAgeSeconds, lax: true });
}

export function clearLoginCookie(request: FastifyRequest, reply: FastifyReply): void {
  const { name, path } = loginCookie(request);
  clearCookie(request, reply, name, path);
}
