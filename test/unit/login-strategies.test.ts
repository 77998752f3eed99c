/**
 * The login strategy registry (domain/connections/strategies/): what each registered strategy
 * declares, and the answers the rest of the server gets from it instead of comparing names.
 */
import { describe, expect, it } from 'vitest';
import {
  STRATEGY_NAMES,
  isStrategyKind,
  passwordlessOf,
  strategiesOfKind,
  strategyOf,
  strategyOfProvider,
  strategyServesGrant,
} from '../../src/domain/connections/strategies/registry.js';
import { DIRECTORY_STRATEGIES, STRATEGIES } from '../../src/domain/connections/connection.js';
import { buildOptions } from '../../src/domain/connections/connection-options.js';
import { DomainError } from '../../src/domain/errors.js';
import { ANY_SENDER } from '../../src/domain/passwordless/sender.js';

const CONTEXT = { senderPolicy: ANY_SENDER };

const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
const PASSWORDLESS_OTP = 'http://auth0.com/oauth/grant-type/passwordless/otp';

describe('login strategy registry', () => {
  it("lists the strategies in the Management API's order, and the default directories after them", () => {
    expect(STRATEGIES).toEqual(['auth0', 'email', 'sms']);
    expect([...DIRECTORY_STRATEGIES]).toEqual(['auth0', 'email', 'sms', 'ad', 'auth0-adldap', 'waad', 'adfs']);
    expect(strategiesOfKind('database')).toEqual(['auth0']);
    expect(strategiesOfKind('passwordless')).toEqual(['email', 'sms']);
  });

  it('answers for unknown strategies with nothing served', () => {
    for (const name of ['google-oauth2', 'oidc', '', 'constructor', '__proto__']) {
      expect(strategyOf(name)).toBeUndefined();
      expect(isStrategyKind(name, 'database')).toBe(false);
      expect(strategyServesGrant(name, 'password')).toBe(false);
      expect(passwordlessOf(name)).toBeUndefined();
    }
    expect(strategyOfProvider(undefined)).toBeUndefined();
  });

  it('maps grants (and /co/authenticate credential types) to the strategies they accept', () => {
    const serving = (grant: string) => STRATEGY_NAMES.filter((name) => strategyServesGrant(name, grant));
    expect(serving('password')).toEqual(['auth0']);
    expect(serving(PASSWORD_REALM)).toEqual(['auth0']);
    expect(serving(PASSWORDLESS_OTP)).toEqual(['email', 'sms']);
    expect(serving('authorization_code')).toEqual([]);
  });

  it('declares identity providers, amr, passwords and the verification email per strategy', () => {
    const traits = STRATEGY_NAMES.map((name) => {
      const s = strategyOf(name)!;
      return [s.name, s.kind, s.identityProvider, s.isSocial, s.amr, s.holdsPasswords, s.verificationEmailOnCreate];
    });
    expect(traits).toEqual([
      ['auth0', 'database', 'auth0', false, 'pwd', true, true],
      ['email', 'passwordless', 'email', false, 'otp', false, false],
      ['sms', 'passwordless', 'sms', false, 'otp', false, false],
    ]);
    for (const name of STRATEGY_NAMES) expect(strategyOfProvider(strategyOf(name)!.identityProvider)!.name).toBe(name);
  });

  it('gives passwordless strategies their channel, identifier and wording', () => {
    const email = passwordlessOf('email')!;
    const sms = passwordlessOf('sms')!;
    expect([email.channel, email.identifierField, email.verifiedField, email.defaultSend, email.sendsLinks]).toEqual(['email', 'email', 'email_verified', 'link', true]);
    expect([sms.channel, sms.identifierField, sms.verifiedField, sms.defaultSend, sms.sendsLinks]).toEqual(['sms', 'phone_number', 'phone_verified', 'code', false]);
    expect(email.normalize(' Ada@Example.com ')).toBe('ada@example.com');
    expect(sms.normalize('+1 415-555-0100')).toBe('+14155550100');
    expect(sms.normalize('ada@example.com')).toBeUndefined();
    expect(email.wrongCodeDescription).toBe('Wrong email or verification code.');
    expect(sms.wrongCodeDescription).toBe('Wrong phone number or verification code.');
    expect(passwordlessOf('auth0')).toBeUndefined();
  });

  it("applies each strategy's option defaults and checks", () => {
    expect(buildOptions('auth0', 'db', {}, CONTEXT)).toEqual({ passwordPolicy: 'good', brute_force_protection: true, disable_self_service_change_password: false });
    expect(buildOptions('auth0', 'db', { disable_self_service_change_password: true }, CONTEXT)).toMatchObject({ disable_self_service_change_password: true });
    expect(buildOptions('sms', 'text', { totp: { length: 8 } }, CONTEXT)).toEqual({
      name: 'text', syntax: 'md_with_macros', template: 'Your verification code is: @@password@@', disable_signup: false, brute_force_protection: true, totp: { time_step: 180, length: 8 },
    });
    expect(buildOptions('email', 'mail', { disable_signup: true }, CONTEXT)).toMatchObject({ name: 'mail', disable_signup: true, email: { syntax: 'liquid' }, totp: { time_step: 180, length: 6 } });
    expect(() => buildOptions('auth0', 'db', { validation: { username: { min: 9, max: 3 } } }, CONTEXT)).toThrow(DomainError);
  });

  it("checks users' identifiers with each strategy's rule and Auth0's wording", () => {
    const check = (name: string, ids: Partial<{ email: string; username: string; phoneNumber: string }>, operation: 'create' | 'update' = 'create', options = {}) => {
      try {
        strategyOf(name)!.checkUserIdentifiers(options, { email: null, username: null, phoneNumber: null, ...ids }, { operation, usernameGiven: ids.username !== undefined });
        return 'ok';
      } catch (error) {
        return (error as DomainError).message;
      }
    };
    expect(check('auth0', {})).toBe("Payload validation error: 'Missing required property: email'.");
    expect(check('auth0', {}, 'update')).toBe("Payload validation error: 'email' is required for users of database connections.");
    expect(check('auth0', { email: 'a@x.io', username: 'ada' })).toBe('Cannot set username for connection without requires_username');
    expect(check('auth0', { email: 'a@x.io' }, 'create', { requires_username: true })).toBe("Payload validation error: 'Missing required property: username'.");
    expect(check('auth0', { email: 'a@x.io', username: 'ada' }, 'create', { requires_username: true })).toBe('ok');
    expect(check('email', {}, 'update')).toBe("Payload validation error: 'email' is required for users of email connections.");
    expect(check('sms', {})).toBe("Payload validation error: 'Missing required property: phone_number'.");
    expect(check('sms', {}, 'update')).toBe("Payload validation error: 'phone_number' is required for users of sms connections.");
    // Passwordless: the username is refused before the missing identifier is named.
    expect(check('sms', { username: 'ada' })).toBe('Cannot set username for connection without requires_username');
    expect(check('sms', { phoneNumber: '+15551234567' })).toBe('ok');
  });
});
