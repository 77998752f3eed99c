/**
 * Create a tenant: the name is checked live against the rules (lib/tenant-name.ts), the server's
 * refusals (taken, reserved, not an owner) show under the form.
 */
import { useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useNavigate } from 'react-router';
import type { EnvironmentTag } from '../../api/control';
import { errorMessage } from '../../components/QueryState';
import { tenantNameProblem, TENANT_NAME_MAX } from '../../lib/tenant-name';
import { ENVIRONMENT_TAGS, useCreateTenant } from './queries';
import { notifySuccess } from '../../components/notify';

export interface CreateTenantModalProps {
  opened: boolean;
  onClose: () => void;
}

export function CreateTenantModal({ opened, onClose }: CreateTenantModalProps) {
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const [environment, setEnvironment] = useState<EnvironmentTag>('development');
  const create = useCreateTenant();
  const navigate = useNavigate();
  const problem = tenantNameProblem(name);
  const showProblem = touched && name.length > 0 ? problem : undefined;

  const close = () => {
    setName('');
    setTouched(false);
    setEnvironment('development');
    create.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title="Create tenant" centered>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          if (problem || create.isPending) return;
          create.mutate(
            { name, environment_tag: environment },
            {
              onSuccess: (tenant) => {
                notifySuccess('Tenant created', `${tenant.name} is ready.`);
                close();
                void navigate(`/t/${encodeURIComponent(tenant.name)}`);
              },
            },
          );
        }}
      >
        <Stack gap="md">
          <TextInput
            label="Tenant name"
            description={`Becomes part of its domain: 3 to ${TENANT_NAME_MAX} lowercase letters, digits or hyphens.`}
            value={name}
            onChange={(event) => {
              setName(event.currentTarget.value);
              setTouched(true);
            }}
            error={showProblem}
            maxLength={TENANT_NAME_MAX + 1}
            autoComplete="off"
            spellCheck={false}
            required
            data-autofocus
          />
          <Select
            label="Environment"
            description="A tag for you and your team; it changes no behaviour."
            data={ENVIRONMENT_TAGS}
            value={environment}
            onChange={(value) => value && setEnvironment(value as EnvironmentTag)}
            allowDeselect={false}
          />
          {create.isError ? (
            <Alert color="red" variant="light" role="alert" title="The tenant was not created">
              {errorMessage(create.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={touched && problem !== undefined}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
