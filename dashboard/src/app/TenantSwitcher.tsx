/** The tenant picker in the header: the tenants the account is a member of (GET /tenants). */
import { Select } from '@mantine/core';
import { useNavigate } from 'react-router';
import { useTenants } from '../features/tenants/queries';

export function TenantSwitcher({ current }: { current: string | undefined }) {
  const tenants = useTenants();
  const navigate = useNavigate();
  const data = (tenants.data ?? []).map((t) => ({ value: t.name, label: `${t.name} · ${t.environment_tag}` }));
  return (
    <Select
      aria-label="Tenant"
      placeholder={tenants.isPending ? 'Loading tenants…' : tenants.isError ? 'Tenants unavailable' : 'Choose a tenant'}
      data={data}
      value={current ?? null}
      onChange={(value) => value && void navigate(`/t/${encodeURIComponent(value)}`)}
      searchable
      nothingFoundMessage="No tenant by that name"
      allowDeselect={false}
      disabled={!tenants.data}
      w={240}
      data-testid="tenant-switcher"
    />
  );
}
