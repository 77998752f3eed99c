/**
 * Client-Initiated Backchannel Authentication (OpenID CIBA Core 1.0, poll mode): a first-party,
 * confidential application names a user (`login_hint`) at `POST /bc-authorize`, the user approves
 * or rejects on another device (here: a link emailed to their verified address), and the
 * application polls the token endpoint with `auth_req_id` as a device polls with its device code
 * (device-authorization.ts: the same answers and the same compare-and-set interval).
 *
 * Three keys, all living as long as the request (`requested_expiry`):
 * - `ciba_authorization`, under a random id (128 bits; `putUnder`): the request (application,
 *   user, scopes, audience, details, binding message, issuer), the hash of the emailed link's
 *   secret, and the user's answer (`pending` → `approved` / `denied`, written once by
 *   compare-and-set). The id alone opens nothing: every way in needs one of the two secrets.
 * - `ciba_request`, under `auth_req_id`'s hash (256 bits): the polling state and the id above;
 *   the poll that sees the answer consumes it, so tokens are issued once.
 * - the approval link's secret (256 bits), stored only as a hash in the authorization: the link
 *   names the id and the secret, and stops working once the request is answered or expired.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { TtlStore } from './ttl-store.js';
import type { AuthorizationDetail } from './authorization-details.js';
import type { AuthorizationRequest } from './authorization-request.js';
import { hashSecret, matchesHash, newSecret } from '../secrets.js';
import { SLOW_DOWN_STEP_SECONDS } from './device-authorization.js';

/** The polling interval the application is told (CIBA Core §7.3: default 5 s). */
export const CIBA_POLL_INTERVAL_SECONDS = 5;
/** Auth0: `requested_expiry` defaults to 300 s. */
export const CIBA_DEFAULT_EXPIRY_SECONDS = 300;
/** Auth0's email channel: requested_expiry from 301 s to 72 hours. */
export const CIBA_EMAIL_MIN_EXPIRY_SECONDS = 301;
export const CIBA_EMAIL_MAX_EXPIRY_SECONDS = 259_200;

/** Auth0: "The binding message is required and up to 64 characters. Use only alphanumeric and +-_.,:# characters." */
export const MAX_BINDING_MESSAGE_LENGTH = 64;
const BINDING_MESSAGE = /^[A-Za-z0-9+\-_.,:#]+$/;

/** Bounds on `login_hint`: Auth0's iss_sub JSON is a few hundred bytes at most. */
export const MAX_LOGIN_HINT_LENGTH = 2048;
const MAX_LOGIN_HINT_FIELD_LENGTH = 1024;

/** A CIBA error as CIBA Core §13 names it. */
/**
 * Who may use CIBA: an application with the grant that is first-party, confidential and OIDC
 * conformant — the Management API's rule (client-rules.ts), checked again at /bc-authorize and at
 * the grant against what is stored.
 */
export function cibaAllowedFor(client: { grant_types: readonly string[]; is_first_party: boolean; token_endpoint_auth_method: string | null; oidc_conformant: boolean }): boolean {
  return client.grant_types.includes('urn:openid:params:grant-type:ciba') && client.is_first_party && client.token_endpoint_auth_method !== 'none' && client.oidc_conformant === true;
}

export class CibaRequestError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** `binding_message` as Auth0 documents it: required, ≤ 64 characters of the listed set. */
export function checkBindingMessage(message: string | undefined): string {
  if (!message) throw new CibaRequestError('invalid_request', 'Missing required parameter: binding_message');
  if (message.length > MAX_BINDING_MESSAGE_LENGTH || !BINDING_MESSAGE.test(message)) {
    throw new CibaRequestError('invalid_binding_message', `binding_message must be 1 to ${MAX_BINDING_MESSAGE_LENGTH} characters of letters, digits and +-_.,:#`);
  }
  return message;
}

/**
 * Auth0's `login_hint`: `{"format":"iss_sub","iss":"<this tenant's issuer>","sub":"<user_id>"}`.
 * A flat JSON object of strings (anything nested is refused before it is walked); `iss` must be the
 * issuer of the host the request came on. Returns the user id.
 */
export function readLoginHint(raw: string | undefined, issuer: string): string {
  if (!raw) throw new CibaRequestError('invalid_request', 'Missing required parameter: login_hint');
  if (raw.length > MAX_LOGIN_HINT_LENGTH) throw new CibaRequestError('invalid_request', `login_hint must be at most ${MAX_LOGIN_HINT_LENGTH} characters`);
  let hint: unknown;
  try {
    hint = JSON.parse(raw);
  } catch {
    throw new CibaRequestError('invalid_request', 'login_hint must be a JSON object: {"format":"iss_sub","iss":"...","sub":"..."}');
  }
  if (typeof hint !== 'object' || hint === null || Array.isArray(hint)) throw new CibaRequestError('invalid_request', 'login_hint must be a JSON object: {"format":"iss_sub","iss":"...","sub":"..."}');
  const fields = hint as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string' || value.length > MAX_LOGIN_HINT_FIELD_LENGTH) throw new CibaRequestError('invalid_request', `login_hint.${name.slice(0, 64)} must be a string of at most ${MAX_LOGIN_HINT_FIELD_LENGTH} characters`);
  }
  if (fields.format !== 'iss_sub') throw new CibaRequestError('invalid_request', 'login_hint.format must be "iss_sub"');
  if (fields.iss !== issuer) throw new CibaRequestError('invalid_request', `login_hint.iss must be this tenant's issuer (${issuer})`);
  const sub = fields.sub as string | undefined;
  if (!sub) throw new CibaRequestError('invalid_request', 'login_hint.sub is required: the user_id of the user to authenticate');
  return sub;
}

