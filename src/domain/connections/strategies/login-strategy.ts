/**
 * What a login strategy is: the traits every part of the server asks about a connection's
 * `strategy` instead of comparing its name. Each strategy is one file in this folder that declares
 * them (database.ts, email.ts, sms.ts), registered in registry.ts; the rest of the code asks the
 * registry (`strategyOf(name)`), so a new strategy (OIDC/OAuth2 federation, a social provider)
 * touches one new file plus its registration.
 */
import type { ConnectionOptions } from '../connection.js';
import type { SenderPolicy } from '../../passwordless/sender.js';

/**
 * The family a strategy belongs to, which decides the endpoints that accept its connections:
 * - `database`: users with passwords stored here; the hosted login, sign-up and password-reset
 *   pages, `/dbconnections/signup` and `/change_password`, `DELETE /connections/{id}/users?email=`;
 * - `passwordless`: one-time codes or magic links; `/passwordless/start`, `/passwordless/verify_redirect`
 *   and the hosted code page.
 * Federation (`oidc`, `oauth2`, social providers) will add its own kinds.
 */
export type StrategyKind = 'database' | 'passwordless';

/** The profile identifiers a user may have; which ones a strategy requires is its own rule. */
export interface UserIdentifiers {
  email: string | null;
  username: string | null;
  phoneNumber: string | null;
}

/** What the identifier rule of a strategy is checking: a creation, or an update (and whether it names a username). */
export interface IdentifierCheck {
  operation: 'create' | 'update';
  /** The request sets a username (on update: names `username`, even as null). */
  usernameGiven: boolean;
}

/** How a passwordless strategy reaches the user and what it sends. */
export interface PasswordlessTraits {
  /** The delivery channel the codes travel by (`domain/delivery/`): an email or a text message. */
  readonly channel: 'email' | 'sms';
  /** The profile field (and `/passwordless/start` parameter) holding the address or number codes go to. */
  readonly identifierField: 'email' | 'phone_number';
  /** The profile flag a correct code sets: the code proved control of the address or number. */
  readonly verifiedField: 'email_verified' | 'phone_verified';
  /** What `/passwordless/start` sends when the request names nothing. */
  readonly defaultSend: 'link' | 'code';
  /** Whether it can carry a magic link (`send: link`) as well as a code. */
  readonly sendsLinks: boolean;
  /** The address or number in the form codes are stored and users found under; undefined when malformed. */
  normalize(value: string): string | undefined;
  /** Auth0's wording for a wrong code. */
  readonly wrongCodeDescription: string;
}

export interface LoginStrategy {
  /** The connection's `strategy` as the Management API shows and accepts it. */
  readonly name: string;
  readonly kind: StrategyKind;
  /** `identities[].provider` and the prefix of the user ids it creates (`auth0|…`). */
  readonly identityProvider: string;
  /** `identities[].isSocial`. */
  readonly isSocial: boolean;
  /** Users hold a password here: the connection's password policy applies, hashes may be imported. */
  readonly holdsPasswords: boolean;
  /** `/oauth/token` grant types (and `/co/authenticate` credential types) that accept its connections as the realm. */
  readonly grants: readonly string[];
  /** The `amr` of a login through it. */
  readonly amr: string;
  /**
   * A user created through the Management API with an unverified address is sent the verification
   * email unless the request says otherwise (passwordless users prove their address with each code).
   */
  readonly verificationEmailOnCreate: boolean;
  /** The `options` this server acts on; others are stored as given (Auth0's options object is open). */
  readonly options: readonly string[];
  /**
   * The options object to store: Auth0's defaults applied to `input` and the rules the JSON schema
   * cannot express checked (a DomainError when broken). Options are replaced whole on update, so
   * this runs for every new options object, not only at creation.
   */
  buildOptions(connectionName: string, input: ConnectionOptions, context: OptionsContext): ConnectionOptions;
  /** Which identifiers a user of a connection with these options needs and may have (a DomainError when not). */
  checkUserIdentifiers(options: ConnectionOptions, ids: UserIdentifiers, check: IdentifierCheck): void;
  /** Only for passwordless strategies. */
  readonly passwordless?: PasswordlessTraits;
}

/** What the server's configuration adds to the rules on a connection's options. */
export interface OptionsContext {
  /** The From domains the server's email delivery lets a tenant use (passwordless email connections). */
  senderPolicy: SenderPolicy;
}
