/**
 * The hosted signup page (`/u/signup?state=...`, reached with `screen_hint=signup` or from the
 * login page): creates a user in the login's database connection under its password policy,
 * then logs the user in exactly as the login form does. Refused when the connection has
 * `disable_signup`. An address that already has an account is reported as such only when the
 * tenant flag `enable_public_signup_user_exists_error` is on; otherwise the answer is generic, so
 * the form cannot be used to find out who has an account. Attack protection applies: suspicious IP
 * throttling (stage pre-user-registration) and breached password detection (same stage).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/services.js';
import type { Connection } from '../domain/connections/connection.js';
import type { Client } from '../domain/clients/client.js';
import { signUp, type SignupRefusal } from '../domain/signup/signup.js';
import { restoreRequest, type Interaction } from '../domain/interactions/interaction.js';
import type { BrowserInteraction } from '../http/login-cookies.js';
import { csrfValid, stringField } from '../http/forms.js';
import { renderPage } from '../pages/html.js';
import { formActionFor } from '../pages/form-action.js';
import { csrfRejected, expired, unknownClient } from '../pages/refusals.js';
import { connectionNameOf, databaseConnectionFor, loadLogin, userFacingProblem, type HostedPageOptions } from './form.js';
import { continueTo, errorAlert, field, hidden, link, links } from './fragments.js';
import { passwordHint } from './password-hint.js';
import { finishLogin } from './finish-login.js';
import { BREACHED_NEW_PASSWORD_MESSAGES, REJECTION_MESSAGES } from '../domain/authentication/rejection-messages.js';

export const SIGNUP_MESSAGES = {
  disabled: 'Sign ups are not allowed for this application.',
  userExists: 'The user already exists.',
  generic: 'Something went wrong, please try again later.',
  invalidEmail: 'Email is not valid.',
  missingPassword: 'Password is required.',
  missingUsername: 'Username is required.',
} as const;

const SIGNUP_PAGE_STATUS: Partial<Record<SignupRefusal['reason'], number>> = { signup_disabled: 403, suspicious_ip: 429 };

/** The page's wording for each refusal; an existing account is named only when the tenant allows it. */
function signupPageMessage(refusal: SignupRefusal, userExistsError: boolean): string {
  switch (refusal.reason) {
    case 'signup_disabled':
      return SIGNUP_MESSAGES.disabled;
    case 'suspicious_ip':
      return REJECTION_MESSAGES.suspicious_ip;
    case 'invalid_email':
      return SIGNUP_MESSAGES.invalidEmail;
    case 'missing_username':
      return SIGNUP_MESSAGES.missingUsername;
    case 'missing_password':
      return SIGNUP_MESSAGES.missingPassword;
    case 'password_leaked':
      return BREACHED_NEW_PASSWORD_MESSAGES.signup;
    case 'user_exists':
      return userExistsError ? SIGNUP_MESSAGES.userExists : SIGNUP_MESSAGES.generic;
    case 'invalid':
      return userFacingProblem(refusal.message);
  }
}

interface SignupContext {
  state: string;
  browser: BrowserInteraction;
  interaction: Interaction;
  client: Client;
  connection: Connection | undefined;
  connectionName: string;
}

