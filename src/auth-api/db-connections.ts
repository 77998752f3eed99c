/**
 * The Authentication API's database connection endpoints, called by auth0-js (`signup`,
 * `changePassword`) and Lock's sign-up and forgot-password screens, JSON or form:
 * - `POST /dbconnections/signup`: creates a user through the same path as the hosted signup page
 *   (`domain/signup`: disable_signup, suspicious IP throttling, breached passwords, password policy)
 *   and answers `{_id, email_verified, email, ...}`; errors in Auth0's signup format
 *   `{name, code, description, statusCode}`. An existing account is named (`user_exists`) only
 *   with the tenant flag `enable_public_signup_user_exists_error`; otherwise `invalid_signup`.
 * - `POST /dbconnections/change_password`: sends the password reset email through the hosted
 *   reset flow and always answers the same text, so nobody learns whether an address has an account;
 *   a 400 `invalid_request` when the connection disables self-service resets
 *   (`disable_self_service_change_password`).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Client } from '../domain/clients/client.js';
import { connectionEnabledFor, type Connection } from '../domain/connections/connection.js';
import { signUp, type SignupProfile, type SignupRefusal } from '../domain/signup/signup.js';
import { requestPasswordReset, SELF_SERVICE_RESET_DISABLED } from '../domain/password-reset/password-reset.js';
import { passwordRulesOf } from '../domain/users/password-policy.js';
import { policyReport, policyText } from '../domain/users/password-policy-report.js';
import { providerUserId } from '../domain/users/user.js';
import { BREACHED_NEW_PASSWORD_MESSAGES, REJECTION_MESSAGES } from '../domain/authentication/rejection-messages.js';
import { AuthApiError } from '../http/errors.js';
import { isEmailAddress } from '../domain/validation/email.js';
import { isStrategyKind } from '../domain/connections/strategies/registry.js';

export const CHANGE_PASSWORD_ANSWER = "We've just sent you an email to reset your password.";

const PROFILE_FIELDS = ['given_name', 'family_name', 'name', 'nickname', 'picture'] as const;
const STRING_FIELDS = ['client_id', 'connection', 'email', 'password', 'username', ...PROFILE_FIELDS] as const;
type StringField = (typeof STRING_FIELDS)[number];
type DbParams = Partial<Record<StringField, string>> & { user_metadata?: Record<string, string> };

/** Auth0's limits on signup `user_metadata` (Authentication API reference). */
const METADATA_MAX_PROPERTIES = 10;
const METADATA_MAX_NAME = 100;
const METADATA_MAX_VALUE = 500;

/** An error in Auth0's signup format; `extra` carries `message`/`policy` for password errors. */
class SignupError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly description: unknown,
    readonly errorName = 'BadRequestError',
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

export const dbConnectionRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/dbconnections/signup', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      return await signupEndpoint(services, request);
    } catch (error) {
      if (!(error instanceof SignupError)) throw error;
      return sendSignupError(reply, error);
    }
  });

  app.post('/dbconnections/change_password', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const tenant = request.tenant;
    const params = readParams(request.body, (code, description) => new AuthApiError(400, code, description));
    const client = await clientOf(services, request, params.client_id, (status, code, description) => new AuthApiError(status, code, description));
    const email = params.email?.trim().toLowerCase();
    if (!email) throw new AuthApiError(400, 'invalid_request', 'Missing required parameter: email');
    if (!isEmailAddress(email)) throw new AuthApiError(400, 'invalid_request', 'Email is not valid.');
    // A wrong connection, or one without self-service resets, says nothing about the address, so it may be reported.
    const connection = await databaseConnectionOf(services, request, client, params.connection, (code, description) => new AuthApiError(400, code, description));
    const outcome = requestPasswordReset(services, tenant, { email, connection, clientId: client.client_id, clientName: client.name, issuer: request.issuer, audit: request.audit }, (error) =>
      request.log.error({ err: error }, 'password reset request failed'),
    );
    if (outcome === 'self_service_disabled') throw new AuthApiError(400, 'invalid_request', SELF_SERVICE_RESET_DISABLED);
    return reply.code(200).header('content-type', 'text/plain; charset=utf-8').send(CHANGE_PASSWORD_ANSWER);
  });
};

