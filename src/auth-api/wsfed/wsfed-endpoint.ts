/**
 * WS-Federation passive requestor endpoint of the WS-Fed add-on (docs: "Accept WS-Federation
 * Request"): `GET /wsfed/{client_id}` and `GET /wsfed?wtrealm=…`, and the federation metadata.
 *
 * - `wa=wsignin1.0` (the default): the application must have the add-on; `wtrealm`, when given,
 *   must be one of its realms (`urn:{client_id}` or a client alias; alone, it names the application);
 *   `wreply` must be one of its callbacks (the redirect_uri rule). Until all of that holds, every error
 *   is an error page, never a redirect or a post. Then a live SSO session answers at once; otherwise
 *   a login interaction (kind `wsfed`) opens and the browser goes to the hosted login page, whose
 *   finished login comes back through `resumeWsFed`. `whr=urn:CONNECTION` picks the connection.
 * - `wa=wsignout1.0`: ends the session like `/v2/logout` (with its confirmation against logout CSRF)
 *   and goes to `wreply` only when it is one of the application's logout URLs or callbacks.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import { INTERACTION_TTL_SECONDS, pageFor, type Interaction, type StoredAuthorizationRequest, type WsFedSignIn } from '../../domain/interactions/interaction.js';
import { audienceFor, hasWsFedAddon, replyUrlFor, signOutUrlAllowed } from '../../domain/wsfed/relying-party.js';
import { federationMetadata } from '../../domain/wsfed/federation-metadata.js';
import { wsFedIssuer } from '../../domain/wsfed/issuer.js';
import { MAX_CLIENT_ID_LENGTH } from '../../domain/ids.js';
import { ssoSessionFor } from '../authorize/sso-session.js';
import { bindInteraction } from '../../http/login-cookies.js';
import { renderErrorPage } from '../../pages/html.js';
import { expired } from '../../pages/refusals.js';
import { AuthApiError } from '../../http/errors.js';
import { stringParams } from '../authorize/authorization-requests.js';
import { openSession } from '../authorize/session-start.js';
import { logOut } from '../logout.js';
import { answerSignIn } from './sign-in-response.js';

/** Longest accepted values: a realm as long as a client alias, a reply URL, an application's state. */
const MAX_REALM_LENGTH = 255;
const MAX_URL_LENGTH = 2048;
const MAX_CONTEXT_LENGTH = 4096;
/** A connection name's longest (domain/connections/connection.ts), as server/request-bounds.ts bounds `connection`. */
const MAX_CONNECTION_NAME_LENGTH = 128;

/** How much of a request's own text (wa, wreply) a refusal repeats: it is logged (`f`) and shown. */
const MAX_ECHOED_LENGTH = 200;
const echoed = (value: string): string => value.slice(0, MAX_ECHOED_LENGTH);

const METADATA_PATH = '/FederationMetadata/2007-06/FederationMetadata.xml';

class WsFedRefusal extends Error {
  constructor(
    readonly description: string,
    readonly client?: Client,
  ) {
    super(description);
  }
}

