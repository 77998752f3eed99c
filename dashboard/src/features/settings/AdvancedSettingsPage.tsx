/**
 * Settings › Advanced (Auth0's Advanced tab), limited to what takes effect in Tessera: login and
 * logout, the login session limits (minutes, as the docs count them) and cookie mode, the tenant
 * flags of advanced-options.ts (Dynamic Client Registration among them) with "Allow Pushed Authorization Requests (PAR)" and RFC 9207's issuer
 * parameter among them, and the
 * Device Flow User Code Format (the character set and mask of the user codes `/oauth/device/code`
 * issues) and the Migrations section. Only changed settings are sent.
 */
import { useState } from 'react';
import { Button, Group, NumberInput, Select, Stack, Switch, TextInput, Textarea } from '@mantine/core';
import { useTenantApi } from '../../api/tenant-api';
import { ApiRequestError } from '../../api/errors';
import { QueryState, errorMessage } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { fieldOfError } from '../../lib/settings-errors';
import { formatUrlList, parseUrlList } from '../../lib/url-list';
import { FormError, SettingsCard } from '../../components/SettingsCard';
import { ABSOLUTE_MINUTES, IDLE_MINUTES, MIGRATION_FLAGS, SETTINGS_FLAGS, flagShown, flagStored, type FlagOption } from './advanced-options';
import { useTenantSettings, useUpdateTenantSettings, type TenantSettings, type TenantSettingsPatch } from './queries';

interface Form {
  allowed_logout_urls: string;
  end_session_discovery: boolean;
  logout_prompt: boolean;
  idle_minutes: number | string;
  absolute_minutes: number | string;
  cookie_mode: 'persistent' | 'non-persistent';
  par: boolean;
  iss_parameter: boolean;
  device_charset: 'base20' | 'digits';
  device_mask: string;
  flags: Record<string, boolean>;
}

const ALL_FLAGS = [...SETTINGS_FLAGS, ...MIGRATION_FLAGS];

function formOf(settings: TenantSettings): Form {
  const flags = (settings.flags ?? {}) as Record<string, boolean | undefined>;
  return {
    allowed_logout_urls: formatUrlList(settings.allowed_logout_urls),
    end_session_discovery: settings.oidc_logout?.rp_logout_end_session_endpoint_discovery ?? true,
    logout_prompt: settings.sessions?.oidc_logout_prompt_enabled !== false,
    idle_minutes: settings.idle_session_lifetime_in_minutes ?? 4320,
    absolute_minutes: settings.session_lifetime_in_minutes ?? 10080,
    cookie_mode: settings.session_cookie?.mode ?? 'persistent',
    par: settings.pushed_authorization_requests_supported === true,
    iss_parameter: settings.authorization_response_iss_parameter_supported === true,
    device_charset: settings.device_flow?.charset ?? 'base20',
    device_mask: settings.device_flow?.mask ?? '****-****',
    flags: Object.fromEntries(ALL_FLAGS.map((option) => [option.flag, flagShown(option, flags[option.flag])])),
  };
}

/** The PATCH body for what differs between the loaded and the edited form. */
function patchOf(saved: Form, form: Form): TenantSettingsPatch {
  const patch: Record<string, unknown> = {};
  const urls = parseUrlList(form.allowed_logout_urls);
  if (urls.join('\n') !== parseUrlList(saved.allowed_logout_urls).join('\n')) patch.allowed_logout_urls = urls;
  if (form.end_session_discovery !== saved.end_session_discovery) patch.oidc_logout = { rp_logout_end_session_endpoint_discovery: form.end_session_discovery };
  if (form.logout_prompt !== saved.logout_prompt) patch.sessions = { oidc_logout_prompt_enabled: form.logout_prompt };
  if (Number(form.idle_minutes) !== Number(saved.idle_minutes)) patch.idle_session_lifetime_in_minutes = Number(form.idle_minutes);
  if (Number(form.absolute_minutes) !== Number(saved.absolute_minutes)) patch.session_lifetime_in_minutes = Number(form.absolute_minutes);
  if (form.cookie_mode !== saved.cookie_mode) patch.session_cookie = { mode: form.cookie_mode };
  if (form.par !== saved.par) patch.pushed_authorization_requests_supported = form.par;
  if (form.iss_parameter !== saved.iss_parameter) patch.authorization_response_iss_parameter_supported = form.iss_parameter;
  if (form.device_charset !== saved.device_charset || form.device_mask !== saved.device_mask) patch.device_flow = { charset: form.device_charset, mask: form.device_mask };
  const flags = Object.fromEntries(
    ALL_FLAGS.filter((option) => form.flags[option.flag] !== saved.flags[option.flag]).map((option) => [option.flag, flagStored(option, form.flags[option.flag]!)]),
  );
  if (Object.keys(flags).length > 0) patch.flags = flags;
  return patch as TenantSettingsPatch;
}

