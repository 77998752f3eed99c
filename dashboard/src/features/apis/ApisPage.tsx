/** `/t/{tenant}/apis`: the APIs (resource servers), the system Management API marked, and create. */
import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Modal, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifySuccess } from '../../components/notify';
import { IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { useTenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';
import { useResourceServers } from '../applications/queries';
import { SIGNING_ALGS, useCreateResourceServer } from './queries';

export function ApisPage() {
  const api = useTenantApi();
  const servers = useResourceServers(api);
  const [creating, setCreating] = useState(false);
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <div>
          <Title order={1}>APIs</Title>
          <Text size="sm" c="dimmed">
            Define APIs that you can consume from your authorized applications.
          </Text>
        </div>
        {api.can('create:resource_servers') ? (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            Create API
          </Button>
        ) : null}
      </Group>
      <QueryState query={servers} errorTitle="Could not load APIs" isEmpty={(list) => list.length === 0} empty="No APIs yet.">
        {(list) => (
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover aria-label="APIs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>API Audience</Table.Th>
                  <Table.Th>Type</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((rs) => (
                  <Table.Tr key={rs.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/t/${encodeURIComponent(api.tenant)}/apis/${encodeURIComponent(rs.id ?? '')}`}>
                        {rs.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text ff="monospace" size="sm">
                        {rs.identifier}
                      </Text>
                    </Table.Td>
                    <Table.Td>{rs.is_system ? <Badge variant="light" color="gray">System API</Badge> : <Badge variant="light">Custom API</Badge>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      {creating ? <CreateApiModal onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}

function CreateApiModal({ onClose }: { onClose: () => void }) {
  const api = useTenantApi();
  const navigate = useNavigate();
  const create = useCreateResourceServer(api);
  const [name, setName] = useState('');
  const [identifier, setIdentifier] = useState('');
  const [alg, setAlg] = useState('RS256');
  const canSubmit = name.trim() !== '' && identifier.trim() !== '';
  return (
    <Modal opened onClose={onClose} title="New API" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!canSubmit) return;
          create.mutate(
            { name: name.trim(), identifier: identifier.trim(), signing_alg: alg },
            {
              onSuccess: (rs) => {
                notifySuccess('API created', `${rs.name} was created.`);
                onClose();
                void navigate(`/t/${encodeURIComponent(api.tenant)}/apis/${encodeURIComponent(rs.id ?? '')}`);
              },
            },
          );
        }}
      >
        <Stack gap="md">
          <TextInput label="Name" description="A friendly name for the API." value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} data-autofocus />
          <TextInput
            label="Identifier"
            description="A logical identifier for this API; we recommend a URL (it does not have to be publicly reachable). It is the audience of its access tokens and cannot be changed."
            placeholder="https://my-api.example.com"
            value={identifier}
            onChange={(e) => setIdentifier(e.currentTarget.value)}
            required
            maxLength={600}
          />
          <Select label="JSON Web Token (JWT) Signing Algorithm" description="The algorithm to sign the access tokens with." data={SIGNING_ALGS} value={alg} onChange={(v) => v && setAlg(v)} allowDeselect={false} />
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
