/**
 * The tenant flags Settings › Advanced offers: only flags Tessera acts on (each is read where it
 * takes effect: clients.ts, db-connections.ts, revoke.ts, consent-routes.ts, jwks.ts,
 * passwordless/start-endpoint.ts), with the Auth0 documentation's label and explanation. Flags the
 * API stores for compatibility but nothing reads are not offered. `inverted` flags are shown as the
 * docs phrase them, the opposite of the stored value.
 */
export interface FlagOption {
  flag: string;
  label: string;
  description: string;
  /** The value when the tenant has none stored (the server's default). */
  defaultValue: boolean;
  inverted?: boolean;
}

export const SETTINGS_FLAGS: readonly FlagOption[] = [
  {
    flag: 'enable_client_connections',
    label: 'Enable Application Connections',
    description:
      'When enabled, all current connections will be enabled for any new application that is created. Users may then be able to log in to an application through connections you did not intend: disable it to enable the right connections for each application explicitly.',
    defaultValue: true,
  },
  {
    flag: 'enable_public_signup_user_exists_error',
    label: 'Use a generic response in public signup API error message',
    description:
      'When enabled, errors generated while using the public signup API will return a generic response. This helps protect against user registration enumeration by preventing bad actors from guessing previously-registered identifiers (username, email, or phone) from error codes such as user_exists.',
    defaultValue: true,
    inverted: true,
  },
  {
    flag: 'revoke_refresh_token_grant',
    label: 'Refresh Token Revocation Deletes Grant',
    description:
      'When enabled, revoking a refresh token at the /oauth/revoke endpoint also deletes the underlying grant. When disabled (the default for new tenants), revoking a refresh token does not revoke the grant; a grant revocation needs its own request.',
    defaultValue: false,
  },
  {
    flag: 'use_scope_descriptions_for_consent',
    label: 'Use Scope Descriptions for Consent',
    description:
      "By default the consent page uses the scopes' names to ask for the user's consent. When enabled, it shows each scope's Description instead, for the consent prompts of every API of the tenant.",
    defaultValue: false,
  },
  {
    flag: 'enable_dynamic_client_registration',
    label: 'Dynamic Client Registration (DCR)',
    description:
      'When enabled, anyone can register a third-party application in this tenant without a token, at /oidc/register (OpenID Connect Dynamic Client Registration); discovery then lists it as registration_endpoint. Such applications ask users for consent and log in only through domain-level connections.',
    defaultValue: false,
  },
  {
    flag: 'remove_alg_from_jwks',
    label: 'Remove the alg Property from the JWKS Endpoint',
    description: 'To allow keys to be used with multiple algorithms, not just RS256, the keys at /.well-known/jwks.json are published without their alg property.',
    defaultValue: false,
  },
];

export const MIGRATION_FLAGS: readonly FlagOption[] = [
  {
    flag: 'enforce_client_authentication_on_passwordless_start',
    label: 'Enforce client authentication for passwordless connections',
    description:
      'Confidential applications (Regular Web Applications) must authenticate their calls to /passwordless/start: from a backend with the client_secret, or from the Universal Login page by forwarding its state. Calls that do neither are refused. Single Page and Native applications are not affected. Before turning it on, search the logs for type:depnote: each such call is logged as a Deprecation Notice.',
    defaultValue: false,
  },
];

/** The switch's state for a stored flag value. */
export function flagShown(option: FlagOption, stored: boolean | undefined): boolean {
  const value = stored ?? option.defaultValue;
  return option.inverted ? !value : value;
}

/** The stored value for the switch's state. */
export function flagStored(option: FlagOption, shown: boolean): boolean {
  return option.inverted ? !shown : shown;
}

/** Minutes, as the docs count the session limits: `[minimum, maximum]`. */
export const IDLE_MINUTES = [1, 144_000] as const;
export const ABSOLUTE_MINUTES = [1, 525_600] as const;