export const wsFedEndpoint: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const handler = async (request: FastifyRequest<{ Params: { clientId?: string } }>, reply: FastifyReply) => {
    const params = stringParams(request.query);
    try {
      const client = await applicationOf(services, request, request.params.clientId, params.wtrealm);
      if (params.wa === 'wsignout1.0') return await signOut(services, request, reply, client, params.wreply);
      if (params.wa !== undefined && params.wa !== 'wsignin1.0') throw new WsFedRefusal(`Unsupported wa: ${echoed(params.wa)}`, client);
      return await signIn(services, request, reply, client, params);
    } catch (error) {
      if (!(error instanceof WsFedRefusal)) throw error;
      request.audit('f', { description: error.description, ...(error.client ? { client: error.client } : {}) });
      return renderErrorPage(reply, request.tenant, 'invalid_request', error.description);
    }
  };
  app.get('/wsfed', handler);
  app.get<{ Params: { clientId: string } }>('/wsfed/:clientId', handler);

  const metadata = async (request: FastifyRequest, reply: FastifyReply) => {
    const certificate = (await services.keys.keyRing(request.tenant.id)).applicationCertificate();
    if (!certificate) throw new AuthApiError(404, 'not_found', 'This tenant has no signing certificate.');
    return reply
      .header('content-type', 'text/xml; charset=utf-8')
      .header('cache-control', 'public, max-age=15, stale-while-revalidate=15')
      .header('access-control-allow-origin', '*')
      .send(federationMetadata({ entityId: wsFedIssuer(request.issuer), certificatePem: certificate.pem, passiveEndpoint: `${request.issuer}wsfed` }));
  };
  app.get(`/wsfed${METADATA_PATH}`, metadata);
  // Auth0's older per-application address of the same document.
  app.get<{ Params: { clientId: string } }>(`/wsfed/:clientId${METADATA_PATH}`, async (request, reply) => {
    await applicationOf(services, request, request.params.clientId, undefined).catch((error: unknown) => {
      if (error instanceof WsFedRefusal) throw new AuthApiError(404, 'not_found', error.description);
      throw error;
    });
    return metadata(request, reply);
  });
};

/** The application the request names by its id, its realm, or both (which must agree); it must have the WS-Fed add-on. */
async function applicationOf(services: Services, request: FastifyRequest, clientId: string | undefined, wtrealm: string | undefined): Promise<Client> {
  const tenant = request.tenant;
  if (clientId !== undefined && clientId.length > MAX_CLIENT_ID_LENGTH) throw new WsFedRefusal('Unknown client.');
  if (wtrealm !== undefined && wtrealm.length > MAX_REALM_LENGTH) throw new WsFedRefusal(`wtrealm is longer than ${MAX_REALM_LENGTH} characters.`);
  let client: Client | null;
  if (clientId !== undefined) {
    client = await services.clients.find(tenant.id, tenant.name, clientId);
  } else if (wtrealm !== undefined) {
    // `urn:{client_id}` or an alias, from the tenant's cached realm map (no application is read to find it).
    const owners = (await services.clients.realmOwners(tenant.id)).get(wtrealm) ?? [];
    // A realm two applications claim names neither: the token would go to whichever came first.
    if (owners.length > 1) throw new WsFedRefusal(`The realm ${wtrealm} belongs to more than one application.`);
    client = owners[0] !== undefined ? await services.clients.find(tenant.id, tenant.name, owners[0]) : null;
  } else {
    throw new WsFedRefusal('Missing the application: /wsfed/{client_id} or the wtrealm parameter.');
  }
  if (!client) throw new WsFedRefusal(`Unknown client: ${clientId ?? wtrealm}`);
  if (!hasWsFedAddon(client)) throw new WsFedRefusal('The WS-Fed add-on is not enabled for this application.', client);
  // Stored before the Management API refused it: WS-Fed asks no consent, so no third-party application.
  if (!client.is_first_party) throw new WsFedRefusal('The WS-Fed add-on is available to first-party applications only.', client);
  return client;
}

