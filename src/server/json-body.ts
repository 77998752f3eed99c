/**
 * The JSON body parser: Fastify's own (secure-json-parse, which refuses `__proto__` and
 * `constructor.prototype` keys), preceded by a bound on nesting.
 *
 * A deeply nested body (an `app_metadata` 10,000 levels deep) parses fine but then overflows the
 * stack of whatever walks it recursively (validation, merging, storage), which was a 500 (issue 11,
 * finding 16). No Auth0 object needs more than a few levels, so a body nested deeper than
 * MAX_JSON_DEPTH is a 400 before it is parsed. The check is one linear scan of the text (brackets
 * outside strings), so it cannot overflow itself.
 */
import type { FastifyInstance } from 'fastify';
import { badRequestFor } from '../http/errors.js';

export const MAX_JSON_DEPTH = 32;

export function registerJsonBodyParser(app: FastifyInstance, bodyLimit: number): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > MAX_JSON_DEPTH) return done(badRequestFor(request.url, 'invalid_body', `Invalid request body: JSON nested deeper than ${MAX_JSON_DEPTH} levels.`), undefined);
    parseJson(request, text, done);
  });
}

/**
 * The deepest nesting of objects and arrays in JSON text, counting brackets outside strings.
 * Malformed text gets some number; JSON.parse refuses it afterwards anyway. Stops counting once
 * past the bound (the answer is then "too deep" whatever follows).
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) deepest = depth;
      if (deepest > MAX_JSON_DEPTH) return deepest;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return deepest;
}
