import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { htmlToText, renderSms, renderTemplate, unsupportedLiquid, type TemplateVariables } from '../../src/domain/passwordless/templates.js';
import { ANY_SENDER, DEFAULT_EMAIL_FROM, emailFromProblem, renderEmailFrom, senderPolicyOf } from '../../src/domain/passwordless/sender.js';
import { normalizeEmail, normalizePhoneNumber } from '../../src/domain/passwordless/identifiers.js';
import { EXPIRED_CODE_RETENTION_MS, PasswordlessCodes, totpOf, type PasswordlessCodesDeps } from '../../src/domain/passwordless/codes.js';
import type { Connection } from '../../src/domain/connections/connection.js';
import { parseDatabaseUrl } from '../../src/config/config.js';
import { migrateToLatest, openDatabase } from '../../src/storage/database.js';
import { Storage } from '../../src/storage/storage.js';
import { freshDatabase, type TestDatabase } from '../support/database.js';
import { deriveSubkey } from '../../src/crypto/subkeys.js';
import { BackgroundTasks } from '../../src/domain/background-tasks.js';

const vars = (extra: Partial<TemplateVariables> = {}): TemplateVariables => ({
  code: '123456',
  password: '123456',
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

  it('resolves {% elsif %} branches in order, and knows the code as password too', () => {
    const template = "{% if send == 'link' %}link{% elsif send == 'code' %}code {{ password }}{% elsif email %}never{% else %}other{% endif %}";
    expect(renderTemplate(template, vars(), 'text')).toBe('code 123456');
    expect(renderTemplate(template, vars({ send: 'link' }), 'text')).toBe('link');
    expect(renderTemplate("{% if send == 'x' %}a{% elsif send == 'y' %}b{% endif %}", vars(), 'text')).toBe('');
    expect(renderTemplate("{% if send == 'x' %}a{% elsif send == 'y' %}b{% else %}c{% endif %}", vars(), 'text')).toBe('c');
    expect(renderTemplate('a{% elsif email %}b', vars(), 'text')).toBe('a{% elsif email %}b');
  });

  it('finds the Liquid it would leave unrendered (the Management API refuses such templates)', () => {
    for (const supported of [
      '<p>{{ code }} {{application.name}} {{ password }}</p>',
      "{% if send == 'link' or send == 'link_ios' %}{{ link }}{% elsif send != \"code\" %}x{% else %}{{ code }}{% endif %}",
      "{%- if email -%}y{%- endif -%}",
      'no Liquid at all, 100% plain { text }',
      '{{ unterminated',
    ]) {
      expect(unsupportedLiquid(supported), supported).toBeUndefined();
    }
    expect(unsupportedLiquid('Hi {{ application.name | upcase }}!')).toBe('{{ application.name | upcase }}');
    expect(unsupportedLiquid('{% for x in list %}{{ x }}{% endfor %}')).toBe('{% for x in list %}');
    expect(unsupportedLiquid('{% unless email %}x{% endunless %}')).toBe('{% unless email %}');
    expect(unsupportedLiquid("{% if send == 'link' and email %}x{% endif %}")).toBe("{% if send == 'link' and email %}");
    expect(unsupportedLiquid("{% if send == 'a' and x == 'b' %}x{% endif %}")).toBe("{% if send == 'a' and x == 'b' %}");
    expect(unsupportedLiquid('{% if %}x{% endif %}')).toBe('{% if %}');
    expect(unsupportedLiquid('a{% endif %}b')).toBe('{% endif %}');
    expect(unsupportedLiquid('a{% else %}b')).toBe('{% else %}');
    expect(unsupportedLiquid("x{% if email %}y{% if send == 'code' %}z{% endif %}")).toBe('{% if email %}');
    expect(unsupportedLiquid("{% if x == '50%' %}y{% endif %}")).toBe("{% if x == '50%' %}y{% endif %}");
    expect(unsupportedLiquid('{{ code }} {{ "literal" }}')).toBe('{{ "literal" }}');
  });

  it('finds unrendered Liquid in hostile 100 KB templates in linear time', () => {
    expect(unsupportedLiquid('{{'.repeat(50_000))).toBeUndefined();
    expect(unsupportedLiquid(`${'{{'.repeat(50_000)}}}`)).toBe('{{'.repeat(30));
    expect(unsupportedLiquid('{%'.repeat(50_000))).toBe('{%'.repeat(30));
    expect(unsupportedLiquid(`{{ ${'a'.repeat(100_000)} b}}`)).toMatch(/^\{\{ a+$/);
    expect(unsupportedLiquid('{{ code }}'.repeat(10_000) + '{% if email %}'.repeat(7_000) + '{% endif %}'.repeat(7_000))).toBeUndefined();
    expect(unsupportedLiquid('{% if email %}'.repeat(7_000) + '{% endif %}'.repeat(6_999))).toBe('{% if email %}');
    expect(unsupportedLiquid(`{% if ${'a'.repeat(100_000)}${' '.repeat(100_000)}== '${"'".repeat(100_000)} %}`)).toMatch(/^\{% if a+$/);
  });

  it("reads a connection's sender: Liquid in the name only, the default meaning the server's own", () => {
    expect(renderEmailFrom('"{{ application.name }} Login" <login@acme.example>', vars(), ANY_SENDER)).toEqual({ name: 'Photos <Beta> Login', address: 'login@acme.example' });
    expect(renderEmailFrom('login@acme.example', vars(), ANY_SENDER)).toEqual({ name: '', address: 'login@acme.example' });
    expect(renderEmailFrom(DEFAULT_EMAIL_FROM, vars(), ANY_SENDER)).toBeUndefined();
    expect(renderEmailFrom('', vars(), ANY_SENDER)).toBeUndefined();
    expect(renderEmailFrom(42, vars(), ANY_SENDER)).toBeUndefined();
    // A value stored before it was checked gets the server's sender rather than a broken From.
    expect(renderEmailFrom('no-reply@{{ tenant.domain }}', vars(), ANY_SENDER)).toBeUndefined();
    expect(emailFromProblem(DEFAULT_EMAIL_FROM, ANY_SENDER)).toBeUndefined();
    expect(emailFromProblem('Acme <login@acme.example>', ANY_SENDER)).toBeUndefined();
    expect(emailFromProblem('no-reply@{{ tenant.domain }}', ANY_SENDER)).toMatch(/Liquid in the name only/);
    expect(emailFromProblem('Acme <login@acme.example>\r\nBcc: x@example.com', ANY_SENDER)).toMatch(/one line/);
    expect(emailFromProblem('Acme login@acme.example>', ANY_SENDER)).toBeDefined();
    expect(emailFromProblem('Acme <not an address>', ANY_SENDER)).toBeDefined();
    // Liquid the renderer cannot render is refused in the name as in the subject and body.
    expect(emailFromProblem('{{ application.name | upcase }} <login@acme.example>', ANY_SENDER)).toMatch(/does not render in the name/);
  });

  it("sends Auth0's default sender and Tessera's, whatever their spacing, from the server's own address", () => {
    // Every tenant exported from Auth0 carries Auth0's default: an address Tessera must never send as.
    expect(renderEmailFrom('{{ application.name }} <root@auth0.com>', vars(), ANY_SENDER)).toBeUndefined();
    expect(emailFromProblem('{{ application.name }} <root@auth0.com>', { allowedFromDomains: ['example.com'] })).toBeUndefined();
    expect(renderEmailFrom('{{application.name}} <no-reply@{{tenant.domain}}>', vars(), ANY_SENDER)).toBeUndefined();
    expect(emailFromProblem('{{application.name}}  <no-reply@{{ tenant.domain}}>', { allowedFromDomains: ['example.com'] })).toBeUndefined();
  });

  it("lets a tenant send only from the domains the operator's relay allows", () => {
    const policy = { allowedFromDomains: ['example.com'] } as const;
    expect(emailFromProblem('Acme <login@example.com>', policy)).toBeUndefined();
    expect(emailFromProblem('Acme <login@mail.example.com>', policy)).toBeUndefined();
    expect(emailFromProblem('Bank <security@bank.example>', policy)).toMatch(/SMTP_ALLOWED_FROM_DOMAINS: example\.com/);
    expect(emailFromProblem('Evil <login@notexample.com>', policy)).toMatch(/SMTP_ALLOWED_FROM_DOMAINS/);
    // Stored while another policy was in force: the server's own sender, never the foreign one.
    expect(renderEmailFrom('Bank <security@bank.example>', vars(), policy)).toBeUndefined();
    expect(renderEmailFrom('"{{ application.name }}" <login@example.com>', vars(), policy)).toEqual({ name: 'Photos <Beta>', address: 'login@example.com' });
    expect(senderPolicyOf(undefined)).toBe(ANY_SENDER);
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

/** PasswordlessCodes over a fresh database of the suite's kind (TEST_DATABASE), with one tenant. */
describe('passwordless codes in the database', () => {
  const tenantId = 'ten_codes';
  const connection = { id: 'con_codes', options: {} } as unknown as Connection;
  let database: TestDatabase;
  let storage: Storage;

  beforeAll(async () => {
    database = freshDatabase();
    const opened = await openDatabase(parseDatabaseUrl(database.url));
    await migrateToLatest(opened);
    storage = new Storage(opened.db, opened.dialect);
    await storage.repos.tenants.insert({ id: tenantId, name: 'codes', settings: {}, branding: {}, createdAt: new Date().toISOString(), deletedAt: null, kind: 'customer', environmentTag: 'development' });
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  const unexpected = (error: unknown) => {
    throw error;
  };
  const codeKey = randomBytes(32);
  const codesWith = (deps: Partial<PasswordlessCodesDeps> = {}) => new PasswordlessCodes(storage, { codeKey, background: new BackgroundTasks(unexpected), random: () => 1, ...deps });
  const storedIdentifiers = async () =>
    (await storage.db.selectFrom('passwordless_codes').select('identifier').where('tenant_id', '=', tenantId).orderBy('identifier').execute()).map((row) => row.identifier);
  const expire = (identifier: string, agoMs: number) =>
    storage.db.updateTable('passwordless_codes').set({ expires_at: new Date(Date.now() - agoMs).toISOString() }).where('identifier', '=', identifier).execute();
  const clear = () => storage.db.deleteFrom('passwordless_codes').execute();

  it('stores a keyed digest: not the SHA-256 of id and code that a database read could brute-force, and useless under another key', async () => {
    const { code } = await codesWith().issue(tenantId, connection, 'keyed@example.com', 'app');
    const row = (await storage.repos.passwordlessCodes.find(tenantId, connection.id, 'keyed@example.com'))!;
    const saltedSha256 = createHash('sha256').update(`${row.id}:${code}`).digest('base64url');
    expect(row.codeHash).not.toBe(saltedSha256);
    expect(row.codeHash).not.toContain(code);
    expect(await codesWith({ codeKey: randomBytes(32) }).redeem(tenantId, connection.id, 'keyed@example.com', 'app', code)).toBe('wrong');
    expect(await codesWith().redeem(tenantId, connection.id, 'keyed@example.com', 'app', code)).toBe('ok');
  });

  it('takes a code key derived from the master key with HKDF, never the master key itself', () => {
    const master = randomBytes(32);
    const key = deriveSubkey(master, 'passwordlessCodes');
    expect(key).toHaveLength(32);
    expect(key.equals(master)).toBe(false);
    expect(key.equals(deriveSubkey(master, 'passwordlessCodes'))).toBe(true);
    expect(key.equals(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'tessera/passwordless-code-hmac/v1', 32)))).toBe(true);
    expect(key.equals(deriveSubkey(randomBytes(32), 'passwordlessCodes'))).toBe(false);
  });

  it('prunes codes expired for longer than the retention, keeping live and recently expired ones', async () => {
    await clear();
    const codes = codesWith();
    for (const identifier of ['live@example.com', 'late@example.com', 'old@example.com']) await codes.issue(tenantId, connection, identifier, 'app');
    await expire('late@example.com', 60_000);
    await expire('old@example.com', EXPIRED_CODE_RETENTION_MS + 60_000);
    await codes.pruneExpired();
    expect(await storedIdentifiers()).toEqual(['late@example.com', 'live@example.com']);
    // Kept so that a late attempt hears that the code expired.
    expect(await codes.redeem(tenantId, connection.id, 'late@example.com', 'app', '000000')).toBe('expired');
  });

  it('sweeps now and then after an issue, off the request path', async () => {
    await clear();
    await codesWith().issue(tenantId, connection, 'old@example.com', 'app');
    await expire('old@example.com', EXPIRED_CODE_RETENTION_MS + 60_000);
    await codesWith({ random: () => 0.5 }).issue(tenantId, connection, 'unlucky@example.com', 'app');
    expect(await storedIdentifiers()).toEqual(['old@example.com', 'unlucky@example.com']);
    await codesWith({ random: () => 0 }).issue(tenantId, connection, 'sweeper@example.com', 'app');
    await vi.waitFor(async () => expect(await storedIdentifiers()).toEqual(['sweeper@example.com', 'unlucky@example.com']));
  });

  it('reports a failed sweep to the background error handler, never to the issue', async () => {
    const errors: unknown[] = [];
    const codes = codesWith({ random: () => 0, background: new BackgroundTasks((error) => errors.push(error)) });
    vi.spyOn(storage.repos.passwordlessCodes, 'deleteExpired').mockRejectedValueOnce(new Error('database gone'));
    await expect(codes.issue(tenantId, connection, 'issued@example.com', 'app')).resolves.toMatchObject({ code: expect.stringMatching(/^\d{6}$/) });
    await vi.waitFor(() => expect(errors).toEqual([expect.objectContaining({ message: 'database gone' })]));
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
