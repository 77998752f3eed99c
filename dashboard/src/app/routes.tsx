/**
 * The routes of docs/plans/dashboard.md §5 that have screens so far. /setup and /invitations/accept need no session; every
 * other screen sits under the session gate (GET /me, sign-in on 401) and the app shell.
 */
import { lazy, type ComponentType } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { SetupPage } from '../features/setup/SetupPage';
import { HomePage } from '../features/tenants/HomePage';
import { TenantLanding } from '../features/tenants/TenantLanding';
import { AcceptInvitationPage } from '../features/invitations/AcceptInvitationPage';
import { TesterCallbackPage } from '../features/tester/TesterCallbackPage';
import { TenantApiLayout } from '../api/tenant-api';
import { NotFoundPage } from './NotFoundPage';
import { SessionGate } from './session';
import { Shell } from './AppShell';

/**
 * Every screen under the shell loads with its route (the shell's Suspense shows a loader meanwhile):
 * the first screen fetches the shell and that screen only, and Activity's charts (Recharts, dayjs)
 * never load for a role that cannot open it.
 */
function lazyPage<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(() => load().then((module) => ({ default: module[name] })));
}

const ActivityPage = lazyPage(() => import('../features/activity/ActivityPage'), 'ActivityPage');
const ProfilePage = lazyPage(() => import('../features/profile/ProfilePage'), 'ProfilePage');
const TenantOverviewPage = lazyPage(() => import('../features/tenants/TenantOverviewPage'), 'TenantOverviewPage');
const RolesPage = lazyPage(() => import('../features/roles/RolesPage'), 'RolesPage');
const RolePage = lazyPage(() => import('../features/roles/RolePage'), 'RolePage');
const LogsPage = lazyPage(() => import('../features/logs/LogsPage'), 'LogsPage');
const MembersPage = lazyPage(() => import('../features/members/MembersPage'), 'MembersPage');
const ApplicationPage = lazyPage(() => import('../features/applications/ApplicationPage'), 'ApplicationPage');
const ApplicationsPage = lazyPage(() => import('../features/applications/ApplicationsPage'), 'ApplicationsPage');
const ApiPage = lazyPage(() => import('../features/apis/ApiPage'), 'ApiPage');
const ApisPage = lazyPage(() => import('../features/apis/ApisPage'), 'ApisPage');
const UserPage = lazyPage(() => import('../features/users/UserPage'), 'UserPage');
const UsersPage = lazyPage(() => import('../features/users/UsersPage'), 'UsersPage');
const DatabaseConnectionsPage = lazyPage(() => import('../features/authentication/DatabaseConnectionsPage'), 'DatabaseConnectionsPage');
const DatabaseConnectionPage = lazyPage(() => import('../features/authentication/DatabaseConnectionPage'), 'DatabaseConnectionPage');
const PasswordlessPage = lazyPage(() => import('../features/passwordless/PasswordlessPage'), 'PasswordlessPage');
const PasswordlessConnectionPage = lazyPage(() => import('../features/passwordless/PasswordlessConnectionPage'), 'PasswordlessConnectionPage');
const BrandingPage = lazyPage(() => import('../features/branding/BrandingPage'), 'BrandingPage');
const AttackProtectionPage = lazyPage(() => import('../features/attack-protection/AttackProtectionPage'), 'AttackProtectionPage');
const SettingsIndex = lazyPage(() => import('../features/settings/SettingsLayout'), 'SettingsIndex');
const SettingsLayout = lazyPage(() => import('../features/settings/SettingsLayout'), 'SettingsLayout');
const GeneralSettingsPage = lazyPage(() => import('../features/settings/GeneralSettingsPage'), 'GeneralSettingsPage');
const AdvancedSettingsPage = lazyPage(() => import('../features/settings/AdvancedSettingsPage'), 'AdvancedSettingsPage');
const SigningKeysPage = lazyPage(() => import('../features/settings/SigningKeysPage'), 'SigningKeysPage');

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/setup" element={<SetupPage />} />
      <Route path="/invitations/accept" element={<AcceptInvitationPage />} />
      {/* Try connection's login comes back here (a popup); it needs no dashboard session. */}
      <Route path="/tester/callback" element={<TesterCallbackPage />} />
      <Route element={<SessionGate />}>
        <Route element={<Shell />}>
          <Route index element={<HomePage />} />
          <Route path="/t/:tenant" element={<TenantLanding />} />
          <Route path="/t/:tenant/overview" element={<TenantOverviewPage />} />
          <Route path="/t/:tenant/activity" element={<ActivityPage />} />
          <Route path="/t/:tenant/roles" element={<RolesPage />} />
          <Route path="/t/:tenant/roles/:id" element={<RolePage />} />
          <Route path="/t/:tenant/logs" element={<LogsPage />} />
          <Route path="/t/:tenant" element={<TenantApiLayout />}>
            <Route path="applications" element={<ApplicationsPage />} />
            <Route path="applications/:id" element={<ApplicationPage />} />
            <Route path="apis" element={<ApisPage />} />
            <Route path="apis/:id" element={<ApiPage />} />
            <Route path="users" element={<UsersPage />} />
            <Route path="users/:id" element={<UserPage />} />
            <Route path="authentication" element={<Navigate to="database" replace />} />
            <Route path="authentication/database" element={<DatabaseConnectionsPage />} />
            <Route path="authentication/database/:id" element={<DatabaseConnectionPage />} />
            <Route path="authentication/passwordless" element={<PasswordlessPage />} />
            <Route path="authentication/passwordless/:id" element={<PasswordlessConnectionPage />} />
            <Route path="branding" element={<BrandingPage />} />
            <Route path="security/attack-protection" element={<AttackProtectionPage />} />
            <Route path="settings" element={<SettingsLayout />}>
              <Route index element={<SettingsIndex />} />
              <Route path="general" element={<GeneralSettingsPage />} />
              <Route path="advanced" element={<AdvancedSettingsPage />} />
              <Route path="signing-keys" element={<SigningKeysPage />} />
              <Route path="members" element={<MembersPage />} />
            </Route>
          </Route>
          <Route path="/profile" element={<ProfilePage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
