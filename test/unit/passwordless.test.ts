import { describe, expect, it } from 'vitest';
import { htmlToText, renderSms, renderTemplate, type TemplateVariables } from '../../src/domain/passwordless/templates.js';
import { normalizeEmail, normalizePhoneNumber } from '../../src/domain/passwordless/identifiers.js';
import { totpOf } from '../../src/domain/passwordless/codes.js';
import type { Connection } from '../../src/domain/connections/connection.js';

const vars = (extra: Partial<TemplateVariables> = {}): TemplateVariables => ({
  code: '123456',
  send: 'code',
  code_expiration: 3,
  application: { name: 'Photos <Beta>' },
  tenant: { domain: 'dev.example.com' },
  connection: { name: 'email' },
  email: 'ada@example.com',
  ...extra,
});

describe('passwordless templates', () => {
  it('substitutes Liquid variables, escaping them in HTML only', () => {
    const template = '<p>{{ code }} for {{application.name}} ({{ code_expiration }} min) {{ unknown.thing }}</p>';
    expect(renderTemplate(template, vars(), 'html')).toBe('<p>123456 for Photos &lt;Beta&gt; (3 min) </p>');
    expect(renderTemplate('{{ application.name }} sign-in', vars(), 'text')).toBe('Photos <Beta> sign-in');
  });

  it("resolves Auth0's {% if send == 'link' %} blocks, nested and with or", () => {
    const template = "{% if send == 'link' or send == 'link_ios' %}Click {{ link }}{% else %}Code {{ code }}{% if email %} for {{ email }}{% endif %}{% endif %}";
    expect(renderTemplate(template, vars(), 'text')).toBe('Code 123456 for ada@example.com');
    expect(renderTemplate(template, vars({ send: 'link', link: 'https://x/l?a=1&b=2' }), 'html')).toBe('Click https://x/l?a=1&amp;b=2');
  });

  it('expands the SMS macro @@password@@', () => {
    expect(renderSms('Your code is @@password@@ ({{ application.name }})', vars())).toBe('Your code is 123456 (Photos <Beta>)');
  });

  it('makes a readable text part, links included', () => {
    expect(htmlToText('<p>Hi &amp; welcome</p><p><a href="https://x/l?a=1&amp;b=2">Log in</a></p>')).toBe('Hi & welcome\nLog in (https://x/l?a=1&b=2)');
  });
});

describe('passwordless identifiers and code options', () => {
  it('normalizes emails and E.164 phone numbers', () => {
    expect(normalizeEmail(' Ada@Example.COM ')).toBe('ada@example.com');
    expect(normalizeEmail('no-at-sign')).toBeUndefined();
    expect(normalizePhoneNumber('+1 (415) 555-0100')).toBe('+14155550100');
    expect(normalizePhoneNumber('04155550100')).toBeUndefined();
    expect(normalizePhoneNumber('+0123456789')).toBeUndefined();
    expect(normalizePhoneNumber('+1234567890123456')).toBeUndefined();
  });

  it("reads options.totp within the Management API's bounds", () => {
    const connection = (totp: unknown) => ({ options: { totp } }) as unknown as Connection;
    expect(totpOf(connection(undefined))).toEqual({ length: 6, timeStep: 180 });
    expect(totpOf(connection({ length: 8, time_step: 600 }))).toEqual({ length: 8, timeStep: 600 });
    expect(totpOf(connection({ length: 1, time_step: 1 }))).toEqual({ length: 4, timeStep: 30 });
    expect(totpOf(connection({ length: '6', time_step: 1.5 }))).toEqual({ length: 6, timeStep: 180 });
  });
});

describe('SMS provider configuration', () => {
  it('takes the SMS_TWILIO_* variables together, validated at start', async () => {
    const { loadConfig, ConfigError } = await import('../../src/config/config.js');
    expect(loadConfig({}).twilio).toBeUndefined();
    const full = { SMS_TWILIO_ACCOUNT_SID: 'AC1', SMS_TWILIO_AUTH_TOKEN: 'secret', SMS_TWILIO_FROM: '+15005550006' };
    expect(loadConfig(full).twilio).toEqual({ accountSid: 'AC1', authToken: 'secret', from: '+15005550006', baseUrl: 'https://api.twilio.com' });
    expect(() => loadConfig({ SMS_TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...full, SMS_TWILIO_FROM: 'Tessera' })).toThrow(/SMS_TWILIO_FROM/);
    expect(() => loadConfig({ SMS_TWILIO_URL: 'https://sms.example.com' })).toThrow(/SMS_TWILIO_URL/);
  });
});
