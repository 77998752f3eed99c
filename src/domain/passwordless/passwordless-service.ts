/**
 * Sending a passwordless code or magic link: a fresh one-time code (replacing the previous one for
 * that address or number), rendered into the connection's template, delivered by email or SMS.
 * Who may ask (client authentication, the connection being enabled for the client) is decided by
 * the callers — `POST /passwordless/start` and the hosted passwordless page.
 */
import type { Storage } from '../../storage/storage.js';
import type { EmailSender } from '../delivery/email.js';
import type { SmsSender } from '../delivery/sms.js';
import type { Connection } from '../connections/connection.js';
import { passwordlessOf } from '../connections/strategies/registry.js';
import type { Tenant } from '../tenants/tenant-service.js';
import { PasswordlessCodes, type PasswordlessCodesDeps } from './codes.js';
import { htmlToText, renderSms, renderTemplate, type TemplateVariables } from './templates.js';
import { ANY_SENDER, renderEmailFrom, type SenderPolicy } from './sender.js';

export interface SendRequest {
  tenant: Tenant;
  client: { client_id: string; name: string };
  /** An `email` or `sms` connection. */
  connection: Connection;
  /** The normalized email address or phone number. */
  identifier: string;
  send: 'link' | 'code';
  /** Builds the magic link around the code (required when `send` is `link`). */
  linkFor?: (code: string) => string;
}

interface EmailOptions {
  from?: unknown;
  subject?: unknown;
  body?: unknown;
}

/** Used when a template has lost its `{{ link }}`: a magic link email must still carry the link. */
const LINK_FALLBACK = '<p><a href="{{ link }}">Log in to {{ application.name }}</a></p>';

export class PasswordlessService {
  readonly codes: PasswordlessCodes;

  private readonly senderPolicy: SenderPolicy;

  constructor(
    storage: Storage,
    private readonly email: EmailSender,
    private readonly sms: SmsSender,
    { senderPolicy = ANY_SENDER, ...codeDeps }: PasswordlessCodesDeps & { senderPolicy?: SenderPolicy },
  ) {
    this.senderPolicy = senderPolicy;
    this.codes = new PasswordlessCodes(storage, codeDeps);
  }

  /** Issues and delivers a code (or magic link). Delivery errors (`SmsDeliveryError`...) propagate. */
  async send(request: SendRequest): Promise<void> {
    const { tenant, client, connection, identifier, send } = request;
    if (send === 'link' && !request.linkFor) throw new Error('a magic link needs linkFor');
    const passwordless = passwordlessOf(connection.strategy);
    if (!passwordless) throw new Error(`connection strategy "${connection.strategy}" is not passwordless`);
    const { code, lifetime } = await this.codes.issue(tenant.id, connection, identifier, client.client_id);
    const variables: TemplateVariables = {
      code,
      password: code,
      send,
      code_expiration: Math.max(1, Math.round(lifetime / 60)),
      application: { name: client.name },
      tenant: { domain: tenant.domain },
      connection: { name: connection.name },
      ...(send === 'link' ? { link: request.linkFor!(code) } : {}),
      ...(passwordless.identifierField === 'email' ? { email: identifier } : { phone_number: identifier }),
    };

    if (passwordless.channel === 'sms') {
      const template = typeof connection.options.template === 'string' ? connection.options.template : '@@password@@';
      let body = renderSms(template, variables);
      if (variables.link && !body.includes(variables.link)) body = `${body}\n${variables.link}`;
      if (!body.includes(code) && !variables.link) body = `${body} ${code}`;
      await this.sms.send(tenant.id, { to: identifier, body });
      return;
    }

    const options = (connection.options.email ?? {}) as EmailOptions;
    const subject = renderTemplate(typeof options.subject === 'string' ? options.subject : 'Your verification code', variables, 'text').replace(/[\r\n]+/g, ' ');
    let html = renderTemplate(typeof options.body === 'string' ? options.body : '<p>{{ code }}</p>', variables, 'html');
    // A template written for codes (like the default one) would otherwise send a link-less link email.
    if (variables.link && !html.includes(renderTemplate('{{ link }}', variables, 'html'))) html += renderTemplate(LINK_FALLBACK, variables, 'html');
    const from = renderEmailFrom(options.from, variables, this.senderPolicy);
    await this.email.send(tenant.id, { to: identifier, ...(from ? { from } : {}), subject, html, text: htmlToText(html) });
  }
}
