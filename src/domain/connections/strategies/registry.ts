/**
 * The login strategies this server stores users for, and the questions the rest of the code asks
 * about a connection's `strategy`. To add a strategy, write its file (see login-strategy.ts) and
 * add it to REGISTERED; the Management API then accepts it as a connection `strategy`, and every
 * endpoint serves it according to its traits.
 */
import type { LoginStrategy, PasswordlessTraits, StrategyKind } from './login-strategy.js';
import { databaseStrategy } from './database.js';
import { emailStrategy } from './email.js';
import { smsStrategy } from './sms.js';

/** In the order the Management API lists them (its `strategy` enum) and Lock groups connections. */
const REGISTERED = [databaseStrategy, emailStrategy, smsStrategy] as const;

/** A strategy's name, as connections store it. */
export type StrategyName = (typeof REGISTERED)[number]['name'];

export const STRATEGY_NAMES: readonly StrategyName[] = REGISTERED.map((strategy) => strategy.name);

const BY_NAME: ReadonlyMap<string, LoginStrategy> = new Map(REGISTERED.map((strategy) => [strategy.name, strategy]));
const BY_PROVIDER: ReadonlyMap<string, LoginStrategy> = new Map(REGISTERED.map((strategy) => [strategy.identityProvider, strategy]));

/** The strategy named `name`; undefined for a name this server does not implement. */
export function strategyOf(name: string): LoginStrategy | undefined {
  return BY_NAME.get(name);
}

/** The strategy whose users carry `provider` in `identities[]` (and as their user id's prefix). */
export function strategyOfProvider(provider: string | undefined): LoginStrategy | undefined {
  return provider === undefined ? undefined : BY_PROVIDER.get(provider);
}

/** Whether connections of `strategy` are database connections, passwordless ones… */
export function isStrategyKind(strategy: string, kind: StrategyKind): boolean {
  return strategyOf(strategy)?.kind === kind;
}

/** The names of the strategies of one kind, in registration order. */
export function strategiesOfKind(kind: StrategyKind): StrategyName[] {
  return REGISTERED.filter((strategy) => strategy.kind === kind).map((strategy) => strategy.name);
}

/** Whether the `/oauth/token` grant (or `/co/authenticate` credential type) `grant` accepts connections of `strategy`. */
export function strategyServesGrant(strategy: string, grant: string): boolean {
  return strategyOf(strategy)?.grants.includes(grant) === true;
}

/** The passwordless traits of `strategy`; undefined for any other kind. */
export function passwordlessOf(strategy: string): PasswordlessTraits | undefined {
  return strategyOf(strategy)?.passwordless;
}

/** The strategy of a stored connection, which can only have been created with a registered one. */
export function registeredStrategy(name: string): LoginStrategy {
  const strategy = strategyOf(name);
  if (!strategy) throw new Error(`connection strategy "${name}" is not registered`);
  return strategy;
}