/**
 * `requested_expiry` (CIBA Core §7.1: a positive integer of seconds) and the channel it picks.
 * Auth0 uses push for 300 s or less and email from 301 s to 72 hours. Tessera has no push channel,
 * so a request must ask for the email channel's range: without `requested_expiry` (Auth0's default
 * 300 s) or with 300 s or less, an application whose channels include email is refused with
 * `invalid_request` naming the range, rather than silently given a longer-lived request.
 */
export function requestedExpiry(raw: string | undefined, channels: readonly string[] | null | undefined): number {
  if (!channels?.includes('email')) {
    throw new CibaRequestError('unauthorized_client', 'The application has no notification channel Tessera can use: set async_approval_notification_channels to ["email"].');
  }
  let seconds = CIBA_DEFAULT_EXPIRY_SECONDS;
  if (raw !== undefined) {
    if (!/^[0-9]{1,7}$/.test(raw) || Number(raw) < 1) throw new CibaRequestError('invalid_request', 'requested_expiry must be a positive integer number of seconds');
    seconds = Number(raw);
  }
  if (seconds < CIBA_EMAIL_MIN_EXPIRY_SECONDS || seconds > CIBA_EMAIL_MAX_EXPIRY_SECONDS) {
    throw new CibaRequestError(
      'invalid_request',
      `requested_expiry must be between ${CIBA_EMAIL_MIN_EXPIRY_SECONDS} and ${CIBA_EMAIL_MAX_EXPIRY_SECONDS} seconds for the email notification channel (the push channel, for 300 seconds or less, is not available)`,
    );
  }
  return seconds;
}

export interface CibaRequest {
  clientId: string;
  /** The hinted user: the only user who may approve. */
  userId: string;
  scope: string[];
  audience?: string;
  authorizationDetails?: AuthorizationDetail[];
  bindingMessage: string;
  /** The acr the ID token asserts (requested-acr.ts), when one was requested. */
  acr?: string;
  /**
   * The issuer of the host the application asked on: the emailed link and the approval pages name it.
   * Tokens do not: like every grant (the device flow's included), the poll's token endpoint host
   * decides `iss` (an mTLS alias host already has its base host's issuer, server/tenant-resolution.ts),
   * so an application polling where it discovered the issuer gets that issuer.
   */
  issuer: string;
}

export interface CibaApproval {
  scope: string[];
  audience?: string;
  permissions?: string[];
  authorizationDetails?: AuthorizationDetail[];
  authTime: number;
  sid: string;
}

export interface CibaAuthorizationEntry {
  request: CibaRequest;
  /** SHA-256 of the approval link's secret. */
  linkHash: string;
  status: 'pending' | 'approved' | 'denied';
  approval?: CibaApproval;
}

interface CibaRequestEntry {
  authId: string;
  clientId: string;
  interval: number;
  lastPolledAt?: number;
}

export interface StartedCibaRequest {
  authReqId: string;
  expiresIn: number;
  interval: number;
  /** The authorization's id and the link secret, for the approval link (emailed, never returned to the application). */
  authId: string;
  linkSecret: string;
}

export async function startCibaRequest(ttl: TtlStore, tenantId: string, request: CibaRequest, expiresIn: number): Promise<StartedCibaRequest> {
  const authId = randomBytes(16).toString('base64url');
  const linkSecret = newSecret();
  const entry: CibaAuthorizationEntry = { request, linkHash: hashSecret(linkSecret), status: 'pending' };
  // A fresh 128-bit id is never live already; false would mean a collision, which is not worth a retry path.
  if (!(await ttl.putUnder(tenantId, 'ciba_authorization', authId, entry, expiresIn))) throw new Error('CIBA authorization id collision');
  const polling: CibaRequestEntry = { authId, clientId: request.clientId, interval: CIBA_POLL_INTERVAL_SECONDS };
  const authReqId = await ttl.put(tenantId, 'ciba_request', polling, expiresIn);
  return { authReqId, expiresIn, interval: CIBA_POLL_INTERVAL_SECONDS, authId, linkSecret };
}

/** The approval link on the host the application asked on. */
/** Withdraws a request whose user was never told (the email could not be sent): its id and auth_req_id answer nothing. */
export async function withdrawCibaRequest(ttl: TtlStore, tenantId: string, started: Pick<StartedCibaRequest, 'authId' | 'authReqId'>): Promise<void> {
  await Promise.all([ttl.delete(tenantId, 'ciba_authorization', started.authId), ttl.delete(tenantId, 'ciba_request', started.authReqId)]);
}

