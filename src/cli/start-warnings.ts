/**
 * What the operator must hear at start about its configuration. Outgoing messages: without SMTP_URL (or an SMS
 * provider) they land in the development outbox, which holds live password reset links; in
 * production (`NODE_ENV=production`) nothing is stored and such sends fail.
 */
import type { Config } from '../config/config.js';

export function deliveryWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.smtp) {
    warnings.push(
      config.production
        ? 'SMTP_URL is not set and NODE_ENV=production: emails (password reset, verification, passwordless) cannot be sent and each attempt fails.'
        : 'SMTP_URL is not set: emails (password reset links...) are stored in the development outbox (GET /api/v2/tessera/outbox, scope read:dev_outbox) instead of being sent. Set SMTP_URL for any real deployment.',
    );
  }
  if (!config.twilio) {
    warnings.push(
      config.production
        ? 'No SMS provider (SMS_TWILIO_*) and NODE_ENV=production: passwordless text messages cannot be sent and each attempt fails.'
        : 'No SMS provider (SMS_TWILIO_*): passwordless text messages are stored in the development outbox instead of being sent.',
    );
  }
  return warnings;
}

/**
 * Behind a proxy the public origin is rarely the listening one (TLS ends at the proxy, the port is
 * mapped), and Tessera no longer takes scheme or port from X-Forwarded-*: without TESSERA_PUBLIC_URL
 * issuers would read `http://…:{PORT}/` and SDKs would refuse the tokens.
 */
export function proxyWarnings(config: Config): string[] {
  if (!config.trustProxy || !config.publicUrl.derived) return [];
  return ['TRUST_PROXY is set but TESSERA_PUBLIC_URL is not: issuers, links in emails and the Management API identifier use this server\'s own scheme and port, not the proxy\'s. Set TESSERA_PUBLIC_URL (e.g. https://{tenant}.auth.example.com).'];
}
