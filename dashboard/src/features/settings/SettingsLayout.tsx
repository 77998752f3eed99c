/**
 * `/t/{tenant}/settings/*`: Auth0's tenant settings tabs (General, Advanced, Signing Keys, Tenant
 * members), each a route of its own so it can be linked to; only the tabs the member may open are
 * shown (lib/settings-tabs.ts). `/settings` opens the first of them.
 */
import { Stack, Tabs, Text, Title } from '@mantine/core';
import { Navigate, Outlet, useLocation, useNavigate, useOutletContext } from 'react-router';
import { useTenantApi } from '../../api/tenant-api';
import { allowedSettingsTabs } from '../../lib/settings-tabs';
import { managesMembers } from '../../lib/roles';
import { useTenant } from '../tenants/queries';

function useSettingsTabs() {
  const api = useTenantApi();
  const roles = useTenant(api.tenant).data?.roles;
  return { api, tabs: allowedSettingsTabs(api.scopes, managesMembers(roles)) };
}

export function SettingsLayout() {
  const { api, tabs } = useSettingsTabs();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  // The signed-in account (app/session.tsx useAccount) passes through to the tab's screen.
  const account = useOutletContext();
  const base = `/t/${encodeURIComponent(api.tenant)}/settings`;
  const active = tabs.find((tab) => pathname === `${base}/${tab.key}` || pathname.startsWith(`${base}/${tab.key}/`))?.key ?? null;
  return (
    <Stack gap="lg">
      <Title order={1}>Settings</Title>
      <Tabs value={active} onChange={(value) => value && void navigate(`${base}/${value}`)} keepMounted={false}>
        <Tabs.List aria-label="Settings">
          {tabs.map((tab) => (
            <Tabs.Tab key={tab.key} value={tab.key}>
              {tab.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((tab) => (
          <Tabs.Panel key={tab.key} value={tab.key} pt="lg">
            <Outlet context={account} />
          </Tabs.Panel>
        ))}
      </Tabs>
      {/* `/settings` itself (it redirects), or a tab the role cannot open (its page shows the API's refusal). */}
      {active === null ? <Outlet context={account} /> : null}
    </Stack>
  );
}

/** `/settings`: the first tab the member may open. */
export function SettingsIndex() {
  const { api, tabs } = useSettingsTabs();
  const first = tabs[0];
  if (!first) return <Text>Your role cannot see this tenant's settings.</Text>;
  return <Navigate to={`/t/${encodeURIComponent(api.tenant)}/settings/${first.key}`} replace />;
}