export const signupRoutes: FastifyPluginAsync<HostedPageOptions> = async (app, { services, resume }) => {
  app.get('/u/signup', async (request, reply) => {
    const context = await signupContext(services, request, stringField(request.query, 'state'));
    if (!context) return expired(reply, request);
    if ('error' in context) return context.error(reply);
    if (!signupAllowed(context.connection)) return signupForm(reply, request, context, { error: SIGNUP_MESSAGES.disabled, status: 403 });
    return signupForm(reply, request, context, { email: context.interaction.request.authorization.loginHint ?? '' });
  });

  app.post('/u/signup', async (request, reply) => {
    const context = await signupContext(services, request, stringField(request.body, 'state'));
    if (!context) return expired(reply, request);
    if (!csrfValid(request, context.interaction.csrf)) return csrfRejected(reply, request);
    if ('error' in context) return context.error(reply);
    const tenant = request.tenant;
    const { client, connection, connectionName } = context;
    const email = (stringField(request.body, 'email') ?? '').trim().toLowerCase();
    const username = (stringField(request.body, 'username') ?? '').trim();
    const password = stringField(request.body, 'password') ?? '';
    const outcome = await signUp(services, tenant, { connection, connectionName, client, ip: request.ip, audit: request.audit, email, username, password, issuer: request.issuer });
    if (!outcome.ok) {
      const shown = signupPageMessage(outcome, tenant.settings.flags.enable_public_signup_user_exists_error === true);
      return signupForm(reply, request, context, { email, username, error: shown, status: SIGNUP_PAGE_STATUS[outcome.reason] ?? 400 });
    }
    const login = await services.users.findForLogin(tenant.id, connectionName, email);
    if (!login) throw new Error('the user just created could not be found');
    return finishLogin(services, resume, request, reply, context.browser, { connection: connectionName, login, amr: ['pwd'], password });
  });
};

/** The live login interaction of this browser with its application and connection; undefined when there is none. */
async function signupContext(
  services: Services,
  request: FastifyRequest,
  state: string | undefined,
): Promise<SignupContext | { interaction: Interaction; error: (reply: FastifyReply) => FastifyReply } | undefined> {
  const loaded = await loadLogin(services, request, state);
  if (!state || !loaded) return undefined;
  const { browser, interaction } = loaded;
  const tenant = request.tenant;
  const authorization = restoreRequest(interaction.request.authorization);
  const client = await services.clients.find(tenant.id, tenant.name, authorization.clientId);
  if (!client) return { interaction, error: (reply) => unknownClient(reply, request, authorization.clientId) };
  const connectionName = connectionNameOf(tenant, authorization);
  const connection = await databaseConnectionFor(services, tenant.id, connectionName, client);
  return { state, browser, interaction, client, connection, connectionName };
}

const signupAllowed = (connection: Connection | undefined): connection is Connection => connection !== undefined && connection.options.disable_signup !== true;

function signupForm(reply: FastifyReply, request: FastifyRequest, context: SignupContext, options: { email?: string; username?: string; error?: string; status?: number }): FastifyReply {
  const query = `?state=${encodeURIComponent(context.state)}`;
  const backToLogin = links(link(`/u/login${query}`, 'Log in', 'Already have an account?'));
  if (!signupAllowed(context.connection)) {
    return renderPage(reply, request.tenant, { title: 'Sign up', status: options.status ?? 403, body: `${errorAlert(options.error ?? SIGNUP_MESSAGES.disabled)}${backToLogin}` });
  }
  const connection = context.connection;
  const invalid = !!options.error;
  const username =
    connection.options.requires_username === true
      ? field({ id: 'username', label: 'Username', autocomplete: 'username', value: options.username ?? '', invalid })
      : '';
  const hint = passwordHint(connection.options);
  return renderPage(reply, request.tenant, {
    title: 'Create your account',
    csp: formActionFor(context.interaction.request.authorization.redirectUri),
    status: options.status ?? 200,
    body: `<p>${continueTo('Sign up', request.tenant, context.client.name)}</p>${errorAlert(options.error)}
<form method="post" action="/u/signup" novalidate>
${hidden('state', context.state)}
${hidden('_csrf', context.interaction.csrf)}
${field({ id: 'email', label: 'Email address', type: 'email', autocomplete: 'email', inputmode: 'email', autofocus: true, value: options.email ?? '', invalid })}
${username}
${field({ id: 'password', label: 'Password', type: 'password', autocomplete: 'new-password', invalid, ...(hint ? { hint } : {}) })}
<button type="submit" name="action" value="default">Continue</button>
</form>
${backToLogin}`,
  });
}
