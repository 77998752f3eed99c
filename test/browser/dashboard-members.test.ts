/**
 * Members end to end against a real spawned server (SQLite): the Admin (from TESSERA_ADMIN_*) invites
 * viewer@example.com as Viewer – Users; the invitation email is read from tenant dev's dev outbox
 * through the Management API; a second browser opens its link, creates the account and lands in
 * tenant dev without the Settings › Tenant members entry; inside that page a forced PATCH of an
 * application with the member's own dashboard token answers 403 (a read answers 200); the last Admin
 * cannot remove themselves (409 last_admin, shown); the Admin removes the member, whose token and
 * session then answer 401 and whose next navigation lands on sign-in. Invited again, the existing
 * account signs in from the link and comes back (fragment kept) to accept; the Admin, signed in, opening
 * someone else's link gets email_mismatch. axe and light/dark screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { closeBrowser, launchBrowser, submitHostedLogin, withPage } from '../support/browser.js';
import { ensureDashboardBuild, watchPage } from '../support/dashboard.js';
import { adminOrigin, checkBothSchemes } from '../support/dashboard-live.js';
import { eventually } from '../support/eventually.js';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';

const ADMIN = { email: 'admin@example.com', password: 'Correct-Horse-Battery-9!' };
const VIEWER = { email: 'viewer@example.com', name: 'Vera Viewer', password: 'Another-Long-Passphrase-7?' };

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  await ensureDashboardBuild();
  [server, browser] = await Promise.all([startServer({ env: { TESSERA_ADMIN_EMAIL: ADMIN.email, TESSERA_ADMIN_PASSWORD: ADMIN.password } }), launchBrowser()]);
}, 120_000);
afterAll(async () => {
  await closeBrowser(browser);
  await server?.stop();
});

/** The invitation link of the newest email to `to` in tenant dev's dev outbox (Management API, bootstrap app). */
async function invitationLink(to: string): Promise<string> {
  const token = await managementToken(server, 'dev');
  const outbox = await eventually(
    () => call(server, `/api/v2/tessera/outbox?to=${encodeURIComponent(to)}`, { host: 'dev.localhost', headers: { authorization: `Bearer ${token}` } }),
    (answer) => answer.status === 200 && Array.isArray(answer.body) && answer.body.length > 0,
    5_000,
  );
  expect(outbox.status, outbox.text).toBe(200);
  const message = outbox.body[0];
  expect(message.subject).toBe('You are invited to manage the dev tenant');
  const link = /(http:\/\/manage\.localhost:\d+\/invitations\/accept#ticket=[A-Za-z0-9_-]+)/.exec(message.text)?.[1];
  expect(link, message.text).toBeDefined();
  return link!;
}

describe('tenant members (real server)', () => {
  it('invites a Viewer – Users by email, who signs up, cannot write, and is signed out when removed', async () => {
    const origin = adminOrigin(server);
    const options = { colorScheme: 'light' as const, reducedMotion: 'reduce' as const };
    await withPage(
      browser,
      'dashboard-members-admin',
      async (admin) => {
        admin.setDefaultTimeout(10_000);
        const adminProblems = await watchPage(admin, (url) => url.includes('/api/control/v1/') || url.startsWith('https://s.gravatar.com/'));
        await admin.goto(`${origin}/t/dev/settings/members`);
        await submitHostedLogin(admin, { username: ADMIN.email, password: ADMIN.password });
        await admin.waitForURL(`${origin}/t/dev/settings/members`);
        await admin.getByRole('heading', { name: 'Tenant members' }).waitFor();
        const members = admin.getByTestId('members-table');
        await members.getByTestId(`member-${ADMIN.email}`).getByText('Admin', { exact: true }).waitFor();

        // The last Admin cannot remove themselves: 409 last_admin, said plainly in the dialog.
        await admin.getByRole('button', { name: `Remove ${ADMIN.email}` }).click();
        const removeSelf = admin.getByRole('dialog', { name: `Remove ${ADMIN.email} from dev` });
        await removeSelf.getByRole('textbox').fill(ADMIN.email);
        await removeSelf.getByRole('button', { name: 'Remove member' }).click();
        await removeSelf.getByRole('alert').filter({ hasText: 'A tenant must keep at least one Admin' }).waitFor();
        await removeSelf.getByRole('button', { name: 'Cancel' }).click();

        // Invite viewer@example.com as Viewer – Users.
        const form = admin.getByRole('form', { name: 'Invite a member' });
        await form.getByLabel('Email').fill(VIEWER.email);
        await form.getByLabel('Roles').click();
        await admin.getByRole('option', { name: 'Viewer – Users' }).click();
        await admin.keyboard.press('Escape');
        await form.getByRole('button', { name: 'Send invitation' }).click();
        const invitations = admin.getByTestId('invitations-table');
        await invitations.getByText(VIEWER.email).waitFor();
        await invitations.getByText('Viewer – Users').waitFor();
        await checkBothSchemes(admin, 'members');

        const link = await invitationLink(VIEWER.email);

        await withPage(
          browser,
          'dashboard-members-viewer',
          async (viewer) => {
            viewer.setDefaultTimeout(10_000);
            const viewerProblems = await watchPage(viewer, (url) => url.includes('/api/control/v1/') || url.startsWith('https://s.gravatar.com/'));
            await viewer.goto(link);
            await viewer.getByRole('heading', { name: 'Accept invitation' }).waitFor();
            expect(new URL(viewer.url()).hash).toBe('');
            await viewer.getByText('Create your dashboard account for viewer@example.com.').waitFor();
            await viewer.getByRole('textbox', { name: 'Name' }).fill(VIEWER.name);
            await viewer.getByRole('textbox', { name: 'Password' }).fill(VIEWER.password);
            await checkBothSchemes(viewer, 'accept-invitation');
            await viewer.getByRole('button', { name: 'Create account and accept' }).click();
            await viewer.waitForURL(`${origin}/t/dev/overview`);
            await viewer.getByRole('heading', { name: 'dev' }).waitFor();
            await viewer.getByText('Your roles: Viewer – Users').waitFor();
            expect(await viewer.getByRole('link', { name: 'Tenant members' }).count()).toBe(0);
            expect(await viewer.getByTestId('nav-settings').count()).toBe(0);

            // The member's own dashboard token, from inside the page: reading users works, changing an application is 403.
            const forced = (await viewer.evaluate(`(async () => {
              const me = await (await fetch('/api/control/v1/me')).json();
              const minted = await fetch('/api/control/v1/tenants/dev/token', { method: 'POST', headers: { 'x-tessera-csrf': me.csrf_token } });
              const token = await minted.json();
              window.__memberToken = token;
              const auth = { authorization: 'Bearer ' + token.access_token };
              const users = await fetch(token.management_api + 'users', { headers: auth });
              const patch = await fetch(token.management_api + 'clients/${server.bootstrap.client_id}', {
                method: 'PATCH', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'taken over' }),
              });
              return { minted: minted.status, scope: token.scope, users: users.status, patch: patch.status, body: await patch.json() };
            })()`)) as { minted: number; scope: string; users: number; patch: number; body: { errorCode?: string } };
            expect(forced.minted).toBe(200);
            expect(forced.scope.split(' ')).toContain('read:users');
            expect(forced.scope.split(' ')).not.toContain('update:clients');
            expect(forced.users).toBe(200);
            expect(forced.patch, JSON.stringify(forced.body)).toBe(403);

            // The Admin sees the new member and removes them.
            await admin.reload();
            await members.getByTestId(`member-${VIEWER.email}`).getByText('Viewer – Users').waitFor();
            await admin.getByRole('button', { name: `Remove ${VIEWER.email}` }).click();
            const dialog = admin.getByRole('dialog', { name: `Remove ${VIEWER.email} from dev` });
            await dialog.getByRole('textbox').fill(VIEWER.email);
            await checkBothSchemes(admin, 'members-remove');
            await dialog.getByRole('button', { name: 'Remove member' }).click();
            await dialog.waitFor({ state: 'hidden' });
            await expect.poll(() => members.getByTestId(`member-${VIEWER.email}`).count()).toBe(0);

            // The member's token and session are over: 401 on /api/v2 and /me; the next navigation signs in.
            const after = async () =>
              (await viewer.evaluate(`(async () => {
                const token = window.__memberToken;
                const users = await fetch(token.management_api + 'users', { headers: { authorization: 'Bearer ' + token.access_token } });
                const me = await fetch('/api/control/v1/me');
                return { users: users.status, me: me.status };
              })()`)) as { users: number; me: number };
            await expect.poll(after, { timeout: 5_000 }).toEqual({ users: 401, me: 401 });
            // Inside the app: the next screen's request answers 401, and the app goes to sign-in.
            await viewer.getByRole('link', { name: 'Profile' }).click();
            await viewer.waitForURL(/\/u\/login\?/);
            // And a fresh load of any page does the same.
            await viewer.goto(`${origin}/t/dev/overview`);
            await viewer.waitForURL(/\/u\/login\?/);
            expect(viewerProblems.pageErrors).toEqual([]);
            expect(viewerProblems.cspViolations).toEqual([]);
          },
          options,
        );
        expect(adminProblems.pageErrors).toEqual([]);
        expect(adminProblems.cspViolations).toEqual([]);
        expect(adminProblems.consoleErrors).toEqual([]);
      },
      options,
    );
  }, 90_000);
  it('an existing account signs in from the link and comes back to accept; another signed-in account gets email_mismatch; roles change, invitations revoke, the current session revokes', async () => {
    const origin = adminOrigin(server);
    const options = { colorScheme: 'light' as const, reducedMotion: 'reduce' as const };
    await withPage(
      browser,
      'dashboard-members-reinvite',
      async (admin) => {
        admin.setDefaultTimeout(10_000);
        const problems = await watchPage(admin, (url) => url.includes('/api/control/v1/') || url.startsWith('https://s.gravatar.com/'));
        await admin.goto(`${origin}/t/dev/settings/members`);
        await submitHostedLogin(admin, { username: ADMIN.email, password: ADMIN.password });
        await admin.getByRole('heading', { name: 'Tenant members' }).waitFor();
        // The removed member's account still exists: invite it again, as Viewer – Config this time.
        const form = admin.getByRole('form', { name: 'Invite a member' });
        await form.getByLabel('Email').fill(VIEWER.email);
        await form.getByLabel('Roles').click();
        await admin.getByRole('option', { name: 'Viewer – Config' }).click();
        await admin.keyboard.press('Escape');
        await form.getByRole('button', { name: 'Send invitation' }).click();
        await admin.getByTestId('invitations-table').getByText(VIEWER.email).waitFor();
        const link = await invitationLink(VIEWER.email);

        // Signed in as the Admin, the link is for someone else: the server's email_mismatch is shown.
        await admin.goto(link);
        await admin.getByText(`You are signed in as ${ADMIN.email}`).waitFor();
        await admin.getByRole('button', { name: 'Accept invitation' }).click();
        await admin.getByRole('alert').filter({ hasText: 'This invitation is for another email address' }).waitFor();
        await checkBothSchemes(admin, 'accept-invitation-mismatch');
        expect(problems.pageErrors).toEqual([]);

        await withPage(
          browser,
          'dashboard-members-existing-account',
          async (viewer) => {
            viewer.setDefaultTimeout(10_000);
            await viewer.goto(link);
            await viewer.getByText('An account with this address exists').waitFor();
            await viewer.getByRole('button', { name: 'Sign in to accept' }).click();
            // Through the hosted login and back to this page, fragment and all.
            await submitHostedLogin(viewer, { username: VIEWER.email, password: VIEWER.password });
            await viewer.waitForURL((url) => url.pathname === '/invitations/accept');
            await viewer.getByText(`You are signed in as ${VIEWER.email}`).waitFor();
            expect(new URL(viewer.url()).hash).toBe('');
            await viewer.getByRole('button', { name: 'Accept invitation' }).click();
            await viewer.waitForURL(`${origin}/t/dev/overview`);
            await viewer.getByText('Your roles: Viewer – Config').waitFor();
            // Viewer – Config reads the configuration and changes none of it: no Users screen, and the
            // settings forms say so instead of offering a Save button.
            expect(await viewer.getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
            await viewer.getByRole('link', { name: 'Branding' }).click();
            await viewer.getByText('Your role can read the branding but not change it.').waitFor();
            await viewer.getByRole('link', { name: 'Attack Protection' }).click();
            await viewer.getByText('Your role can read attack protection but not change it.').first().waitFor();
            expect(await viewer.getByRole('button', { name: /^Save/ }).count()).toBe(0);
            // Profile › Login sessions: revoking the current session signs out (the hosted login too).
            await viewer.getByRole('link', { name: 'Profile' }).click();
            await viewer.getByTestId('sessions-table').getByText('This session').waitFor();
            await viewer.getByRole('button', { name: 'Revoke this session (signs you out)' }).click();
            await viewer.getByRole('dialog', { name: 'Sign out of this session?' }).getByRole('button', { name: 'Sign out' }).click();
            await viewer.waitForURL(/\/u\/login\?/);
          },
          options,
        );

        // The invitation is spent: the Admin's list is empty again, and the member is back.
        await admin.goto(`${origin}/t/dev/settings/members`);
        await admin.getByTestId(`member-${VIEWER.email}`).getByText('Viewer – Config').waitFor();
        await admin.getByText('No pending invitations.').waitFor();

        // Change the member's roles with the multi-select: add Support Access.
        await admin.getByRole('button', { name: `Change roles of ${VIEWER.email}` }).click();
        const roles = admin.getByRole('dialog', { name: `Roles of ${VIEWER.email}` });
        // With pills in it, the field's box takes the click for its (hidden) input.
        await roles.getByLabel('Roles').click({ force: true });
        await admin.getByRole('option', { name: 'Support Access' }).click();
        await admin.keyboard.press('Escape');
        await checkBothSchemes(admin, 'members-change-roles');
        await roles.getByRole('button', { name: 'Save roles' }).click();
        await roles.waitFor({ state: 'hidden' });
        await admin.getByTestId(`member-${VIEWER.email}`).getByText('Support Access').waitFor();

        // Send an invitation, then revoke it (confirmed).
        const form2 = admin.getByRole('form', { name: 'Invite a member' });
        await form2.getByLabel('Email').fill('later@example.com');
        await form2.getByLabel('Roles').click();
        await admin.getByRole('option', { name: 'Editor – Users' }).click();
        await admin.keyboard.press('Escape');
        await form2.getByRole('button', { name: 'Send invitation' }).click();
        await admin.getByTestId('invitations-table').getByText('later@example.com').waitFor();
        await admin.getByRole('button', { name: 'Revoke the invitation of later@example.com' }).click();
        await admin.getByRole('dialog', { name: 'Revoke the invitation of later@example.com?' }).getByRole('button', { name: 'Revoke invitation' }).click();
        await admin.getByText('No pending invitations.').waitFor();
        expect(problems.consoleErrors).toEqual([]);
      },
      options,
    );
  }, 120_000);
});
