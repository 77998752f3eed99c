/** max_age, if given, is a number of seconds: digits only (bounded, so it stays an exact number). */
import type { RequestCheck } from './check.js';

export const maxAge: RequestCheck = {
  name: 'max-age',
  endpoints: ['authorize', 'par'],
  check({ params, fail }) {
    if (params.max_age !== undefined && !/^\d{1,10}$/.test(params.max_age)) throw fail('invalid_request', 'max_age must be a non-negative integer');
  },
};
