/**
 * Settings › General (Auth0's General tab): the name, logo and support contacts shown to users,
 * the environment tag (control API, Admins only), and the API authorization defaults. Only changed
 * fields are sent; a 400 that names a field is shown on it (lib/settings-errors.ts).
 */
import { useState } from 'react';
import { Button, Group, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useTenantApi } from '../../api/tenant-api';
import type { EnvironmentTag } from '../../api/control';
import { ApiRequestError } from '../../api/errors';
import { QueryState, errorMessage } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { managesMembers } from '../../lib/roles';
import { fieldOfError } from '../../lib/settings-errors';
import { ENVIRONMENT_TAGS, useTenant } from '../tenants/queries';
import { FormError, SettingsCard } from '../../components/SettingsCard';
import { useSetEnvironmentTag, useTenantSettings, useUpdateTenantSettings, type TenantSettings } from './queries';

const FIELDS = ['friendly_name', 'picture_url', 'support_email', 'support_url', 'default_audience', 'default_directory'] as const;
type Field = (typeof FIELDS)[number];
type Form = Record<Field, string>;

const formOf = (settings: TenantSettings): Form => Object.fromEntries(FIELDS.map((field) => [field, settings[field] ?? ''])) as Form;

export function GeneralSettingsPage() {
  const api = useTenantApi();
  const settings = useTenantSettings(api);
  return (
    <Stack gap="lg" maw={820}>
      <QueryState query={settings} errorTitle="Could not load the tenant settings">
        {(data) => <GeneralForm settings={data} />}
      </QueryState>
      <EnvironmentTagCard />
    </Stack>
  );
}

function GeneralForm({ settings }: { settings: TenantSettings }) {
  const api = useTenantApi();
  const update = useUpdateTenantSettings(api);
  const canWrite = api.can('update:tenant_settings');
  const [saved, setSaved] = useState<Form>(() => formOf(settings));
  const [form, setForm] = useState<Form>(saved);
  const changed = FIELDS.filter((field) => form[field].trim() !== saved[field]);
  const errorField = update.error instanceof ApiRequestError ? fieldOfError(update.error.body?.message, FIELDS) : undefined;
  const fieldError = (field: Field) => (errorField === field ? errorMessage(update.error) : undefined);
  const input = (field: Field) => ({
    value: form[field],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => {
      const value = event.currentTarget.value;
      setForm((current) => ({ ...current, [field]: value }));
    },
    error: fieldError(field),
    readOnly: !canWrite,
  });
  return (
    // noValidate: the API judges the values, and its 400 is shown on the field it names.
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (changed.length === 0) return;
        const patch = Object.fromEntries(changed.map((field) => [field, form[field].trim()]));
        update.mutate(patch, {
          onSuccess: (next) => {
            setSaved(formOf(next));
            setForm(formOf(next));
            notifySuccess('Settings saved', 'The tenant settings were updated.');
          },
        });
      }}
    >
      <Stack gap="lg">
        <SettingsCard title="Settings">
          <TextInput label="Friendly Name" description="Name you want to be displayed to your users on the Universal Login page. Typically this is the name of your company or organization." maxLength={255} {...input('friendly_name')} />
          <TextInput label="Logo URL" description="URL of the logo you want to be displayed on the Universal Login page. Minimum recommended resolution is 200 pixels (width) by 200 pixels (height)." placeholder="https://example.com/logo.png" type="url" maxLength={2000} {...input('picture_url')} />
          <TextInput label="Support Email" description="Email address used to contact your support team." type="email" maxLength={255} {...input('support_email')} />
          <TextInput label="Support URL" description="Link to your company or organization support page." placeholder="https://example.com/support" type="url" maxLength={2000} {...input('support_url')} />
        </SettingsCard>
        <SettingsCard title="API Authorization Settings">
          <TextInput
            label="Default Audience"
            description="API identifier to use for authorization flows. If you enter a value, all access tokens issued will specify this API identifier as an audience, as if it were appended to every authorization request of every application: this may break applications that do not expect it."
            maxLength={600}
            {...input('default_audience')}
          />
          <TextInput
            label="Default Directory"
            description="Name of the default connection to be used for both the Resource Owner Password Flow and Universal Login. Its value should be the exact name of an existing connection of one of these strategies: auth0-adldap, ad, auth0, email, sms, waad or adfs."
            maxLength={128}
            {...input('default_directory')}
          />
        </SettingsCard>
        <FormError error={update.error} shownOnField={errorField !== undefined} />
        {canWrite ? (
          <Group>
            <Button type="submit" loading={update.isPending} disabled={changed.length === 0}>
              Save
            </Button>
          </Group>
        ) : null}
      </Stack>
    </form>
  );
}

/** The tenant's environment tag: a control-plane property of the tenant, so it is saved on its own. */
function EnvironmentTagCard() {
  const api = useTenantApi();
  const tenant = useTenant(api.tenant);
  return (
    <QueryState query={tenant} errorTitle="Could not load the environment tag">
      {(summary) => <EnvironmentTagForm current={summary.environment_tag} isAdmin={managesMembers(summary.roles)} />}
    </QueryState>
  );
}

function EnvironmentTagForm({ current, isAdmin }: { current: EnvironmentTag; isAdmin: boolean }) {
  const api = useTenantApi();
  const save = useSetEnvironmentTag(api.tenant);
  const [tag, setTag] = useState<EnvironmentTag>(current);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(tag, { onSuccess: () => notifySuccess('Environment tag saved', `${api.tenant} is now tagged ${tag}.`) });
      }}
    >
      <SettingsCard title="Environment Tag" description="Identify this tenant as a production, staging or development tenant to tell it apart from your other tenants.">
        <Radio.Group label="Environment" value={tag} onChange={(value) => setTag(value as EnvironmentTag)} readOnly={!isAdmin}>
          <Group mt="xs">
            {ENVIRONMENT_TAGS.map((option) => (
              <Radio key={option.value} value={option.value} label={option.label} disabled={!isAdmin} />
            ))}
          </Group>
        </Radio.Group>
        {isAdmin ? null : <Text size="sm">Only an Admin of this tenant can change its environment tag.</Text>}
        <FormError error={save.error} shownOnField={false} />
        {isAdmin ? (
          <Group>
            <Button type="submit" variant="default" loading={save.isPending} disabled={tag === current}>
              Save environment tag
            </Button>
          </Group>
        ) : null}
      </SettingsCard>
    </form>
  );
}
