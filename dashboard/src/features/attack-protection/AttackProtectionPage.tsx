/**
 * `/t/{tenant}/security/attack-protection`: Auth0's Security › Attack Protection, one tab per
 * setting Tessera enforces (domain/attack-protection/): brute-force protection, suspicious IP
 * throttling, breached password detection. Every field is one the Management API accepts and the
 * login paths act on; each tab saves its own setting.
 */
import { useState, type ReactNode } from 'react';
import { Card, Checkbox, Group, NumberInput, Radio, Stack, Switch, Tabs, Text, Textarea, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useTenantApi, type TenantApi } from '../../api/tenant-api';
import { QueryState } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { ALLOWLIST_LIMITS, allowlistBoundsProblem, allowlistFieldError, formatAllowlist, parseAllowlist } from './allowlist';
import {
  useAttackProtection,
  useUpdateAttackProtection,
  type BreachedPassword,
  type BreachedPasswordPatch,
  type BruteForce,
  type BruteForcePatch,
  type SuspiciousIp,
  type SuspiciousIpPatch,
} from './queries';
import { LIMITS, attemptsPerDay } from './limits';
import { SaveBar, SettingsCard } from '../../components/SettingsCard';

const TABS = [
  { value: 'brute-force-protection', label: 'Brute-force Protection' },
  { value: 'suspicious-ip-throttling', label: 'Suspicious IP Throttling' },
  { value: 'breached-password-detection', label: 'Breached Password Detection' },
] as const;

