/**
 * The frame of every signed-in screen: header (tenant switcher, create tenant, theme toggle, account
 * menu) and the navigation. The navigation lists only screens that exist (docs/plans/dashboard.md §5
 * routes arrive slice by slice).
 */
import { Fragment, Suspense, useState } from 'react';
import { ActionIcon, AppShell, Avatar, Burger, Button, Center, Group, Loader, Menu, NavLink, ScrollArea, Text, Tooltip, UnstyledButton, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconApi, IconApps, IconDatabase, IconKey, IconPalette, IconShieldLock, IconBuilding, IconChartLine, IconListDetails, IconLogout, IconMoon, IconPlus, IconSettings, IconSun, IconUser, IconUsers, IconUsersGroup } from '@tabler/icons-react';
import { Link, Outlet, useLocation, useMatch } from 'react-router';
import { signOut } from '../api/clients';
import { useTenantApiQuery } from '../api/tenant-api';
import { TENANT_SCREENS, allowedScreens, navSections, type TenantScreenKey } from '../lib/tenant-screens';
import type { Me } from '../api/control';
import { CreateTenantModal } from '../features/tenants/CreateTenantModal';
import { useTenants } from '../features/tenants/queries';
import { managesMembers } from '../lib/roles';
import { allowedSettingsTabs } from '../lib/settings-tabs';
import { GlobalSearch } from './GlobalSearch';
import { TenantSwitcher } from './TenantSwitcher';
import { useAccount } from './session';

/** Icons of the per-tenant screens (lib/tenant-screens.ts lists them and the scopes each needs). */
const SCREEN_ICONS: Record<TenantScreenKey, typeof IconBuilding> = {
  activity: IconChartLine,
  applications: IconApps,
  apis: IconApi,
  database: IconDatabase,
  passwordless: IconKey,
  users: IconUsers,
  roles: IconUsersGroup,
  branding: IconPalette,
  attack_protection: IconShieldLock,
  logs: IconListDetails,
  overview: IconBuilding,
};

/** The tenant's screens that the member's token may read (the overview until its scopes are known), under their group headings. */
function TenantNav({ tenant, pathname, onNavigate }: { tenant: string; pathname: string; onNavigate: () => void }) {
  const api = useTenantApiQuery(tenant);
  const screens = api.data ? allowedScreens(api.data.scopes) : TENANT_SCREENS.filter((screen) => screen.anyOf.length === 0);
  return (
    <>
      {navSections(screens).map((section) => {
        const links = section.screens.map((screen) => {
          const Icon = SCREEN_ICONS[screen.key];
          const to = `/t/${encodeURIComponent(tenant)}/${screen.path}`;
          return (
            <NavLink
              key={screen.key}
              component={Link}
              to={to}
              active={pathname === to || pathname.startsWith(`${to}/`)}
              label={screen.label}
              leftSection={<Icon size={18} aria-hidden />}
              onClick={onNavigate}
            />
          );
        });
        if (section.group === undefined) return <Fragment key={section.screens[0]!.key}>{links}</Fragment>;
        const headingId = `nav-group-${section.group.toLowerCase().replace(/\s+/g, '-')}`;
        return (
          <div key={section.group} role="group" aria-labelledby={headingId}>
            <Text id={headingId} size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="sm" pb={4}>
              {section.group}
            </Text>
            {links}
          </div>
        );
      })}
    </>
  );
}

/** Settings › the tabs the member may open (lib/settings-tabs.ts); Tenant members alone until the token's scopes are known. */
function SettingsNav({ tenant, roles, pathname, onNavigate }: { tenant: string; roles: readonly string[] | undefined; pathname: string; onNavigate: () => void }) {
  const api = useTenantApiQuery(tenant);
  const tabs = allowedSettingsTabs(api.data?.scopes ?? new Set(), managesMembers(roles));
  if (tabs.length === 0) return null;
  const base = `/t/${encodeURIComponent(tenant)}/settings`;
  return (
    <NavLink label="Settings" leftSection={<IconSettings size={18} aria-hidden />} defaultOpened data-testid="nav-settings">
      {tabs.map((tab) => {
        const to = `${base}/${tab.key}`;
        return <NavLink key={tab.key} component={Link} to={to} active={pathname === to} label={tab.label} onClick={onNavigate} />;
      })}
    </NavLink>
  );
}

function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const computed = useComputedColorScheme('light', { getInitialValueInEffect: false });
  const next = computed === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} theme`} withArrow>
      <ActionIcon variant="default" size="lg" onClick={() => setColorScheme(next)} aria-label={`Switch to ${next} theme`} data-testid="theme-toggle">
        {computed === 'dark' ? <IconSun size={18} aria-hidden /> : <IconMoon size={18} aria-hidden />}
      </ActionIcon>
    </Tooltip>
  );
}

function AccountMenu({ account }: { account: Me }) {
  return (
    <Menu position="bottom-end" withArrow>
      <Menu.Target>
        <UnstyledButton aria-label={`Account menu for ${account.email}`}>
          <Avatar src={account.picture || null} alt="" radius="xl" size="md" color="indigo">
            {(account.name || account.email).slice(0, 1).toUpperCase()}
          </Avatar>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{account.email}</Menu.Label>
        <Menu.Item component={Link} to="/profile" leftSection={<IconUser size={16} aria-hidden />}>
          Profile
        </Menu.Item>
        <Menu.Item color="red" leftSection={<IconLogout size={16} aria-hidden />} onClick={() => void signOut()}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function Shell() {
  const account = useAccount();
  const [opened, { toggle, close }] = useDisclosure(false);
  const [creating, setCreating] = useState(false);
  const tenant = useMatch('/t/:tenant/*')?.params.tenant;
  const { pathname } = useLocation();
  const tenants = useTenants();
  const roles = tenants.data?.find((t) => t.name === tenant)?.roles;
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text component={Link} to="/" fw={700} size="lg">
              Tessera
            </Text>
            <TenantSwitcher current={tenant} />
            {account.is_owner ? (
              <Button variant="light" leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)} visibleFrom="sm">
                Create tenant
              </Button>
            ) : null}
          </Group>
          <Group gap="sm" wrap="nowrap">
            {tenant ? <GlobalSearch key={tenant} tenant={tenant} /> : null}
            <ThemeToggle />
            <AccountMenu account={account} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Main navigation">
        {/* Taller than a small window once every group is shown: the list scrolls, the header stays. */}
        <AppShell.Section grow component={ScrollArea} scrollbars="y">
          {tenant ? <TenantNav tenant={tenant} pathname={pathname} onNavigate={close} /> : null}
          {tenant ? <SettingsNav tenant={tenant} roles={roles} pathname={pathname} onNavigate={close} /> : null}
          <NavLink component={Link} to="/profile" active={pathname === '/profile'} label="Profile" leftSection={<IconUser size={18} aria-hidden />} onClick={close} />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        {/* The screens load with their routes (app/routes.tsx). */}
        <Suspense
          fallback={
            <Center py="xl" role="status" aria-live="polite">
              <Loader aria-label="Loading" />
            </Center>
          }
        >
          <Outlet context={account} />
        </Suspense>
      </AppShell.Main>
      <CreateTenantModal opened={creating} onClose={() => setCreating(false)} />
    </AppShell>
  );
}
