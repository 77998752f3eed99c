/**
 * "Device Settings" in a native application's Advanced tab (docs: "Enable Universal Links Support in
 * Apple Xcode", "Enable Android App Links Support"): the Apple Team ID and bundle identifier, the
 * Android package name and signing-certificate SHA-256 fingerprints (`mobile`), which the tenant then
 * publishes in /.well-known/apple-app-site-association and /.well-known/assetlinks.json. The server
 * checks the formats; its 400 shows inline.
 */
import { useState } from 'react';
import { Stack, Text, TextInput, Textarea } from '@mantine/core';
import type { Client, ClientPatch, TenantApi } from '../../api/tenant-api';
import { SaveBar, SettingsCard } from '../../components/SettingsCard';
import { notifySuccess } from '../../components/notify';
import { useUpdateClient } from './queries';

/** Fingerprints one a line (commas accepted too), blanks dropped. */
const parseFingerprints = (text: string): string[] => text.split(/[\n,]/).map((line) => line.trim()).filter((line) => line !== '');

export function DeviceSettingsCard({ api, app }: { api: TenantApi; app: Client }) {
  const update = useUpdateClient(api, app.client_id ?? '');
  const canWrite = api.can('update:clients');
  const [teamId, setTeamId] = useState(app.mobile?.ios?.team_id ?? '');
  const [bundleId, setBundleId] = useState(app.mobile?.ios?.app_bundle_identifier ?? '');
  const [packageName, setPackageName] = useState(app.mobile?.android?.app_package_name ?? '');
  const [fingerprints, setFingerprints] = useState((app.mobile?.android?.sha256_cert_fingerprints ?? []).join('\n'));
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const patch = {
          mobile: {
            ios: { team_id: teamId.trim(), app_bundle_identifier: bundleId.trim() },
            android: { app_package_name: packageName.trim(), sha256_cert_fingerprints: parseFingerprints(fingerprints) },
          },
        } as ClientPatch;
        update.mutate(patch, { onSuccess: () => notifySuccess('Saved', 'Device settings saved.') });
      }}
    >
      <fieldset disabled={!canWrite} style={{ border: 0, padding: 0, margin: 0 }}>
        <Stack gap="lg" maw={820} mt="lg">
          <SettingsCard
            title="Device Settings"
            description="Native app links: the apps named here are published in this tenant's /.well-known/apple-app-site-association (universal links, and HTTPS callbacks on iOS 17.4+) and /.well-known/assetlinks.json (Android App Links). Leave a platform empty to publish nothing for it."
          >
            <Text fw={600} size="sm">
              iOS
            </Text>
            <TextInput label="Team ID" description="Your Apple Team ID: 10 upper-case letters or digits." value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)} maxLength={10} />
            <TextInput label="App bundle identifier" description="The bundle identifier of your iOS app, e.g. com.example.MyApp." value={bundleId} onChange={(e) => setBundleId(e.currentTarget.value)} maxLength={155} />
            <Text fw={600} size="sm">
              Android
            </Text>
            <TextInput label="App Package Name" description="The application ID of your Android app, e.g. com.example.myapp." value={packageName} onChange={(e) => setPackageName(e.currentTarget.value)} maxLength={255} />
            <Textarea
              label="Key Hashes (SHA256 certificate fingerprints)"
              description="One a line, as keytool prints them: 32 upper-case hex bytes separated by colons. At most 20."
              value={fingerprints}
              onChange={(e) => setFingerprints(e.currentTarget.value)}
              autosize
              minRows={2}
              styles={{ input: { fontFamily: 'monospace' } }}
            />
            <SaveBar canWrite={canWrite} pending={update.isPending} error={update.error} subject="this application" label="Save Device Settings" />
          </SettingsCard>
        </Stack>
      </fieldset>
    </form>
  );
}
