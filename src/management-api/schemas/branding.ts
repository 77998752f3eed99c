/** Universal Login branding as `GET/PATCH /api/v2/branding` answer it (domain/tenants/branding.ts). */
import { Type } from '@sinclair/typebox';
import { OpenObject } from '../schema.js';

const Str = Type.String();
const opt = Type.Optional;

export const BrandingResponse = Type.Object(
  {
    colors: opt(
      Type.Object({
        primary: opt(Str),
        page_background: opt(Type.Union([Str, OpenObject({ description: 'A gradient: type, start, end, angle_deg.' })])),
      }),
    ),
    logo_url: opt(Str),
    favicon_url: opt(Str),
    font: opt(Type.Object({ url: opt(Str) })),
  },
  { additionalProperties: true, description: 'Universal Login branding.' },
);