const ERROR_FIELDS = ['allowed_logout_urls', 'idle_session_lifetime_in_minutes', 'session_lifetime_in_minutes', 'idle_session_lifetime', 'session_lifetime', 'session_cookie', 'device_flow', 'flags'];

export function AdvancedSettingsPage() {
  const api = useTenantApi();
  const settings = useTenantSettings(api);
  return (
    <QueryState query={settings} errorTitle="Could not load the tenant settings">
      {(data) => <AdvancedForm settings={data} />}
    </QueryState>
  );
}

function AdvancedForm({ settings }: { settings: TenantSettings }) {
  const api = useTenantApi();
  const update = useUpdateTenantSettings(api);
  const canWrite = api.can('update:tenant_settings');
  const [saved, setSaved] = useState<Form>(() => formOf(settings));
  const [form, setForm] = useState<Form>(saved);
  const patch = patchOf(saved, form);
  const changed = Object.keys(patch).length > 0;
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((current) => ({ ...current, [key]: value }));
  const setFlag = (flag: string, value: boolean) => setForm((current) => ({ ...current, flags: { ...current.flags, [flag]: value } }));

  // The hours-named fields are the API's other spelling of the same limits.
  const named = update.error instanceof ApiRequestError ? fieldOfError(update.error.body?.message, ERROR_FIELDS) : undefined;
  const errorField = named === 'idle_session_lifetime' ? 'idle_session_lifetime_in_minutes' : named === 'session_lifetime' ? 'session_lifetime_in_minutes' : named;
  const fieldError = (field: string) => (errorField === field ? errorMessage(update.error) : undefined);
  const onField = errorField === 'device_flow' || errorField === 'allowed_logout_urls' || errorField === 'idle_session_lifetime_in_minutes' || errorField === 'session_lifetime_in_minutes';

  const flagSwitch = (option: FlagOption) => (
    <Switch
      key={option.flag}
      label={option.label}
      description={option.description}
      checked={form.flags[option.flag] ?? false}
      onChange={(event) => setFlag(option.flag, event.currentTarget.checked)}
      disabled={!canWrite}
    />
  );

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!changed) return;
        update.mutate(patch, {
          onSuccess: (next) => {
            setSaved(formOf(next));
            setForm(formOf(next));
            notifySuccess('Settings saved', 'The advanced tenant settings were updated.');
          },
        });
      }}
    >
      <Stack gap="lg" maw={820}>
        <SettingsCard title="Login and Logout">
          <Textarea
            label="Allowed Logout URLs"
            description="URLs that can be redirected to after logout when no client_id is specified on the logout endpoint. Useful as a global list when Single Sign-on (SSO) is enabled. Separate multiple URLs with commas."
            value={form.allowed_logout_urls}
            onChange={(event) => set('allowed_logout_urls', event.currentTarget.value)}
            autosize
            minRows={2}
            readOnly={!canWrite}
            error={fieldError('allowed_logout_urls')}
          />
          <Switch
            label="RP-Initiated Logout End Session Endpoint Discovery"
            description="Controls if the logout endpoint is advertised in the OpenID Configuration responses as end_session_endpoint."
            checked={form.end_session_discovery}
            onChange={(event) => set('end_session_discovery', event.currentTarget.checked)}
            disabled={!canWrite}
          />
          <Switch
            label="RP-Initiated Logout End-User Confirmation"
            description="Controls whether the user is asked to confirm logout if the RP-initiated logout request does not include the correct hints."
            checked={form.logout_prompt}
            onChange={(event) => set('logout_prompt', event.currentTarget.checked)}
            disabled={!canWrite}
          />
        </SettingsCard>
        <SettingsCard
          title="Login Session Management"
          description="The login session lifetime of the authorization server's session layer, which drives single sign-on. Token lifetimes are configured on each application and API."
        >
          <NumberInput
            label="Inactivity timeout (minutes)"
            description="Timeframe after which a user's session will expire if they haven't interacted with the authorization server. At most 144,000 minutes (100 days)."
            value={form.idle_minutes}
            onChange={(value) => set('idle_minutes', value)}
            min={IDLE_MINUTES[0]}
            max={IDLE_MINUTES[1]}
            allowDecimal={false}
            thousandSeparator=","
            readOnly={!canWrite}
            error={fieldError('idle_session_lifetime_in_minutes')}
          />
          <NumberInput
            label="Require log in after (minutes)"
            description="Timeframe after which a user will be required to log in again, regardless of their activity. At most 525,600 minutes (365 days)."
            value={form.absolute_minutes}
            onChange={(value) => set('absolute_minutes', value)}
            min={ABSOLUTE_MINUTES[0]}
            max={ABSOLUTE_MINUTES[1]}
            allowDecimal={false}
            thousandSeparator=","
            readOnly={!canWrite}
            error={fieldError('session_lifetime_in_minutes')}
          />
          <Select
            label="Session Cookie Mode"
            description="Persistent: the login session cookie outlives the browser until the session expires. Non-persistent: the cookie ends when the browser closes."
            data={[
              { value: 'persistent', label: 'Persistent' },
              { value: 'non-persistent', label: 'Non-persistent' },
            ]}
            value={form.cookie_mode}
            onChange={(value) => value && set('cookie_mode', value as Form['cookie_mode'])}
            allowDeselect={false}
            readOnly={!canWrite}
          />
        </SettingsCard>
        <SettingsCard title="Settings">
          <Switch
            label="Allow Pushed Authorization Requests (PAR)"
            description="Applications may push their authorization requests to /oauth/par and start /authorize with the request_uri it returns (RFC 9126). Needed before an application can require PAR."
            checked={form.par}
            onChange={(event) => set('par', event.currentTarget.checked)}
            disabled={!canWrite}
          />
          <Switch
            label="Return the Issuer in Authorization Responses"
            description="Authorization responses and their errors carry the issuer as the iss parameter (RFC 9207), so that applications talking to several servers can tell which one answered; required by the FAPI 2.0 Security Profile. Applications that see it advertised in discovery must then check it."
            checked={form.iss_parameter}
            onChange={(event) => set('iss_parameter', event.currentTarget.checked)}
            disabled={!canWrite}
          />
          {SETTINGS_FLAGS.map(flagSwitch)}
        </SettingsCard>
        <SettingsCard title="Device Flow User Code Format" description="The user codes of the Device Authorization Flow, which users type at /activate.">
          <Select
            label="User Code Character Set"
            description="Character set used when randomly generating a user code."
            data={[
              { value: 'base20', label: 'Base20 Letters (BCDFGHJKLMNPQRSTVWXZ)' },
              { value: 'digits', label: 'Digits (0123456789)' },
            ]}
            value={form.device_charset}
            onChange={(value) => value && set('device_charset', value as Form['device_charset'])}
            allowDeselect={false}
            readOnly={!canWrite}
          />
          <TextInput
            label="User Code Mask"
            description="Defines the length and format of the user code: each * is one random character; spaces and hyphens are kept for readability (at most 20 characters)."
            value={form.device_mask}
            onChange={(event) => set('device_mask', event.currentTarget.value)}
            readOnly={!canWrite}
            error={fieldError('device_flow')}
          />
        </SettingsCard>
        <SettingsCard title="Migrations" description="Turn on a migration once your applications are ready for it.">
          {MIGRATION_FLAGS.map(flagSwitch)}
        </SettingsCard>
        <FormError error={update.error} shownOnField={onField} />
        {canWrite ? (
          <Group>
            <Button type="submit" loading={update.isPending} disabled={!changed}>
              Save
            </Button>
          </Group>
        ) : null}
      </Stack>
    </form>
  );
}