export const approvalLink = (issuer: string, authId: string, linkSecret: string): string =>
  `${issuer}ciba/approve?${new URLSearchParams({ id: authId, ticket: linkSecret }).toString()}`;

/** The live, unanswered authorization an emailed link opens; undefined for a wrong, expired, answered or forged link. */
export async function pendingByLink(ttl: TtlStore, tenantId: string, authId: string | undefined, linkSecret: string | undefined): Promise<CibaAuthorizationEntry | undefined> {
  if (!authId || !linkSecret || authId.length > 64 || linkSecret.length > 128) return undefined;
  const entry = await ttl.get<CibaAuthorizationEntry>(tenantId, 'ciba_authorization', authId);
  if (!entry || !matchesHash(linkSecret, entry.linkHash)) return undefined;
  return entry.status === 'pending' ? entry : undefined;
}

/** Writes the user's answer once: false when the request expired or was answered meanwhile. */
export async function answerCibaRequest(ttl: TtlStore, tenantId: string, authId: string, answer: { approved: CibaApproval } | { denied: true }): Promise<boolean> {
  const entry = await ttl.get<CibaAuthorizationEntry>(tenantId, 'ciba_authorization', authId);
  if (entry?.status !== 'pending') return false;
  const next: CibaAuthorizationEntry = 'approved' in answer ? { ...entry, status: 'approved', approval: answer.approved } : { ...entry, status: 'denied' };
  return ttl.update(tenantId, 'ciba_authorization', authId, next, entry);
}

export type CibaPollOutcome =
  | { outcome: 'authorization_pending' | 'expired_token' | 'access_denied' | 'invalid_grant' }
  /** retryAfter: seconds until the next poll is on time (the grown interval, on the service clock). */
  | { outcome: 'slow_down'; retryAfter: number }
  | { outcome: 'approved'; request: CibaRequest; approval: CibaApproval };

/** One poll with `auth_req_id` by the application it was issued to: the device flow's rules (device-authorization.ts `pollDeviceCode`). */
export async function pollCibaRequest(ttl: TtlStore, clock: Clock, tenantId: string, authReqId: string, clientId: string): Promise<CibaPollOutcome> {
  if (authReqId.length > 128) return { outcome: 'invalid_grant' };
  const polling = await ttl.get<CibaRequestEntry>(tenantId, 'ciba_request', authReqId);
  if (!polling) {
    const expired = await ttl.getExpired<CibaRequestEntry>(tenantId, 'ciba_request', authReqId);
    return { outcome: expired && expired.clientId === clientId ? 'expired_token' : 'invalid_grant' };
  }
  if (polling.clientId !== clientId) return { outcome: 'invalid_grant' };

  const now = clock.now();
  const tooSoon = polling.lastPolledAt !== undefined && now - polling.lastPolledAt < polling.interval * 1000;
  const next: CibaRequestEntry = { ...polling, lastPolledAt: now, ...(tooSoon ? { interval: polling.interval + SLOW_DOWN_STEP_SECONDS } : {}) };
  if (!(await ttl.update(tenantId, 'ciba_request', authReqId, next, polling))) {
    // Another poll of the same auth_req_id just counted: it is too soon by the interval that poll saw.
    return { outcome: 'slow_down', retryAfter: Math.max(1, Math.ceil((polling.lastPolledAt ?? now) / 1000 + polling.interval - now / 1000)) };
  }
  if (tooSoon) return { outcome: 'slow_down', retryAfter: next.interval };

  const entry = await ttl.get<CibaAuthorizationEntry>(tenantId, 'ciba_authorization', polling.authId);
  if (!entry) return { outcome: 'expired_token' };
  if (entry.status === 'pending') return { outcome: 'authorization_pending' };
  const taken = await ttl.consume<CibaRequestEntry>(tenantId, 'ciba_request', authReqId);
  if (taken.status !== 'ok') return { outcome: 'invalid_grant' };
  if (entry.status === 'denied' || !entry.approval) return { outcome: 'access_denied' };
  return { outcome: 'approved', request: entry.request, approval: entry.approval };
}

/**
 * The request in the shape the hosted login pages and the authorization checks read: the user's
 * address as the login hint, no response to deliver (the application polls), and the approval
 * path as the only place forms lead to.
 */
export function asAuthorizationRequest(request: CibaRequest, loginHint?: string): AuthorizationRequest {
  return {
    clientId: request.clientId,
    redirectUri: `${request.issuer}ciba/approve`,
    responseTypes: new Set(),
    responseType: '',
    responseMode: 'query',
    scope: request.scope,
    ...(request.audience ? { audience: request.audience } : {}),
    ...(request.authorizationDetails ? { authorizationDetails: request.authorizationDetails } : {}),
    ...(loginHint ? { loginHint } : {}),
    prompt: new Set(),
  };
}
