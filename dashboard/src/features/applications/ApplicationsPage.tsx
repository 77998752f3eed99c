/** `/t/{tenant}/applications`: the applications (name, type, client id) and the create dialog. */
import { useState } from 'react';
import { Alert, Anchor, Button, Group, Modal, Radio, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifySuccess } from '../../components/notify';
import { IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { useTenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';
import { ScopePicker } from './ScopePicker';
import { APP_TYPES, appTypeLabel, useClients, useCreateClient, useResourceServers, type AppType } from './queries';

export function ApplicationsPage() {
  const api = useTenantApi();
  const clients = useClients(api);
  const [creating, setCreating] = useState(false);
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <div>
          <Title order={1}>Applications</Title>
          <Text size="sm" c="dimmed">
            Setup a mobile, web or IoT application to use {api.tenant} for authentication.
          </Text>
        </div>
        {api.can('create:clients') ? (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            Create Application
          </Button>
        ) : null}
      </Group>
      <QueryState query={clients} errorTitle="Could not load applications" isEmpty={(list) => list.length === 0} empty="No applications yet.">
        {(list) => (
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover aria-label="Applications">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Client ID</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((client) => (
                  <Table.Tr key={client.client_id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/t/${encodeURIComponent(api.tenant)}/applications/${encodeURIComponent(client.client_id ?? '')}`}>
                        {client.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{appTypeLabel(client.app_type)}</Table.Td>
                    <Table.Td>
                      <Text ff="monospace" size="sm">
                        {client.client_id}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      {creating ? <CreateApplicationModal onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}

function CreateApplicationModal({ onClose }: { onClose: () => void }) {
  const api = useTenantApi();
  const navigate = useNavigate();
  const create = useCreateClient(api);
  const [name, setName] = useState('My App');
  const [type, setType] = useState<AppType>('spa');
  const machine = type === 'non_interactive';
  const apis = useResourceServers(api, machine);
  const [audience, setAudience] = useState<string | null>(null);
  const [scopes, setScopes] = useState<string[]>([]);
  const chosen = apis.data?.find((rs) => rs.identifier === audience);
  const nameError = name.trim() === '' ? 'Enter a name.' : undefined;
  const canSubmit = !nameError && (!machine || audience !== null);
  return (
    <Modal opened onClose={onClose} title="Create application" size="lg" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!canSubmit) return;
          create.mutate(
            { name: name.trim(), app_type: type, ...(machine && audience ? { grant: { audience, scope: scopes } } : {}) },
            {
              onSuccess: (client) => {
                notifySuccess('Application created', `${client.name} was created.`);
                onClose();
                void navigate(`/t/${encodeURIComponent(api.tenant)}/applications/${encodeURIComponent(client.client_id ?? '')}`);
              },
            },
          );
        }}
      >
        <Stack gap="md">
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={nameError} maxLength={255} required data-autofocus description="You can change the application name later in the application settings." />
          <Radio.Group label="Choose an application type" value={type} onChange={(value) => setType(value as AppType)}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
              {APP_TYPES.map((t) => (
                <Radio.Card key={t.value} value={t.value} p="sm" radius="md" aria-label={t.label}>
                  <Group wrap="nowrap" align="flex-start" gap="sm">
                    <Radio.Indicator />
                    <div>
                      <Text fw={600} size="sm">
                        {t.label}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {t.description}
                      </Text>
                    </div>
                  </Group>
                </Radio.Card>
              ))}
            </SimpleGrid>
          </Radio.Group>
          {machine ? (
            <QueryState query={apis} errorTitle="Could not load APIs">
              {(list) => (
                <Stack gap="sm">
                  <Select
                    label="Authorize an API"
                    description="The application gets a client grant for this API with the permissions you choose."
                    placeholder="Select an API"
                    data={list.map((rs) => ({ value: rs.identifier ?? '', label: `${rs.name} (${rs.identifier})` }))}
                    value={audience}
                    onChange={(value) => {
                      setAudience(value);
                      setScopes([]);
                    }}
                    searchable
                    required
                  />
                  <ScopePicker api={chosen} value={scopes} onChange={setScopes} />
                </Stack>
              )}
            </QueryState>
          ) : null}
          {create.isError ? (
            <Alert color="red" role="alert" variant="light">
              {errorMessage(create.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!canSubmit} loading={create.isPending}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
