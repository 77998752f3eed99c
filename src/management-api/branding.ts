/** `GET/PATCH /api/v2/branding`: Universal Login colours, logo, favicon and font of the hosted pages. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../domain/services.js';
import { CSS_HEX_COLOR } from '../domain/tenants/branding.js';
import { Nullable } from './schema.js';
import { BrandingResponse } from './schemas/branding.js';
import { anyOf } from './scopes.js';

const HttpsUrl = Type.String({ format: 'uri', pattern: '^https://', maxLength: 2000 });
const Color = Type.String({ pattern: CSS_HEX_COLOR });

const BrandingPatch = Type.Object(
  {
    colors: Type.Optional(
      Nullable(
        Type.Object(
          { primary: Type.Optional(Nullable(Color)), page_background: Type.Optional(Nullable(Type.Union([Color, Type.Object({}, { additionalProperties: true })]))) },
          { additionalProperties: false },
        ),
      ),
    ),
    logo_url: Type.Optional(Nullable(HttpsUrl)),
    favicon_url: Type.Optional(Nullable(HttpsUrl)),
    font: Type.Optional(Nullable(Type.Object({ url: Type.Optional(Nullable(HttpsUrl)) }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);

export const brandingRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/branding', { config: anyOf('read:branding'), schema: { response: { 200: BrandingResponse } } }, async (request) => request.tenant.branding);
  app.patch('/branding', { config: anyOf('update:branding'), schema: { body: BrandingPatch, response: { 200: BrandingResponse } } }, async (request) =>
    services.tenants.updateBranding(request.tenant.id, request.body),
  );
};
