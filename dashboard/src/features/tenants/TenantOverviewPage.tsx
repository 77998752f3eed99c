/** `/t/{tenant}/overview`: the tenant's identity (domain, Management API) and, for Admins, deletion. */
import { useState } from 'react';
import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useNavigate, useParams } from 'react-router';
import { ConfirmDestructive } from '../../components/ConfirmDestructive';
import { CopyField } from '../../components/CopyField';
import { QueryState, errorMessage } from '../../components/QueryState';
import { roleName } from '../../lib/roles';
import { ENVIRONMENT_COLORS, useDeleteTenant, useTenant } from './queries';
import { notifySuccess } from '../../components/notify';


export function TenantOverviewPage() {
  const name = useParams().tenant ?? '';
  const tenant = useTenant(name);
  const remove = useDeleteTenant();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  return (
    <QueryState query={tenant} errorTitle={`Could not load tenant ${name}`}>
      {(t) => (
        <Stack gap="lg" maw={720}>
          <Group gap="sm">
            <Title order={1}>{t.name}</Title>
            <Badge color={ENVIRONMENT_COLORS[t.environment_tag]} variant="light">
              {t.environment_tag}
            </Badge>
          </Group>
          <Text size="sm">
            Your roles: {t.roles.map((role) => roleName(role)).join(', ') || 'none'}
          </Text>
          <Card withBorder>
            <Stack gap="md">
              <CopyField label="Domain" value={t.domain} />
              <CopyField label="Management API" value={t.management_api} description="The audience of Management API tokens for this tenant." />
            </Stack>
          </Card>
          {t.roles.includes('admin') ? (
            <Card withBorder>
              <Stack gap="sm" align="flex-start">
                <Title order={2} size="h4">
                  Delete tenant
                </Title>
                <Text size="sm">Deleting the tenant ends every session and token of its users and applications.</Text>
                <Button color="red" variant="outline" onClick={() => setConfirming(true)}>
                  Delete {t.name}
                </Button>
              </Stack>
            </Card>
          ) : null}
          <ConfirmDestructive
            opened={confirming}
            onClose={() => {
              setConfirming(false);
              remove.reset();
            }}
            title={`Delete tenant ${t.name}`}
            name={t.name}
            confirmLabel="Delete tenant"
            error={remove.isError ? errorMessage(remove.error) : undefined}
            onConfirm={() =>
              remove.mutateAsync(t.name).then(
                () => {
                  notifySuccess('Tenant deleted', `${t.name} was deleted.`);
                  setConfirming(false);
                  void navigate('/');
                },
                () => undefined,
              )
            }
          >
            This deletes {t.name}, its users, applications and settings. It cannot be undone.
          </ConfirmDestructive>
        </Stack>
      )}
    </QueryState>
  );
}
