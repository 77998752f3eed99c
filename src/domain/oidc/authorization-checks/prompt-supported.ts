/** prompt holds only values Tessera acts on, and `none` stands alone (OpenID Connect Core §3.1.2.1). */
import type { RequestCheck } from './check.js';

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

export const promptSupported: RequestCheck = {
  name: 'prompt-supported',
  endpoints: ['authorize', 'par'],
  check({ prompt, fail }) {
    for (const value of prompt) if (!PROMPTS.has(value)) throw fail('invalid_request', `Unsupported prompt: ${value}`);
    if (prompt.has('none') && prompt.size > 1) throw fail('invalid_request', 'prompt=none cannot be combined with other prompt values');
  },
};
