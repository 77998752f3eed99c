/**
 * The pure parts of the dashboard's Passwordless, Branding and Attack protection screens: the
 * options a passwordless connection saves (options are replaced whole, so nothing else may be lost),
 * the branding PATCH body, the allowlist text and the API's refusal of an entry at the field, and
 * the attack protection bounds against the server's own.
 */
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../dashboard/src/api/errors.js';
import { formOf as passwordlessForm, lifetimeMinutes, optionsOf } from '../../dashboard/src/features/passwordless/options.js';
import { formOf as brandingForm, formProblems, patchOf } from '../../dashboard/src/features/branding/branding-form.js';
import { allowlistBoundsProblem, allowlistFieldError, formatAllowlist, parseAllowlist } from '../../dashboard/src/features/attack-protection/allowlist.js';
import { LIMITS, attemptsPerDay } from '../../dashboard/src/features/attack-protection/limits.js';
import { LIMITS as SERVER_LIMITS, applyFeaturePatch, defaultAttackProtectionSettings } from '../../src/domain/attack-protection/settings.js';
import { emailStrategy } from '../../src/domain/connections/strategies/email.js';
import { smsStrategy } from '../../src/domain/connections/strategies/sms.js';
import { ANY_SENDER } from '../../src/domain/passwordless/sender.js';

describe('passwordless options', () => {
  it('writes the form over the stored email options and keeps the rest', () => {
    const options = { ...emailStrategy.buildOptions('email', {}, { senderPolicy: ANY_SENDER }), custom_flag: 'kept' } as unknown as Record<string, unknown> & { email: { from: string; body: string } };
    const connection = { id: 'con_1', name: 'email', strategy: 'email' as const, options };
    const form = passwordlessForm(connection);
    expect(form).toMatchObject({ otpLength: 6, otpLifetime: 180, disableSignup: false, bruteForce: true, subject: 'Welcome to {{ application.name }}' });
    const saved = optionsOf(connection, { ...form, subject: 'Your code', otpLength: 8, otpLifetime: 600, disableSignup: true }) as Record<string, unknown>;
    expect(saved).toMatchObject({
      name: 'email',
      custom_flag: 'kept',
      email: { from: options.email.from, syntax: 'liquid', subject: 'Your code', body: options.email.body },
      totp: { length: 8, time_step: 600 },
      disable_signup: true,
      brute_force_protection: true,
    });
    expect(saved.template).toBeUndefined();
    // The From is the form's, trimmed; emptied, the server's own sender is used.
    const renamed = optionsOf(connection, { ...form, from: '  Shop <login@shop.example> ' }) as { email: { from: string } };
    expect(renamed.email.from).toBe('Shop <login@shop.example>');
  });

  it('saves the SMS template, not an email block', () => {
    const connection = { id: 'con_2', name: 'sms', strategy: 'sms' as const, options: smsStrategy.buildOptions('sms', {}) };
    const form = passwordlessForm(connection);
    expect(form.template).toBe('Your verification code is: @@password@@');
    const saved = optionsOf(connection, { ...form, template: 'Code: @@password@@', bruteForce: false }) as Record<string, unknown>;
    expect(saved).toMatchObject({ template: 'Code: @@password@@', syntax: 'md_with_macros', brute_force_protection: false });
    expect(saved.email).toBeUndefined();
    expect(lifetimeMinutes(180)).toBe(3);
    expect(lifetimeMinutes(30)).toBe(1);
  });
});

describe('branding form', () => {
  it('sends cleared fields as null and refuses what the API would', () => {
    const stored = { colors: { primary: '#112233', page_background: '#ffffff' }, logo_url: 'https://example.com/a.png' };
    const form = brandingForm(stored);
    expect(patchOf({ ...form, pageBackground: '', logoUrl: '' }, stored)).toEqual({
      colors: { primary: '#112233', page_background: null },
      logo_url: null,
      favicon_url: null,
    });
    expect(formProblems({ primary: 'red', pageBackground: '#abc', logoUrl: 'http://example.com/a.png', faviconUrl: '' })).toEqual({
      primary: 'Enter a hex colour such as #635dff.',
      logoUrl: 'Must be an https:// URL.',
    });
  });

  it('keeps a gradient background it cannot show unless a colour replaces it', () => {
    const stored = { colors: { page_background: { type: 'linear-gradient', start: '#000000', end: '#ffffff', angle_deg: 35 } } };
    const form = brandingForm(stored);
    expect(form.pageBackground).toBe('');
    expect(patchOf(form, stored).colors).toEqual({ primary: null });
    expect(patchOf({ ...form, pageBackground: '#000' }, stored).colors).toEqual({ primary: null, page_background: '#000' });
  });
});

describe('attack protection allowlist', () => {
  it('reads one entry a line (or comma-separated) and writes one a line', () => {
    expect(parseAllowlist(' 10.0.0.0/8 \n\n2001:db8::/32, 203.0.113.7\n')).toEqual(['10.0.0.0/8', '2001:db8::/32', '203.0.113.7']);
    expect(formatAllowlist(['10.0.0.1', '::1'])).toBe('10.0.0.1\n::1');
    expect(allowlistBoundsProblem(Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`))).toBe('At most 100 entries.');
    expect(allowlistBoundsProblem(['10.0.0.1', 'x'.repeat(65)])).toBe('Line 2: at most 64 characters.');
    expect(allowlistBoundsProblem(['10.0.0.1'])).toBeUndefined();
  });

  it("shows the API's refusal of an entry at the field, with its line", () => {
    // The server's own refusal, as PATCH /attack-protection/brute-force-protection answers it.
    let message = '';
    try {
      applyFeaturePatch(defaultAttackProtectionSettings().brute_force_protection, { allowlist: ['10.0.0.1', 'not-an-ip'] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('not-an-ip');
    const refusal = new ApiRequestError(400, { statusCode: 400, error: 'Bad Request', message, errorCode: 'invalid_body' });
    expect(allowlistFieldError(refusal)).toBe(`Line 2: ${message}`);
    const schema = new ApiRequestError(400, { message: "Payload validation error: 'allowlist.3' must NOT have more than 64 characters" });
    expect(allowlistFieldError(schema)).toMatch(/^Line 4: /);
    expect(allowlistFieldError(new ApiRequestError(400, { message: "Payload validation error: 'max_attempts' must be <= 100" }))).toBeUndefined();
    expect(allowlistFieldError(new ApiRequestError(403, { message: 'allowlist' }))).toBeUndefined();
  });

  it("keeps the form's bounds equal to the server's", () => {
    expect(LIMITS).toEqual({ bruteForceMaxAttempts: SERVER_LIMITS.bruteForceMaxAttempts, preLogin: SERVER_LIMITS.preLogin, preUserRegistration: SERVER_LIMITS.preUserRegistration });
    expect(attemptsPerDay(864_000)).toBe('100');
    expect(attemptsPerDay(34_560)).toBe('2,500');
    expect(attemptsPerDay(0)).toBe('—');
  });
});