async function signIn(services: Services, request: FastifyRequest, reply: FastifyReply, client: Client, params: Record<string, string>): Promise<FastifyReply> {
  const tenant = request.tenant;
  if (params.wreply !== undefined && params.wreply.length > MAX_URL_LENGTH) throw new WsFedRefusal(`wreply is longer than ${MAX_URL_LENGTH} characters.`, client);
  if (params.wctx !== undefined && params.wctx.length > MAX_CONTEXT_LENGTH) throw new WsFedRefusal(`wctx is longer than ${MAX_CONTEXT_LENGTH} characters.`, client);
  const audience = audienceFor(client, params.wtrealm, await services.clients.realmOwners(tenant.id));
  if (audience === undefined) throw new WsFedRefusal(`The realm ${params.wtrealm} is not one of this application's realms.`, client);
  const replyUrl = replyUrlFor(client, params.wreply, request.urlPlaceholders);
  if (replyUrl === undefined) {
    throw new WsFedRefusal(
      params.wreply !== undefined ? `Callback URL mismatch. ${echoed(params.wreply)} is not in the list of allowed callback URLs` : 'The application has no callback URL to post the WS-Fed response to.',
      client,
    );
  }
  const signInRequest: WsFedSignIn = { replyUrl, audience, ...(params.wctx !== undefined ? { context: params.wctx } : {}) };

  // A session whose connection is not enabled for the application counts as absent (authorize/sso-session.ts).
  const sso = await ssoSessionFor(services, request, client);
  if (sso) {
    const { session, user } = sso;
    request.audit('ssa', { description: 'Successful silent authentication', client, userId: user.user_id });
    return answerSignIn(services, request, reply, { client, user, amr: session.amr, issuer: request.issuer, signIn: signInRequest });
  }

  const connection = params.whr?.startsWith('urn:') ? params.whr.slice(4) : undefined;
  if (connection !== undefined && connection.length > MAX_CONNECTION_NAME_LENGTH) throw new WsFedRefusal(`whr is longer than ${MAX_CONNECTION_NAME_LENGTH + 4} characters.`, client);
  const authorization: StoredAuthorizationRequest = {
    clientId: client.client_id,
    redirectUri: replyUrl,
    responseTypes: [],
    responseType: '',
    responseMode: 'form_post',
    scope: [],
    prompt: [],
    ...(connection ? { connection } : {}),
  };
  const { id, browserSecret } = await services.interactions.open(tenant.id, { kind: 'wsfed', authorization, issuer: request.issuer, wsfed: signInRequest });
  bindInteraction(request, reply, id, browserSecret, INTERACTION_TTL_SECONDS);
  return reply.redirect(pageFor('login_pending', id), 302);
}

async function signOut(services: Services, request: FastifyRequest, reply: FastifyReply, client: Client, wreply: string | undefined): Promise<FastifyReply> {
  if (wreply !== undefined && (wreply.length > MAX_URL_LENGTH || !signOutUrlAllowed(client, wreply, request.urlPlaceholders))) {
    throw new WsFedRefusal(`The wreply "${echoed(wreply)}" is not defined as a valid URL in "Allowed Logout URLs" or "Allowed Callback URLs".`, client);
  }
  return logOut(services, request, reply, client, wreply);
}

/**
 * The hosted pages hand back a WS-Fed login (auth-api/authorize/resume.ts takes it and dispatches
 * here): the session starts, and the token goes to the reply URL the request was accepted with,
 * provided the application still has the add-on, is still first-party, still lists that URL and
 * still owns the realm (its alias may have been removed, or be claimed by another application).
 */
export async function resumeWsFed(services: Services, request: FastifyRequest, reply: FastifyReply, interaction: Interaction & { request: { kind: 'wsfed' } }): Promise<FastifyReply> {
  const tenant = request.tenant;
  const { wsfed: signInRequest, authorization, issuer } = interaction.request;
  const result = interaction.result;
  const client = await services.clients.find(tenant.id, tenant.name, authorization.clientId);
  if (!client || !hasWsFedAddon(client) || !client.is_first_party || replyUrlFor(client, signInRequest.replyUrl, request.urlPlaceholders) === undefined || interaction.state !== 'authenticated' || !result) {
    return expired(reply, request);
  }
  if (audienceFor(client, signInRequest.audience, await services.clients.realmOwners(tenant.id)) !== signInRequest.audience) return expired(reply, request);
  const user = await services.users.get(tenant.id, result.userId).catch(() => undefined);
  if (!user || user.blocked) return expired(reply, request);
  await openSession(services, request, reply, { client, user, connection: result.connection, amr: result.amr });
  return answerSignIn(services, request, reply, { client, user, amr: result.amr, issuer, signIn: signInRequest });
}
