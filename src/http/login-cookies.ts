/**
 * The cookies of a browser login, named here because both the protocol (`auth-api/authorize`, which
 * sets them) and the hosted pages (`login/`, which read them) need the names:
 * - the SSO session cookie;
 * - one binding cookie per interaction (`tessera_tx_…`, path `/u/`, SameSite=Lax, an hour): it holds
 *   the secret whose hash the interaction stores, so that only the browser that started a login or
 *   consent can see its pages or finish it; its id alone, which travels in page URLs, is not enough.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clearCookie, readCookie, setCookie } from './cookies.js';

export const SESSION_COOKIE = 'tessera_session';

/** Only the hosted pages (and the protocol resuming from them, in the same request) see the binding cookie. */
const INTERACTION_COOKIE_PATH = '/u/';
const interactionCookieName = (interactionId: string): string => `tessera_tx_${interactionId.slice(0, 16)}`;

/** What identifies an interaction in a browser request: the id from the URL or form, and this browser's binding secret. */
export interface BrowserInteraction {
  id: string;
  browserSecret: string | undefined;
}

export const browserInteraction = (request: FastifyRequest, id: string): BrowserInteraction => ({ id, browserSecret: readCookie(request, interactionCookieName(id)) });

export function bindInteraction(request: FastifyRequest, reply: FastifyReply, id: string, browserSecret: string, maxAgeSeconds: number): void {
  setCookie(request, reply, interactionCookieName(id), browserSecret, { path: INTERACTION_COOKIE_PATH, maxAge: maxAgeSeconds, lax: true });
}

export function unbindInteraction(request: FastifyRequest, reply: FastifyReply, id: string): void {
  clearCookie(request, reply, interactionCookieName(id), INTERACTION_COOKIE_PATH);
}
