/**
 * The consent page's view of rich authorization details (login/authorization-details-view.ts): the
 * user sees everything the token will carry, whatever shape the application gives an Auth0-schema entry.
 */
import { describe, expect, it } from 'vitest';
import { authorizationDetailsHtml } from '../../src/login/authorization-details-view.js';

const SCHEMA = 'urn:auth0:schemas:authorization-details:v1:payment';

describe('authorization details on the consent page', () => {
  it('shows an Auth0-schema entry by its instruction and displayed properties, and lists the others as also sent', () => {
    const html = authorizationDetailsHtml([
      { type: SCHEMA, instruction: 'Pay <b>now</b>', properties: { amount: { display: true, name: 'Amount', value: 10 }, ref: { display: false, value: 'r-1' } } },
    ]);
    expect(html).toContain('Pay &lt;b&gt;now&lt;/b&gt;');
    expect(html).toContain('<strong>Amount</strong> 10');
    expect(html).toMatch(/Also sent:.*<strong>ref<\/strong>: r-1/s);
  });

  it('shows every key of an entry that only claims the schema (extra top-level keys or property fields)', () => {
    const hiddenTopLevel = authorizationDetailsHtml([{ type: SCHEMA, instruction: 'Confirm login', amount: 9999, creditorAccount: 'EVIL' }]);
    expect(hiddenTopLevel).toContain('<strong>amount</strong>: 9999');
    expect(hiddenTopLevel).toContain('<strong>creditorAccount</strong>: EVIL');
    const hiddenField = authorizationDetailsHtml([{ type: SCHEMA, properties: { amount: { display: true, name: 'Amount', value: 1, real: 5000 } } }]);
    expect(hiddenField).toContain('<strong>real</strong>: 5000');
  });
});