async function signupEndpoint(services: Services, request: FastifyRequest): Promise<Record<string, unknown>> {
  const tenant = request.tenant;
  const params = readParams(request.body, (code, description) => new SignupError(400, code, description));
  const client = await clientOf(services, request, params.client_id, (status, code, description) => new SignupError(status, code, description, status === 401 ? 'UnauthorizedError' : 'BadRequestError'));
  const connection = await databaseConnectionOf(services, request, client, params.connection, (code, description) => new SignupError(400, code, description));
  if (params.email === undefined) throw new SignupError(400, 'invalid_body', "Payload validation error: 'Missing required property: email'.");
  if (params.password === undefined) throw new SignupError(400, 'invalid_body', "Payload validation error: 'Missing required property: password'.");

  const profile: SignupProfile = {};
  for (const field of PROFILE_FIELDS) if (params[field] !== undefined) profile[field] = params[field];
  if (params.user_metadata) profile.user_metadata = params.user_metadata;
  const email = params.email.trim().toLowerCase();
  const username = (params.username ?? '').trim();
  const outcome = await signUp(services, tenant, { connection, connectionName: connection.name, client, ip: request.ip, audit: request.audit, email, username, password: params.password, profile, issuer: request.issuer });
  if (!outcome.ok) throw refusalError(outcome, tenant.settings.flags.enable_public_signup_user_exists_error === true, connection, params.password);

  const user = outcome.user;
  return {
    _id: providerUserId(user.user_id),
    email_verified: user.email_verified ?? false,
    email: user.email,
    ...(user.username ? { username: user.username } : {}),
    ...Object.fromEntries(PROFILE_FIELDS.filter((field) => params[field] !== undefined).map((field) => [field, user[field]])),
    ...(params.user_metadata ? { user_metadata: user.user_metadata } : {}),
  };
}

function refusalError(refusal: SignupRefusal, userExistsError: boolean, connection: Connection, password: string): SignupError {
  switch (refusal.reason) {
    case 'signup_disabled':
      return new SignupError(400, 'operation_not_allowed', 'Public signup is disabled');
    case 'suspicious_ip':
      return new SignupError(429, 'too_many_attempts', REJECTION_MESSAGES.suspicious_ip, 'TooManyRequestsError');
    case 'invalid_email':
      return new SignupError(400, 'invalid_body', "Payload validation error: 'Object didn't pass validation for format email' on property email.");
    case 'missing_username':
      return new SignupError(400, 'invalid_body', "Payload validation error: 'Missing required property: username'.");
    case 'missing_password':
      return new SignupError(400, 'invalid_body', "Payload validation error: 'String is too short (0 chars), minimum 1' on property password.");
    case 'password_leaked':
      return new SignupError(400, 'password_leaked', BREACHED_NEW_PASSWORD_MESSAGES.signup, 'PasswordLeakedError');
    case 'user_exists':
      // Without the tenant flag, the same answer as any other refusal: no account enumeration.
      return userExistsError ? new SignupError(400, 'user_exists', 'The user already exists.') : new SignupError(400, 'invalid_signup', 'Invalid sign up');
    case 'invalid':
      return invalidInputError(refusal.message, connection, password);
  }
}

/** Password policy refusals become `invalid_password` with the failed rule's error name, like Auth0. */
function invalidInputError(message: string, connection: Connection, password: string): SignupError {
  const match = /^(Password[A-Za-z]*Error): (.*)$/.exec(message);
  if (!match) return new SignupError(400, 'invalid_body', message);
  const [, name, text] = match as unknown as [string, string, string];
  const report = policyReport(password, passwordRulesOf(connection.options as Record<string, unknown>));
  const description = name === 'PasswordStrengthError' ? report : text;
  return new SignupError(400, 'invalid_password', description, name, { message: text, policy: policyText(report) });
}

