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

  it('keeps malformed tags as text: stray else/endif, an if never closed (its inner blocks still resolved), an empty condition', () => {
    expect(renderTemplate('a{% endif %}b{% else %}c', vars(), 'text')).toBe('a{% endif %}b{% else %}c');
    expect(renderTemplate("{% if send == 'code' %}x{% if email %}[{{ email }}]{% endif %}", vars(), 'text')).toBe("{% if send == 'code' %}x[ada@example.com]");
    expect(renderTemplate('{% if %}x{% endif %}', vars(), 'text')).toBe('{% if %}x{% endif %}');
    expect(renderTemplate("{%- if send != 'link' -%}code{%- else -%}link{%- endif -%}", vars(), 'text')).toBe('code');
    expect(renderTemplate("{% if send == 'link' %}a{% else %}b{% else %}c{% endif %}", vars(), 'text')).toBe('b');
  });

  // Templates are written by tenant administrators and rendered on /passwordless/start: a template
  // that made a regex backtrack blocked the server's event loop for minutes. These finish at once
  // (a regression hangs the test far past its timeout); each checks what comes out.
  describe('renders hostile 100 KB templates in linear time', () => {
    const spaces = ' '.repeat(100_000);

    it('an {% if with a huge unterminated condition is left as text', () => {
      const template = `{% if ${spaces}x`;
      expect(renderTemplate(template, vars(), 'html')).toBe(template);
    });

    it('huge whitespace inside conditions, around == and or', () => {
      expect(renderTemplate(`{% if send${spaces}== 'code' %}yes{% endif %}`, vars(), 'text')).toBe('yes');
      expect(renderTemplate(`{% if link${spaces}or${spaces}send == 'code' %}yes{% endif %}`, vars(), 'text')).toBe('yes');
      expect(renderTemplate(`{% if ${'a'.repeat(100_000)}${spaces}== '${"'".repeat(100_000)} %}yes{% else %}no{% endif %}`, vars(), 'text')).toBe('no');
    });

    it('thousands of tag openings, unclosed and nested blocks', () => {
      const openings = '{%'.repeat(50_000);
      expect(renderTemplate(openings, vars(), 'text')).toBe(openings);
      const unclosed = '{% if email %}'.repeat(7_000);
      expect(renderTemplate(unclosed, vars(), 'text')).toBe(unclosed);
      expect(renderTemplate(`${'{% if email %}('.repeat(5_000)}{{ code }}${')'.repeat(5_000).split('').join('{% endif %}')}{% endif %}`, vars(), 'text')).toBe(`${'('.repeat(5_000)}123456${')'.repeat(5_000)}`);
      const variables = `{{${spaces}x`;
      expect(renderTemplate(variables, vars(), 'text')).toBe(variables);
    });

    it('the plain-text part of a hostile HTML body', () => {
      expect(htmlToText('<'.repeat(100_000))).toBe('<'.repeat(100_000));
      expect(htmlToText(`${spaces}x${spaces}`)).toBe('x');
      expect(htmlToText(`a${spaces}\nb`)).toBe('a\nb');
      expect(htmlToText('<a href=""'.repeat(10_000))).toBe('<a href=""'.repeat(10_000));
      expect(htmlToText(`${'<a href="x">'.repeat(8_000)}label</a>`)).toBe('label (x)');
      expect(htmlToText('<style<script'.repeat(8_000))).toBe('<style<script'.repeat(8_000));
      expect(htmlToText(`${'<p>'.repeat(30_000)}x`)).toBe('x');
    });
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
