/**
 * An interaction: a protocol request that waits for the user on the hosted pages, in one browser.
 * The protocol (`auth-api/authorize`) opens it, the hosted pages (`login/`) read it (`details`)
 * and hand it back with what the user did (`finish`), and the protocol takes it back, once, to
 * answer the application (sessions, codes and response modes are the protocol's alone).
 *
 * States, and the only moves between them (`advance`, below, is the one function that makes them):
 *
 *   login_pending ──logged_in──▶ authenticated ──(taken by the protocol: response delivered)──▶ done
 *                                      │
 *                                      │ consent missing: a NEW interaction opens at consent_pending
 *                                      ▼
 *                               consent_pending ──consented──▶ done ──(taken: delivered with the consented scopes)
 *                                      └──────────declined───▶ failed ──(taken: access_denied delivered)
 *
 * - login_pending: waits for a hosted login page (password, signup, passwordless code).
 * - authenticated: the user is known (`result`); the protocol starts the SSO session and decides
 *   whether the application still needs the user's consent.
 * - consent_pending: waits for the consent page. It always opens as a fresh interaction — after a
 *   hosted login or straight from an SSO session — with its own id, browser binding and CSRF
 *   token, so the login page's URL never reaches the consent question.
 * - done / failed: the user's part is over; the protocol delivers the answer.
 *
 * Taking an interaction back consumes it (atomically, one-time): a login completes once however
 * often its last form is posted, and a taken interaction is gone whatever its state. Every access
 * from a browser must show that browser's binding secret (the `tessera_tx_…` cookie), whose hash
 * the interaction keeps: its id travels in page URLs and alone lets no other browser in.
 */
import type { AuthorizationDetail } from '../oidc/authorization-details.js';
import type { AuthorizationRequest } from '../oidc/authorization-request.js';

export type InteractionState = 'login_pending' | 'authenticated' | 'consent_pending' | 'done' | 'failed';

/** How long a browser has to finish a login or answer a consent question. */
export const INTERACTION_TTL_SECONDS = 3600;

/** An `/authorize` request as stored (JSON): sets become arrays. */
export interface StoredAuthorizationRequest extends Omit<AuthorizationRequest, 'responseTypes' | 'prompt'> {
  responseTypes: Array<'code' | 'token' | 'id_token'>;
  prompt: string[];
}

/**
 * A WS-Fed sign-in (`GET /wsfed`, auth-api/wsfed/): where the token goes and what it is for, all
 * checked against the application when the request came in (domain/wsfed/relying-party.ts).
 */
export interface WsFedSignIn {
  /** `wreply`: one of the application's callbacks. */
  replyUrl: string;
  /** The realm the token is for. */
  audience: string;
  /** `wctx`, posted back as given. */
  context?: string;
}

/**
 * The request an interaction continues, tagged by kind, each answered by its own protocol code:
 * `/authorize`, a WS-Fed sign-in, device authorization and CIBA. Every kind carries the
 * `authorization` the hosted pages read (the application, the reply URL their form-action allows,
 * login and connection hints).
 */
export type InteractionRequest =
  | { kind: 'authorize'; authorization: StoredAuthorizationRequest; issuer: string }
  /** A WS-Fed sign-in's asks for no response type, scope or consent: its answer is the WS-Fed token, never a code. */
  | { kind: 'wsfed'; authorization: StoredAuthorizationRequest; issuer: string; wsfed: WsFedSignIn }
  /**
   * A device authorization (RFC 8628) whose user code was entered at `/activate`. `authorization`
   * is the device request in `/authorize`'s shape (domain/oidc/device-authorization.ts
   * `asAuthorizationRequest`), which is what the hosted login pages read; no response is delivered
   * to it: the user's answer goes to the user code entry, and the device polls for it.
   */
  | { kind: 'device'; authorization: StoredAuthorizationRequest; issuer: string; device: DeviceInteraction }
  /**
   * A CIBA request (OpenID CIBA) opened from its emailed link (auth-api/ciba/). Like a device
   * authorization, no response is delivered: the user's answer goes to the CIBA authorization
   * entry, which the application's polling reads.
   */
  | { kind: 'ciba'; authorization: StoredAuthorizationRequest; issuer: string; ciba: CibaInteraction };