function sendSignupError(reply: FastifyReply, error: SignupError): FastifyReply {
  return reply.code(error.statusCode).send({ name: error.errorName, ...error.extra, code: error.code, description: error.description, statusCode: error.statusCode });
}

/** String fields, and `user_metadata` as an object (JSON) or `user_metadata[name]` fields (form). Unknown fields are ignored, as SDKs add their own. */
function readParams(body: unknown, fail: (code: string, description: string) => Error): DbParams {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) throw fail('invalid_body', 'The request body must be a JSON object or a form.');
  const params: DbParams = {};
  const metadata: Record<string, unknown> = {};
  let hasMetadata = false;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if ((STRING_FIELDS as readonly string[]).includes(name)) {
      if (value === null || value === undefined) continue;
      if (typeof value !== 'string') throw fail('invalid_body', `Payload validation error: 'Expected type string but found type ${typeOf(value)}' on property ${name}.`);
      params[name as StringField] = value;
    } else if (name === 'user_metadata' && value !== null && value !== undefined) {
      if (typeof value !== 'object' || Array.isArray(value)) throw fail('invalid_body', `Payload validation error: 'Expected type object but found type ${typeOf(value)}' on property user_metadata.`);
      Object.assign(metadata, value);
      hasMetadata = true;
    } else if (/^user_metadata\[[^\]]+\]$/.test(name)) {
      metadata[name.slice('user_metadata['.length, -1)] = value;
      hasMetadata = true;
    }
  }
  if (hasMetadata) params.user_metadata = checkedMetadata(metadata, fail);
  return params;
}

function checkedMetadata(metadata: Record<string, unknown>, fail: (code: string, description: string) => Error): Record<string, string> {
  const entries = Object.entries(metadata);
  if (entries.length > METADATA_MAX_PROPERTIES) throw fail('invalid_body', `Payload validation error: 'Too many properties defined (${entries.length}), maximum ${METADATA_MAX_PROPERTIES}' on property user_metadata.`);
  for (const [key, value] of entries) {
    if (key.length > METADATA_MAX_NAME) throw fail('invalid_body', `Payload validation error: 'Property name is too long, maximum ${METADATA_MAX_NAME}' on property user_metadata.`);
    if (typeof value !== 'string') throw fail('invalid_body', `Payload validation error: 'Expected type string but found type ${typeOf(value)}' on property user_metadata.${key}.`);
    if (value.length > METADATA_MAX_VALUE) throw fail('invalid_body', `Payload validation error: 'String is too long (${value.length} chars), maximum ${METADATA_MAX_VALUE}' on property user_metadata.${key}.`);
  }
  return metadata as Record<string, string>;
}

/** The application named by `client_id`, in the request's tenant only. */
async function clientOf(services: Services, request: FastifyRequest, clientId: string | undefined, fail: (status: number, code: string, description: string) => Error): Promise<Client> {
  if (!clientId) throw fail(400, 'invalid_request', 'Missing required parameter: client_id');
  const client = await services.clients.find(request.tenant.id, request.tenant.name, clientId);
  if (!client) throw fail(401, 'invalid_client', 'Unknown client.');
  return client;
}

/** The database connection `name`, enabled for the application. */
async function databaseConnectionOf(services: Services, request: FastifyRequest, client: Client, name: string | undefined, fail: (code: string, description: string) => Error): Promise<Connection> {
  if (!name) throw fail('bad.connection', 'Missing required property: connection');
  const connection = await services.connections.findByName(request.tenant.id, name);
  if (!connection) throw fail('bad.connection', 'Connection does not exist');
  if (!isStrategyKind(connection.strategy, 'database')) throw fail('bad.connection', 'Connection is not a database connection');
  if (!connectionEnabledFor(connection, client)) throw fail('bad.connection', 'Connection is disabled');
  return connection;
}

const typeOf = (value: unknown): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);
