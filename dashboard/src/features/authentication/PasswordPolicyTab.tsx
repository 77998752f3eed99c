/**
 * A database connection's password rules (Auth0: Password Policy): the strength level, a minimum
 * length, history, dictionary and personal data. Tessera checks them on sign-up, user creation,
 * password change and reset (src/domain/users/password-policy.ts).
 */
import { useState } from 'react';
import { Group, NumberInput, Radio, Stack, Switch, Text, Textarea } from '@mantine/core';
import type { TenantApi } from '../../api/tenant-api';
import { notifySuccess } from '../../components/notify';
import {
  DICTIONARY_LIMITS,
  HISTORY_SIZE_RANGE,
  MIN_LENGTH_RANGE,
  PASSWORD_POLICY_LEVELS,
  levelMinLength,
  passwordPolicyForm,
  passwordPolicyProblem,
  withPasswordPolicy,
  type PasswordPolicyLevel,
} from '../../lib/password-policy';
import { SaveBar, SettingsCard } from '../../components/SettingsCard';
import { useUpdateConnection, type Connection, type ConnectionOptions } from './queries';

export function PasswordPolicyTab({ api, connection }: { api: TenantApi; connection: Connection }) {
  const update = useUpdateConnection(api, connection.id ?? '');
  const canWrite = api.can('update:connections');
  const [form, setForm] = useState(() => passwordPolicyForm(connection.options));
  const problem = passwordPolicyProblem(form);
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));
  const errorOf = (field: keyof typeof form) => (problem?.field === field ? problem.message : undefined);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (problem) return;
        update.mutate({ options: withPasswordPolicy(connection.options, form) as ConnectionOptions }, { onSuccess: () => notifySuccess('Saved', 'Password policy saved.') });
      }}
    >
      <fieldset disabled={!canWrite} style={{ border: 0, padding: 0, margin: 0 }}>
        <Stack gap="lg" maw={820}>
          <SettingsCard title="Password Strength" description="New passwords (sign up, user creation, change and reset) must meet the level you choose.">
            <Radio.Group label="Password policy" value={form.level} onChange={(value) => set('level', value as PasswordPolicyLevel)}>
              <Stack gap="xs" mt="xs">
                {PASSWORD_POLICY_LEVELS.map((level) => (
                  <Radio.Card key={level.value} value={level.value} p="sm" radius="md" aria-label={level.label}>
                    <Group wrap="nowrap" align="flex-start" gap="sm">
                      <Radio.Indicator />
                      <div>
                        <Text fw={600} size="sm">
                          {level.label}
                        </Text>
                        <Text size="sm">{level.description}</Text>
                      </div>
                    </Group>
                  </Radio.Card>
                ))}
              </Stack>
            </Radio.Group>
            <NumberInput
              label="Minimum length"
              description={`Passwords need at least this many characters (${MIN_LENGTH_RANGE.min} to ${MIN_LENGTH_RANGE.max}; bcrypt reads at most 72 bytes). Leave it empty for the level's minimum, ${levelMinLength(form.level)}.`}
              placeholder={String(levelMinLength(form.level))}
              value={form.minLength}
              onChange={(v) => set('minLength', typeof v === 'number' ? v : v === '' ? '' : Number.NaN)}
              min={MIN_LENGTH_RANGE.min}
              max={MIN_LENGTH_RANGE.max}
              allowDecimal={false}
              error={errorOf('minLength')}
            />
          </SettingsCard>
          <SettingsCard title="Password History">
            <Switch
              label="Password History"
              description="Prevents users from setting a password they used before, among their most recent ones."
              checked={form.history}
              onChange={(e) => set('history', e.currentTarget.checked)}
            />
            {form.history ? (
              <NumberInput
                label="Number of previous passwords to remember"
                description={`${HISTORY_SIZE_RANGE.min} to ${HISTORY_SIZE_RANGE.max}.`}
                value={form.historySize}
                onChange={(v) => set('historySize', typeof v === 'number' ? v : Number.NaN)}
                min={HISTORY_SIZE_RANGE.min}
                max={HISTORY_SIZE_RANGE.max}
                allowDecimal={false}
                error={errorOf('historySize')}
              />
            ) : null}
          </SettingsCard>
          <SettingsCard title="Password Dictionary">
            <Switch
              label="Password Dictionary"
              description="Prevents users from choosing common passwords: Tessera's bundled list of the most used passwords, and your own entries (compared without regard to case)."
              checked={form.dictionary}
              onChange={(e) => set('dictionary', e.currentTarget.checked)}
            />
            {form.dictionary ? (
              <Textarea
                label="Custom dictionary"
                description={`One password a line, at most ${DICTIONARY_LIMITS.entries} entries of up to ${DICTIONARY_LIMITS.entryLength} characters.`}
                value={form.dictionaryEntries}
                onChange={(e) => set('dictionaryEntries', e.currentTarget.value)}
                autosize
                minRows={3}
                maxRows={10}
                error={errorOf('dictionaryEntries')}
              />
            ) : null}
          </SettingsCard>
          <SettingsCard title="Personal Data">
            <Switch
              label="Disallow Personal Data"
              description="Prevents users from using personal data in their passwords: their name, username, nickname, given or family name, or the first part of their email address."
              checked={form.noPersonalInfo}
              onChange={(e) => set('noPersonalInfo', e.currentTarget.checked)}
            />
          </SettingsCard>
          <SaveBar canWrite={canWrite} pending={update.isPending} error={update.error} disabled={problem !== undefined} subject="this connection" />
        </Stack>
      </fieldset>
    </form>
  );
}
