/** Calls to the control API (`/api/control/v1` on the admin host) of an in-process server. */
import { expect } from 'vitest';
import type { InProcessServer } from './in-process.js';

export const ADMIN_ORIGIN = 'https://manage.localhost';
export const CONTROL_URL = `${ADMIN_ORIGIN}/api/control/v1`;

export interface ControlCall {
  method?: string;
  body?: unknown;
  cookie?: string;
  csrf?: string;
  origin?: string;
  /** Another origin than the admin host's (to show the control API is not served there). */
  host?: string;
  /** The client address (X-Forwarded-For): public routes count attempts per address. */
  ip?: string;
}

export interface ControlResponse {
  status: number;
  body: any;
  headers: Headers;
}

export function controlClient(server: InProcessServer): (path: string, call?: ControlCall) => Promise<ControlResponse> {
  return async (path, call = {}) => {
    const headers: Record<string, string> = {};
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.cookie) headers.cookie = call.cookie;
    if (call.csrf) headers['x-tessera-csrf'] = call.csrf;
    if (call.origin) headers.origin = call.origin;
    if (call.ip) headers['x-forwarded-for'] = call.ip;
    const res = await server.fetch(`${call.host ?? ADMIN_ORIGIN}/api/control/v1${path}`, { method: call.method ?? 'GET', headers, ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}

/** `name=value` of the session cookie a response set, and the cookie line itself. */
export function sessionCookieOf(headers: Headers): { pair: string; line: string } {
  const line = headers.getSetCookie().find((c) => c.startsWith('__Host-tessera_dash='))!;
  expect(line, 'session cookie').toBeTruthy();
  return { pair: line.split(';')[0]!, line };
}
