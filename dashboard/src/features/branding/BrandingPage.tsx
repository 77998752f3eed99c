/**
 * `/t/{tenant}/branding`: Auth0's Branding › Universal Login settings as Tessera's hosted pages
 * use them (primary colour, page background, logo, favicon), with a preview of the login box.
 * Checked here for quick feedback; the Management API checks again and its refusal is shown.
 */
import { useState } from 'react';
import { Box, Card, ColorInput, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useTenantApi, type TenantApi } from '../../api/tenant-api';
import { QueryState } from '../../components/QueryState';
import { SaveBar, SettingsCard } from '../../components/SettingsCard';
import { notifySuccess } from '../../components/notify';
import { MAX_URL_LENGTH, colorProblem, formOf, formProblems, hasGradientBackground, patchOf, urlProblem, type Branding, type BrandingForm } from './branding-form';
import { useBranding, useUpdateBranding } from './queries';

/** The hosted pages' own defaults (src/pages/html.ts), shown when a colour is not set. */
const DEFAULT_PRIMARY = '#635dff';

export function BrandingPage() {
  const api = useTenantApi();
  const branding = useBranding(api);
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Branding</Title>
        <Text size="sm" c="dimmed">
          Customize how the hosted login pages look to your users: the colours, the logo and the favicon of the Universal Login.
        </Text>
      </div>
      <QueryState query={branding} errorTitle="Could not load the branding">
        {(stored) => <BrandingFormView key={JSON.stringify(stored)} api={api} stored={stored} />}
      </QueryState>
    </Stack>
  );
}

function BrandingFormView({ api, stored }: { api: TenantApi; stored: Branding }) {
  const canWrite = api.can('update:branding');
  const update = useUpdateBranding(api);
  const [form, setForm] = useState<BrandingForm>(() => formOf(stored));
  const [submitted, setSubmitted] = useState(false);
  const set = (key: keyof BrandingForm) => (value: string) => setForm((f) => ({ ...f, [key]: value }));
  const problems = formProblems(form);
  const shown = (key: keyof BrandingForm) => (submitted || form[key] !== formOf(stored)[key] ? problems[key] : undefined);
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" maw={1200}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted(true);
          if (Object.keys(problems).length > 0) return;
          update.mutate(patchOf(form, stored), { onSuccess: () => notifySuccess('Saved', 'Branding saved. The hosted login pages use it from now on.') });
        }}
      >
        <fieldset disabled={!canWrite} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack gap="lg">
            <SettingsCard title="Colors">
            <ColorInput
              label="Primary Color"
              description="Buttons, links and focus outlines of the login box."
              format="hex"
              withEyeDropper={false}
              placeholder={DEFAULT_PRIMARY}
              value={form.primary}
              onChange={set('primary')}
              error={shown('primary')}
              maxLength={7}
            />
            <ColorInput
              label="Page Background Color"
              description={
                hasGradientBackground(stored)
                  ? 'A gradient is set through the API (the hosted pages draw it). Choose a colour to replace it.'
                  : 'The background behind the login box.'
              }
              format="hex"
              withEyeDropper={false}
              placeholder="Theme default"
              value={form.pageBackground}
              onChange={set('pageBackground')}
              error={shown('pageBackground')}
              maxLength={7}
            />
            </SettingsCard>
            <SettingsCard title="Images">
            <TextInput
              label="Logo URL"
              description="An https:// URL of the image shown at the top of the login box (at most 200 × 52 pixels are shown). Without one, the tenant's picture is used."
              placeholder="https://example.com/logo.png"
              value={form.logoUrl}
              onChange={(e) => set('logoUrl')(e.currentTarget.value)}
              error={shown('logoUrl')}
              maxLength={MAX_URL_LENGTH}
              type="url"
            />
            <TextInput
              label="Favicon URL"
              description="An https:// URL of the icon browsers show in the tab of the hosted pages."
              placeholder="https://example.com/favicon.ico"
              value={form.faviconUrl}
              onChange={(e) => set('faviconUrl')(e.currentTarget.value)}
              error={shown('faviconUrl')}
              maxLength={MAX_URL_LENGTH}
              type="url"
            />
            </SettingsCard>
            <SaveBar canWrite={canWrite} pending={update.isPending} error={update.error} subject="the branding" />
          </Stack>
        </fieldset>
      </form>
      <LoginPreview form={form} />
    </SimpleGrid>
  );
}

/**
 * The hosted login box in the form's colours (light theme of src/pages/html.ts). Only valid values
 * are previewed, as only those can be saved.
 */
function LoginPreview({ form }: { form: BrandingForm }) {
  const primary = colorProblem(form.primary) || !form.primary ? DEFAULT_PRIMARY : form.primary;
  const background = colorProblem(form.pageBackground) || !form.pageBackground ? undefined : form.pageBackground;
  const logo = urlProblem(form.logoUrl) || !form.logoUrl.trim() ? undefined : form.logoUrl.trim();
  return (
    <Card withBorder padding={0} data-testid="branding-preview">
      <Text size="sm" fw={600} px="md" pt="sm">
        Preview
      </Text>
      <Box p="xl" style={{ background: background ?? 'var(--mantine-color-default-hover)', borderRadius: 'var(--mantine-radius-sm)' }} m="md" data-testid="preview-background">
        <Box maw={360} mx="auto" p="xl" bg="var(--mantine-color-body)" style={{ borderRadius: 8, boxShadow: '0 12px 40px rgba(0,0,0,.12)' }}>
          <Stack gap="sm" align="stretch">
            {logo ? <img src={logo} alt="Logo preview" style={{ maxHeight: 52, maxWidth: 200, alignSelf: 'center' }} /> : null}
            <Text ta="center" size="xl">
              Welcome
            </Text>
            <Text ta="center" size="sm">
              Log in to continue.
            </Text>
            <Box p="sm" style={{ border: '1px solid var(--mantine-color-default-border)', borderRadius: 4 }}>
              <Text size="sm">Email address</Text>
            </Box>
            <Box p="sm" ta="center" style={{ background: primary, color: '#fff', borderRadius: 4 }} data-testid="preview-button">
              Continue
            </Box>
          </Stack>
        </Box>
      </Box>
    </Card>
  );
}
