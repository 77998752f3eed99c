/**
 * `GET/PATCH /api/v2/branding`: Universal Login colours (the page background a colour or a linear
 * gradient), logo, favicon and font of the hosted pages (pages/html.ts renders every one of them).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Services } from '../domain/services.js';
import { CSS_HEX_COLOR, GRADIENT_ANGLE, GRADIENT_TYPES } from '../domain/tenants/branding.js';
import { Nullable, OneOf } from './schema.js';
import { BrandingResponse } from './schemas/branding.js';
import { anyOf } from './scopes.js';

const HttpsUrl = Type.String({ format: 'uri', pattern: '^https://', maxLength: 2000 });
const Color = Type.String({ pattern: CSS_HEX_COLOR });
/** The page background as a gradient: Auth0's `{ type, start, end, angle_deg }`, rendered as a CSS linear-gradient. */
const Gradient = Type.Object(
  {
    type: OneOf(GRADIENT_TYPES),
    start: Color,
    end: Color,
    angle_deg: Type.Optional(Type.Number({ minimum: GRADIENT_ANGLE.min, maximum: GRADIENT_ANGLE.max })),
  },
  { additionalProperties: false },
);

const BrandingPatch = Type.Object(
  {
    colors: Type.Optional(
      Nullable(
        Type.Object(
          { primary: Type.Optional(Nullable(Color)), page_background: Type.Optional(Nullable(Type.Union([Color, Gradient]))) },
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