export function AttackProtectionPage() {
  const api = useTenantApi();
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((t) => t.value === params.get('tab'))?.value ?? 'brute-force-protection';
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Attack Protection</Title>
        <Text size="sm" c="dimmed">
          Detect and mitigate attacks on your tenant: brute-force logins, suspicious IP addresses and breached passwords.
        </Text>
      </div>
      <Tabs value={tab} onChange={(value) => setParams(value && value !== 'brute-force-protection' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List>
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="brute-force-protection" pt="lg">
          <BruteForceTab api={api} />
        </Tabs.Panel>
        <Tabs.Panel value="suspicious-ip-throttling" pt="lg">
          <SuspiciousIpTab api={api} />
        </Tabs.Panel>
        <Tabs.Panel value="breached-password-detection" pt="lg">
          <BreachedPasswordTab api={api} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

// --- shared pieces --------------------------------------------------------------------------------

function EnabledSwitch({ label, description, checked, onChange }: { label: string; description: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <Card withBorder>
      <Switch size="md" label={label} description={description} checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
    </Card>
  );
}

interface ShieldOption<S extends string> {
  value: S;
  label: string;
  description: string;
}

function Shields<S extends string>({ label, options, value, onChange }: { label: string; options: ReadonlyArray<ShieldOption<S>>; value: readonly S[]; onChange: (value: S[]) => void }) {
  return (
    <Checkbox.Group label={label} value={[...value]} onChange={(next) => onChange(next as S[])}>
      <Stack gap="sm" mt="xs">
        {options.map((option) => (
          <Checkbox key={option.value} value={option.value} label={option.label} description={option.description} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}

function AllowlistField({ value, onChange, error }: { value: string; onChange: (text: string) => void; error: string | undefined }) {
  return (
    <Textarea
      label="Allowlist"
      description={`Trusted IP addresses and CIDR ranges (IPv4 or IPv6, e.g. 203.0.113.7, 10.0.0.0/8, 2001:db8::/32) that this protection never blocks. One a line, at most ${ALLOWLIST_LIMITS.entries}.`}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      autosize
      minRows={3}
      maxRows={12}
      spellCheck={false}
      styles={{ input: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' } }}
    />
  );
}

function FeatureForm({ canWrite, onSubmit, children }: { canWrite: boolean; onSubmit: () => void; children: ReactNode }) {
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <fieldset disabled={!canWrite} style={{ border: 0, padding: 0, margin: 0 }}>
        <Stack gap="lg" maw={820}>
          {children}
        </Stack>
      </fieldset>
    </form>
  );
}

/** The allowlist text, its bounds problem and the API's refusal of it. */
function useAllowlist(stored: readonly string[], mutationError: unknown) {
  const [text, setText] = useState(() => formatAllowlist(stored));
  const [touched, setTouched] = useState(false);
  const entries = parseAllowlist(text);
  const bounds = allowlistBoundsProblem(entries);
  // The API's message stays until the text changes again.
  const apiError = touched ? undefined : allowlistFieldError(mutationError);
  return {
    text,
    entries,
    bounds,
    error: bounds ?? apiError,
    apiError,
    setText: (value: string) => {
      setText(value);
      setTouched(true);
    },
    submitted: () => setTouched(false),
  };
}

const saved = (what: string) => () => notifySuccess('Saved', `${what} settings saved.`);

// --- brute-force protection -----------------------------------------------------------------------

const BRUTE_FORCE_SHIELDS: ReadonlyArray<ShieldOption<BruteForce['shields'][number]>> = [
  {
    value: 'block',
    label: 'Block Brute-force Logins',
    description: 'Blocks further logins to the targeted account from the suspicious IP address, until the user follows the unblock link, resets their password, or an administrator unblocks them.',
  },
  {
    value: 'user_notification',
    label: 'Send notifications to the affected user',
    description: 'Emails the user when their account is blocked, with a link to unblock it.',
  },
];

function BruteForceTab({ api }: { api: TenantApi }) {
  const query = useAttackProtection(api, 'brute-force-protection');
  return (
    <QueryState query={query} errorTitle="Could not load brute-force protection">
      {(value) => <BruteForceForm key={JSON.stringify(value)} api={api} stored={value} />}
    </QueryState>
  );
}

function BruteForceForm({ api, stored }: { api: TenantApi; stored: BruteForce }) {
  const canWrite = api.can('update:attack_protection');
  const update = useUpdateAttackProtection(api, 'brute-force-protection');
  const [form, setForm] = useState(stored);
  const allowlist = useAllowlist(stored.allowlist, update.error);
  return (
    <FeatureForm
      canWrite={canWrite}
      onSubmit={() => {
        if (allowlist.bounds) return;
        allowlist.submitted();
        const patch: BruteForcePatch = { enabled: form.enabled, shields: form.shields, mode: form.mode, max_attempts: form.max_attempts, allowlist: allowlist.entries };
        update.mutate(patch, { onSuccess: saved('Brute-force protection') });
      }}
    >
      <EnabledSwitch
        label="Brute-force Protection"
        description="Safeguards against brute-force attacks that occur from a single IP address and target a single user account."
        checked={form.enabled}
        onChange={(enabled) => setForm((f) => ({ ...f, enabled }))}
      />
      <SettingsCard title="Detection">
        <NumberInput
          label="Brute-force Threshold"
          description={`Failed login attempts allowed on one account before it is blocked (${LIMITS.bruteForceMaxAttempts.min}–${LIMITS.bruteForceMaxAttempts.max}; default 10).`}
          value={form.max_attempts}
          onChange={(v) => setForm((f) => ({ ...f, max_attempts: Number(v) || 0 }))}
          min={LIMITS.bruteForceMaxAttempts.min}
          max={LIMITS.bruteForceMaxAttempts.max}
          allowDecimal={false}
          required
        />
        <Radio.Group label="Account Lockout" description="What the failed attempts are counted by." value={form.mode} onChange={(mode) => setForm((f) => ({ ...f, mode: mode as BruteForce['mode'] }))}>
          <Stack gap="sm" mt="xs">
            <Radio value="count_per_identifier_and_ip" label="Per account and IP address (default)" description="Only the address that failed is blocked for that account; the user can still log in from elsewhere." />
            <Radio value="count_per_identifier" label="Per account, from any IP address" description="Failures from every address count together, and the account is blocked for every address." />
          </Stack>
        </Radio.Group>
        <AllowlistField value={allowlist.text} onChange={allowlist.setText} error={allowlist.error} />
      </SettingsCard>
      <SettingsCard title="Response">
        <Shields label="When the threshold is reached" options={BRUTE_FORCE_SHIELDS} value={form.shields} onChange={(shields) => setForm((f) => ({ ...f, shields }))} />
      </SettingsCard>
      <SaveBar canWrite={canWrite} pending={update.isPending} error={allowlist.apiError ? undefined : update.error} subject="attack protection" />
    </FeatureForm>
  );
}

// --- suspicious IP throttling ---------------------------------------------------------------------

const SUSPICIOUS_IP_SHIELDS: ReadonlyArray<ShieldOption<SuspiciousIp['shields'][number]>> = [
  {
    value: 'block',
    label: 'Block suspicious IP addresses',
    description: 'Throttles login and sign-up attempts from an IP address once it exceeds the threshold, until attempts are granted again at the throttle rate or an administrator unblocks it.',
  },
  {
    value: 'admin_notification',
    label: 'Send notifications to tenant administrators',
    description: "Emails the tenant's support email address when an IP address is throttled.",
  },
];

type Stage = 'pre-login' | 'pre-user-registration';

function SuspiciousIpTab({ api }: { api: TenantApi }) {
  const query = useAttackProtection(api, 'suspicious-ip-throttling');
  return (
    <QueryState query={query} errorTitle="Could not load suspicious IP throttling">
      {(value) => <SuspiciousIpForm key={JSON.stringify(value)} api={api} stored={value} />}
    </QueryState>
  );
}

function SuspiciousIpForm({ api, stored }: { api: TenantApi; stored: SuspiciousIp }) {
  const canWrite = api.can('update:attack_protection');
  const update = useUpdateAttackProtection(api, 'suspicious-ip-throttling');
  const [form, setForm] = useState(stored);
  const allowlist = useAllowlist(stored.allowlist, update.error);
  const setStage = (stage: Stage, field: 'max_attempts' | 'rate', value: number) =>
    setForm((f) => ({ ...f, stage: { ...f.stage, [stage]: { ...f.stage[stage], [field]: value } } }));
  const stageFields = (stage: Stage, title: string, what: string) => {
    const limits = stage === 'pre-login' ? LIMITS.preLogin : LIMITS.preUserRegistration;
    const { max_attempts, rate } = form.stage[stage];
    return (
      <SettingsCard title={title} description={`Counts every ${what} attempt from one IP address, whatever the account.`}>
        <Group grow align="flex-start">
          <NumberInput
            label={`${title}: maximum attempts`}
            description={`Attempts an IP address may make before it is throttled (${limits.maxAttempts.min}–${limits.maxAttempts.max.toLocaleString('en')}).`}
            value={max_attempts}
            onChange={(v) => setStage(stage, 'max_attempts', Number(v) || 0)}
            min={limits.maxAttempts.min}
            max={limits.maxAttempts.max}
            allowDecimal={false}
            required
          />
          <NumberInput
            label={`${title}: throttle rate (milliseconds)`}
            description={`One more attempt is granted every ${(rate / 1000).toLocaleString('en')} s (${attemptsPerDay(rate)} a day). ${limits.rate.min.toLocaleString('en')}–${limits.rate.max.toLocaleString('en')}.`}
            value={rate}
            onChange={(v) => setStage(stage, 'rate', Number(v) || 0)}
            min={limits.rate.min}
            max={limits.rate.max}
            allowDecimal={false}
            thousandSeparator=","
            required
          />
        </Group>
      </SettingsCard>
    );
  };
  return (
    <FeatureForm
      canWrite={canWrite}
      onSubmit={() => {
        if (allowlist.bounds) return;
        allowlist.submitted();
        const patch: SuspiciousIpPatch = { enabled: form.enabled, shields: form.shields, stage: form.stage, allowlist: allowlist.entries };
        update.mutate(patch, { onSuccess: saved('Suspicious IP throttling') });
      }}
    >
      <EnabledSwitch
        label="Suspicious IP Throttling"
        description="Protects your tenant against suspicious logins targeting too many accounts from a single IP address."
        checked={form.enabled}
        onChange={(enabled) => setForm((f) => ({ ...f, enabled }))}
      />
      {stageFields('pre-login', 'Login', 'login')}
      {stageFields('pre-user-registration', 'Sign-up', 'sign-up')}
      <SettingsCard title="Response">
        <Shields label="When an IP address is throttled" options={SUSPICIOUS_IP_SHIELDS} value={form.shields} onChange={(shields) => setForm((f) => ({ ...f, shields }))} />
        <AllowlistField value={allowlist.text} onChange={allowlist.setText} error={allowlist.error} />
      </SettingsCard>
      <SaveBar canWrite={canWrite} pending={update.isPending} error={allowlist.apiError ? undefined : update.error} subject="attack protection" />
    </FeatureForm>
  );
}

// --- breached password detection ------------------------------------------------------------------

type StageShield = BreachedPassword['stage']['pre-user-registration']['shields'][number];

const LOGIN_SHIELDS: ReadonlyArray<ShieldOption<BreachedPassword['shields'][number]>> = [
  { value: 'block', label: 'Block compromised credentials', description: 'Refuses the login until the user resets their password.' },
  { value: 'user_notification', label: 'Send an email to the affected user', description: 'Emails the user that their password was found in a breach, with a link to change it.' },
  { value: 'admin_notification', label: 'Send notifications to tenant administrators', description: "Emails the tenant's support email address." },
];

const stageShields = (what: string): ReadonlyArray<ShieldOption<StageShield>> => [
  { value: 'block', label: `Block ${what} with breached passwords`, description: 'Refuses the password; the user must choose another.' },
  { value: 'admin_notification', label: 'Send notifications to tenant administrators', description: "Emails the tenant's support email address (at most once an hour per IP address)." },
];

function BreachedPasswordTab({ api }: { api: TenantApi }) {
  const query = useAttackProtection(api, 'breached-password-detection');
  return (
    <QueryState query={query} errorTitle="Could not load breached password detection">
      {(value) => <BreachedPasswordForm key={JSON.stringify(value)} api={api} stored={value} />}
    </QueryState>
  );
}

function BreachedPasswordForm({ api, stored }: { api: TenantApi; stored: BreachedPassword }) {
  const canWrite = api.can('update:attack_protection');
  const update = useUpdateAttackProtection(api, 'breached-password-detection');
  const [form, setForm] = useState(stored);
  const setStageShields = (stage: 'pre-user-registration' | 'pre-change-password', shields: StageShield[]) =>
    setForm((f) => ({ ...f, stage: { ...f.stage, [stage]: { shields } } }));
  const notifiesAdmins = [form.shields, form.stage['pre-user-registration'].shields, form.stage['pre-change-password'].shields].some((s) =>
    (s as readonly string[]).includes('admin_notification'),
  );
  return (
    <FeatureForm
      canWrite={canWrite}
      onSubmit={() => {
        const patch: BreachedPasswordPatch = {
          enabled: form.enabled,
          shields: form.shields,
          stage: form.stage,
          // Tessera sends administrator notices at once and no digests (attack-protection-service.ts).
          ...(notifiesAdmins ? { admin_notification_frequency: ['immediately'] } : {}),
        };
        update.mutate(patch, { onSuccess: saved('Breached password detection') });
      }}
    >
      <EnabledSwitch
        label="Breached Password Detection"
        description="Protects your applications from bad actors logging in with stolen credentials."
        checked={form.enabled}
        onChange={(enabled) => setForm((f) => ({ ...f, enabled }))}
      />
      <SettingsCard
        title="Detection"
        description="Standard detection: passwords are checked against a list of common and leaked passwords bundled with the server, with no call to an outside service. Auth0's Enhanced method is not available."
      >
        <Shields label="Login: when a breached password is used" options={LOGIN_SHIELDS} value={form.shields} onChange={(shields) => setForm((f) => ({ ...f, shields }))} />
      </SettingsCard>
      <SettingsCard title="Sign-up">
        <Shields label="Sign-up: when a new user chooses a breached password" options={stageShields('sign-ups')} value={form.stage['pre-user-registration'].shields} onChange={(s) => setStageShields('pre-user-registration', s)} />
      </SettingsCard>
      <SettingsCard title="Password reset">
        <Shields label="Password reset: when a breached password is chosen" options={stageShields('password changes')} value={form.stage['pre-change-password'].shields} onChange={(s) => setStageShields('pre-change-password', s)} />
      </SettingsCard>
      <Text size="sm" c="dimmed">
        Administrator notifications go to the tenant&apos;s support email address, immediately (no daily, weekly or monthly digests).
      </Text>
      <SaveBar canWrite={canWrite} pending={update.isPending} error={update.error} subject="attack protection" />
    </FeatureForm>
  );
}
