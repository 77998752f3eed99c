/**
 * `/api/v2/anomaly/blocks/ips/{id}`: IP addresses blocked by suspicious IP throttling. GET answers
 * 200 with no body while the IP is refused (at login or signup) and 404 when it is not, as Auth0's
 * API and SDKs expect (go-auth0 reads exactly 200/404); DELETE gives the IP its allowance back and
 * answers 204 whether or not it was blocked. The id must be an IPv4 or IPv6 address (Auth0's
 * `ipv4`/`ipv6` formats); either spelling of an IPv6 address names the same block. Blocks are per
 * tenant, like the counters behind them.
 */
import { isIP } from 'node:net';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../domain/services.js';
import { ManagementApiError } from '../http/errors.js';
import { NoContent } from './schema.js';
import { anyOf } from './scopes.js';

/** The format is checked by `ipOf`, so that a bad id gets Auth0's path validation message. */
const IpParams = Type.Object({ id: Type.String() });

/** The id as an address, or Auth0's 400 for a path parameter that is not one. */
function ipOf(id: string, purpose: 'check' | 'unblock'): string {
  // Zone ids (`fe80::1%eth0`) are node-local and not part of the `ipv6` format.
  if (isIP(id) !== 0 && !id.includes('%')) return id;
  throw new ManagementApiError(400, `Path validation error: 'String is not an IPv4 or IPv6 address' on property id (IP address to ${purpose}).`, 'invalid_uri');
}

export const anomalyBlockRoutes: FastifyPluginAsync<{ services: Services }> = async (fastify, { services }) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // 200 with no body: the IP is blocked (a 404 says it is not).
  app.get('/anomaly/blocks/ips/:id', { config: anyOf('read:anomaly_blocks'), schema: { params: IpParams, response: { 200: NoContent } } }, async (request, reply) => {
    const ip = ipOf(request.params.id, 'check');
    if (!(await services.attackProtection.ipBlocked(request.tenant.id, ip))) {
      throw new ManagementApiError(404, 'IP address specified is not currently blocked.', 'not_found');
    }
    return reply.code(200).send();
  });

  app.delete('/anomaly/blocks/ips/:id', { config: anyOf('delete:anomaly_blocks'), schema: { params: IpParams, response: { 204: NoContent } } }, async (request, reply) => {
    await services.attackProtection.unblockIp(request.tenant.id, ipOf(request.params.id, 'unblock'));
    return reply.code(204).send();
  });
};
