/**
 * Stored interactions (see interaction.ts for the states): one-time entries of the TTL store, kind
 * `interaction`, under a random id of which only the hash is stored. The hosted pages use
 * `details` and `finish`; the protocol uses `open` and `take`. Every browser access checks the
 * browser binding first, in constant time.
 */
import { randomBytes } from 'node:crypto';
import type { TtlStore } from '../oidc/ttl-store.js';
import { systemClock, type Clock } from '../clock.js';
import type { BrowserInteraction } from '../../http/login-cookies.js';
import { hashSecret, matchesHash, newSecret } from '../secrets.js';
import {
  HANDED_BACK,
  INTERACTION_TTL_SECONDS,
  InteractionStateError,
  advance,
  type AuthenticationResult,
  type ConsentQuestion,
  type Interaction,
  type InteractionEvent,
  type InteractionRequest,
} from './interaction.js';

export interface OpenedInteraction {
  id: string;
  /** Goes into the browser's binding cookie; only its hash is stored. */
  browserSecret: string;
  interaction: Interaction;
}

/** The part of the TTL store interactions use. */
export type InteractionStore = Pick<TtlStore, 'put' | 'get' | 'update' | 'consume'>;

export class InteractionService {
  constructor(
    private readonly ttl: InteractionStore,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Opens an interaction at login_pending, or at consent_pending for a user already known (`consent`). */
  async open(tenantId: string, request: InteractionRequest, consent?: { question: ConsentQuestion; result: AuthenticationResult }): Promise<OpenedInteraction> {
    const browserSecret = newSecret();
    const base = { request, browserHash: hashSecret(browserSecret), csrf: randomBytes(24).toString('base64url') };
    const interaction: Interaction = consent ? { ...base, state: 'consent_pending', result: consent.result, consent: consent.question } : { ...base, state: 'login_pending' };
    const id = await this.ttl.put(tenantId, 'interaction', interaction, INTERACTION_TTL_SECONDS);
    return { id, browserSecret, interaction };
  }

  /** The live interaction, if this browser started it; undefined otherwise (expired, taken, or another browser's). */
  async details(tenantId: string, browser: BrowserInteraction): Promise<Interaction | undefined> {
    if (!browser.id) return undefined;
    const interaction = await this.ttl.get<Interaction>(tenantId, 'interaction', browser.id);
    return interaction && matchesHash(browser.browserSecret, interaction.browserHash) ? interaction : undefined;
  }

  /**
   * A hosted page hands the interaction back with what the user did. False when it is no longer
   * there for this browser, or not in a state that takes the event.
   */
  async finish(tenantId: string, browser: BrowserInteraction, event: InteractionEvent): Promise<boolean> {
    const interaction = await this.details(tenantId, browser);
    if (!interaction) return false;
    let next: Interaction;
    try {
      next = advance(interaction, event, this.clock.now());
    } catch (error) {
      if (error instanceof InteractionStateError) return false;
      throw error;
    }
    // Compare-and-set: a concurrent change of the same interaction (another tab's POST) wins, and
    // this one is refused rather than writing an older state back over it.
    return this.ttl.update(tenantId, 'interaction', browser.id, next, interaction);
  }

  /**
   * The protocol takes back an interaction the hosted pages have finished: consumed, so this
   * succeeds once. Undefined when it is not there for this browser, or still waits for the user.
   */
  async take(tenantId: string, browser: BrowserInteraction): Promise<Interaction | undefined> {
    const interaction = await this.details(tenantId, browser);
    if (!interaction || !HANDED_BACK.has(interaction.state)) return undefined;
    const taken = await this.ttl.consume<Interaction>(tenantId, 'interaction', browser.id);
    return taken.status === 'ok' && HANDED_BACK.has(taken.document.state) ? taken.document : undefined;
  }

  /**
   * A login interaction of `clientId`, found by its id alone (no browser): `/passwordless/start`
   * accepts one forwarded by the hosted login page as proof of the caller, as the page holds no secret.
   */
  async forwardedLogin(tenantId: string, id: string, clientId: string): Promise<Interaction | undefined> {
    const interaction = await this.ttl.get<Interaction>(tenantId, 'interaction', id);
    return interaction?.state === 'login_pending' && interaction.request.authorization.clientId === clientId ? interaction : undefined;
  }

  /** The login page shows `screen_hint=signup` once: afterwards its "Log in" link must lead back to it. */
  async dropScreenHint(tenantId: string, browser: BrowserInteraction, interaction: Interaction): Promise<void> {
    const { screenHint: _, ...authorization } = interaction.request.authorization;
    await this.updateLoginPending(tenantId, browser, interaction, { ...interaction, request: { ...interaction.request, authorization } });
  }

  /** Remembers where a passwordless code went, so that the code form cannot be pointed at another identity. */
  async rememberCodeRecipient(tenantId: string, browser: BrowserInteraction, interaction: Interaction, recipient: { connection: string; identifier: string }): Promise<Interaction> {
    const next = { ...interaction, passwordless: recipient };
    await this.updateLoginPending(tenantId, browser, interaction, next);
    return next;
  }

  /** Only while the interaction is still the one the page read: never over a state the user moved on from. */
  private async updateLoginPending(tenantId: string, browser: BrowserInteraction, current: Interaction, next: Interaction): Promise<void> {
    if (current.state !== 'login_pending' || next.state !== 'login_pending') throw new Error('only a login page changes its own interaction');
    await this.ttl.update(tenantId, 'interaction', browser.id, next, current);
  }
}
