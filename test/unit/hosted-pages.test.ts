import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config/config.js';
import { passwordHint } from '../../src/login/password-hint.js';
import { field, errorAlert } from '../../src/login/fragments.js';
import { userFacingProblem } from '../../src/login/form.js';
import { formActionFor } from '../../src/pages/form-action.js';
import { resetEmail } from '../../src/domain/password-reset/reset-email.js';

describe('SMTP configuration', () => {
  it('is off by default: emails go to the dev outbox', () => {
    expect(loadConfig({}).smtp).toBeUndefined();
  });

  it('reads SMTP_URL and SMTP_FROM', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.com:465' }).smtp).toEqual({ url: 'smtps://u:p@mail.example.com:465', from: 'no-reply@mail.example.com', allowedFromDomains: ['mail.example.com'] });
    expect(loadConfig({ SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: 'Acme <id@acme.test>' }).smtp).toMatchObject({ from: 'Acme <id@acme.test>', allowedFromDomains: ['acme.test'] });
  });

  it("reads SMTP_ALLOWED_FROM_DOMAINS, the domains tenants may send from (by default SMTP_FROM's)", () => {
    const base = { SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: 'id@acme.test' };
    expect(loadConfig({ ...base, SMTP_ALLOWED_FROM_DOMAINS: ' Acme.test, example.org ' }).smtp?.allowedFromDomains).toEqual(['acme.test', 'example.org']);
    expect(loadConfig({ ...base, SMTP_ALLOWED_FROM_DOMAINS: '*' }).smtp?.allowedFromDomains).toBe('*');
    expect(() => loadConfig({ ...base, SMTP_ALLOWED_FROM_DOMAINS: 'acme.test, not a domain' })).toThrow(/SMTP_ALLOWED_FROM_DOMAINS/);
  });

  it.each([
    [{ SMTP_URL: 'mail.example.com:25' }, 'SMTP_URL'],
    [{ SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL'],
    [{ SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: 'not an address' }, 'SMTP_FROM'],
    [{ SMTP_FROM: 'id@acme.test' }, 'SMTP_FROM'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });
});

describe('hosted form pieces', () => {
  it('describe the password policy in words', () => {
    expect(passwordHint({ passwordPolicy: 'none' })).toBeUndefined();
    expect(passwordHint({ passwordPolicy: 'low' })).toBe('At least 6 characters.');
    expect(passwordHint({ passwordPolicy: 'fair', password_complexity_options: { min_length: 12 } })).toBe('At least 12 characters, including lower case letters, upper case letters and numbers.');
    expect(passwordHint({ passwordPolicy: 'good' })).toMatch(/^At least 8 characters, including 3 of/);
  });

  it('bind labels, hints and errors to their inputs and escape every value', () => {
    const html = field({ id: 'email', label: 'Email', type: 'email', autocomplete: 'email', value: '"><script>', hint: 'Your <work> address', invalid: true });
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('aria-describedby="error email-hint"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;"');
    expect(html).toContain('<p class="hint" id="email-hint">Your &lt;work&gt; address</p>');
    expect(field({ id: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', value: 'secret' })).not.toContain('secret');
    expect(errorAlert('<b>')).toBe('<div class="error" role="alert" id="error">&lt;b&gt;</div>');
    expect(errorAlert(undefined)).toBe('');
  });

  it("show Auth0's messages without their prefixes", () => {
    expect(userFacingProblem('PasswordStrengthError: Password is too weak')).toBe('Password is too weak.');
    expect(userFacingProblem('Payload validation error: username must be at most 15 characters.')).toBe('Username must be at most 15 characters.');
  });

  it('allow the application as form target for pages that redirect to it', () => {
    expect(formActionFor('https://app.example.com/cb?x=1')).toEqual(["form-action 'self' https://app.example.com"]);
    expect(formActionFor('com.example.app://callback')).toEqual(["form-action 'self' com.example.app:"]);
  });

  it('escape the reset email', () => {
    const email = resetEmail({ tenantName: 'A<b>', link: 'https://x.test/u/reset-password?ticket=a&b', ttlMinutes: 60 });
    expect(email.subject).toBe('Reset your A<b> password');
    expect(email.text).toContain('https://x.test/u/reset-password?ticket=a&b');
    expect(email.html).toContain('A&lt;b&gt;');
    expect(email.html).toContain('ticket=a&amp;b');
  });
});