/** What a CIBA interaction carries: the authorization's id (never the link's secret), who must answer, what to show. */
export interface CibaInteraction {
  authId: string;
  /** The hinted user: a login as anyone else cannot answer. */
  userId: string;
  bindingMessage: string;
  /** At the confirmation: the API's permissions for the token. */
  permissions?: string[];
}

/** What a device interaction carries besides the request. */
export interface DeviceInteraction {
  /** The user code as shown (for the confirmation page) and the key of its entry. */
  userCode: string;
  userCodeKey: string;
  /** At the confirmation: the API's permissions for the token, and whether the answer is also a consent to record. */
  permissions?: string[];
  recordConsent?: boolean;
}

/** Who logged in, and how. */
export interface AuthenticationResult {
  userId: string;
  /** `pwd` for a password, `otp` for a one-time code. */
  amr: string[];
  /** The connection the user logged in with ('' for an SSO session that recorded none). */
  connection: string;
  /** Seconds since the epoch. */
  authTime: number;
  /** The scopes the user consented to on the consent page (state `done` after consent). */
  consented?: string[];
  /** The authorization details (RFC 9396) the consent page showed and the user approved. */
  consentedDetails?: AuthorizationDetail[];
}

/** What the consent page asks: the API (or '' for OpenID Connect scopes alone) and exactly the scopes the application would receive. */
export interface ConsentQuestion {
  audience: string;
  scope: string[];
  /** A rich authorization request's details (RFC 9396), shown as they are and approved as a whole. */
  authorizationDetails?: AuthorizationDetail[];
}

export interface Interaction {
  state: InteractionState;
  request: InteractionRequest;
  /** SHA-256 of the browser-binding cookie's value. */
  browserHash: string;
  /** The hidden form field value that must come back with every form of the interaction's pages. */
  csrf: string;
  result?: AuthenticationResult;
  /** At consent_pending: the question. */
  consent?: ConsentQuestion;
  /** Hosted login page state: where a passwordless code was sent, between its two forms (never taken from the form). */
  passwordless?: { connection: string; identifier: string };
}

/** What a hosted page reports when it hands an interaction back. */
export type InteractionEvent = { type: 'logged_in'; result: Omit<AuthenticationResult, 'consented' | 'authTime'> } | { type: 'consented' } | { type: 'declined' };

export class InteractionStateError extends Error {}

/** The one place an interaction changes state; anything not drawn in the diagram above throws. */
export function advance(interaction: Interaction, event: InteractionEvent, now: number): Interaction {
  switch (`${interaction.state}:${event.type}`) {
    case 'login_pending:logged_in': {
      const { result } = event as Extract<InteractionEvent, { type: 'logged_in' }>;
      const { passwordless: _, ...rest } = interaction;
      return { ...rest, state: 'authenticated', result: { ...result, authTime: Math.floor(now / 1000) } };
    }
    case 'consent_pending:consented':
      return {
        ...interaction,
        state: 'done',
        result: {
          ...interaction.result!,
          consented: interaction.consent!.scope,
          ...(interaction.consent!.authorizationDetails ? { consentedDetails: interaction.consent!.authorizationDetails } : {}),
        },
      };
    case 'consent_pending:declined':
      return { ...interaction, state: 'failed' };
    default:
      throw new InteractionStateError(`an interaction at ${interaction.state} cannot take ${event.type}`);
  }
}

/** States in which the protocol may take an interaction back. */
export const HANDED_BACK: ReadonlySet<InteractionState> = new Set(['authenticated', 'done', 'failed']);

/** The hosted page that serves each state waiting for the user. */
export const HOSTED_PAGES = { login_pending: '/u/login', consent_pending: '/u/consent' } as const;

export const pageFor = (state: keyof typeof HOSTED_PAGES, id: string): string => `${HOSTED_PAGES[state]}?state=${encodeURIComponent(id)}`;

export const storeRequest = (request: AuthorizationRequest): StoredAuthorizationRequest => ({
  ...request,
  responseTypes: [...request.responseTypes],
  prompt: [...request.prompt],
});

export const restoreRequest = (stored: StoredAuthorizationRequest): AuthorizationRequest => ({
  ...stored,
  responseTypes: new Set(stored.responseTypes),
  prompt: new Set(stored.prompt),
});
