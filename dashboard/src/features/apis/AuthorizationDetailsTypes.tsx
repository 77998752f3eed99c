/**
 * The Permissions tab's rich authorization types (RAR, RFC 9396), as Auth0's Dashboard has them:
 * "Add an Authorization Details type" and the "List of Authorization Details Types" — the API's
 * `authorization_details: [{type}]`, replaced whole on every change. The server checks the type
 * (printable ASCII, no spaces, at most 255 characters, no duplicates); the form says so early.
 */
import { useState } from 'react';
import { Button, Group, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import type { ResourceServer, ResourceServerPatch, TenantApi } from '../../api/tenant-api';
import { SettingsCard } from '../../components/SettingsCard';
import { errorMessage } from '../../components/QueryState';
import { useUpdateResourceServer } from './queries';

const VALID_TYPE = /^[\x21-\x7E]{1,255}$/;

export function AuthorizationDetailsTypes({ api, rs, canWrite }: { api: TenantApi; rs: ResourceServer; canWrite: boolean }) {
  const update = useUpdateResourceServer(api, rs.id ?? '');
  const types = (rs.authorization_details ?? []).map((entry) => entry.type);
  const [type, setType] = useState('');
  const value = type.trim();
  const exists = types.includes(value);
  const invalid = value !== '' && !VALID_TYPE.test(value);
  const save = (next: string[], onSuccess?: () => void) =>
    update.mutate({ authorization_details: next.map((t) => ({ type: t })) } as ResourceServerPatch, onSuccess ? { onSuccess } : {});
  return (
    <>
      {canWrite ? (
        <SettingsCard title="Authorization Details Types">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (!value || exists || invalid) return;
              save([...types, value], () => setType(''));
            }}
          >
            <Group align="flex-end">
              <TextInput
                label="Add an Authorization Details type"
                placeholder="payment_initiation"
                value={type}
                onChange={(e) => setType(e.currentTarget.value)}
                maxLength={255}
                error={exists ? 'This type exists already.' : invalid ? 'Printable characters only, no spaces.' : undefined}
              />
              <Button type="submit" aria-label="Add authorization details type" loading={update.isPending} disabled={!value || exists || invalid}>
                + Add
              </Button>
            </Group>
          </form>
        </SettingsCard>
      ) : null}
      {update.error ? (
        <Text c="red" role="alert" mt="sm">
          {errorMessage(update.error)}
        </Text>
      ) : null}
      {types.length === 0 ? (
        <Text c="dimmed" mt="sm">
          No authorization details types registered.
        </Text>
      ) : (
        <Table aria-label="List of Authorization Details Types" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Type</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {types.map((t) => (
              <Table.Tr key={t}>
                <Table.Td ff="monospace">{t}</Table.Td>
                <Table.Td>
                  {canWrite ? (
                    <Button size="xs" color="red" variant="subtle" aria-label={`Remove authorization details type ${t}`} onClick={() => save(types.filter((other) => other !== t))}>
                      Remove
                    </Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </>
  );
}
