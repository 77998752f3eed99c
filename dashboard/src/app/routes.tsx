/**
 * The routes of docs/plans/dashboard.md §5 that have screens so far. /setup and /invitations/accept need no session; every
 * other screen sits under the session gate (GET /me, sign-in on 401) and the app shell.
 */
import { lazy, Suspense } from 'react';
import { Center, Loader } from '@mantine/core';
import { Navigate, Route, Routes } from 'react-router';
import { SetupPage } from '../features/setup/SetupPage';
import { ProfilePage } from '../features/profile/ProfilePage';
import { TenantOverviewPage } from '../features/tenants/TenantOverviewPage';
import { HomePage } from '../features/tenants/HomePage';
import { TenantLanding } from '../features/tenants/TenantLanding';
import { RolesPage } from '../features/roles/RolesPage';
import { RolePage } from '../features/roles/RolePage';
import { LogsPage } from '../features/logs/LogsPage';
import { MembersPage } from '../features/members/MembersPage';
import { AcceptInvitationPage } from '../features/invitations/AcceptInvitationPage';
import { ApplicationPage } from '../features/applications/ApplicationPage';
import { ApplicationsPage } from '../features/applications/ApplicationsPage';
import { ApiPage } from '../features/apis/ApiPage';
import { ApisPage } from '../features/apis/ApisPage';
import { UserPage } from '../features/users/UserPage';
import { UsersPage } from '../features/users/UsersPage';
import { DatabaseConnectionsPage } from '../features/authentication/DatabaseConnectionsPage';
import { DatabaseConnectionPage } from '../features/authentication/DatabaseConnectionPage';
import { TesterCallbackPage } from '../features/tester/TesterCallbackPage';
import { PasswordlessPage } from '../features/passwordless/PasswordlessPage';
import { PasswordlessConnectionPage } from '../features/passwordless/PasswordlessConnectionPage';
import { BrandingPage } from '../features/branding/BrandingPage';
import { AttackProtectionPage } from '../features/attack-protection/AttackProtectionPage';
import { SettingsIndex, SettingsLayout } from '../features/settings/SettingsLayout';
import { GeneralSettingsPage } from '../features/settings/GeneralSettingsPage';
import { AdvancedSettingsPage } from '../features/settings/AdvancedSettingsPage';
import { SigningKeysPage } from '../features/settings/SigningKeysPage';
import { TenantApiLayout } from '../api/tenant-api';
import { NotFoundPage } from './NotFoundPage';
import { SessionGate } from './session';
import { Shell } from './AppShell';

/** The charts and date pickers (Recharts, dayjs) load with the Activity screen only. */
const ActivityPage = lazy(() => import('../features/activity/ActivityPage').then((module) => ({ default: module.ActivityPage })));

function Lazy({ children }: { children: React.ReactNode }) {
  return (
    <Suspense
      fallback={
        <Center py="xl" role="status" aria-live="polite">
          <Loader aria-label="Loading" />
        </Center>
      }
    >
      {children}
    </Suspense>
  );
}

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
          <Route path="/t/:tenant/activity" element={<Lazy><ActivityPage /></Lazy>} />
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
