/**
 * A destructive action confirmed by typing the thing's name (Auth0's pattern for deleting a tenant
 * or an application). The button stays disabled until the name matches exactly.
 */
import { useState, type ReactNode } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';

export interface ConfirmDestructiveProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** The exact text to type. */
  name: string;
  /** What happens, in a sentence or two. */
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown> | void;
  /** The last failure to show (e.g. the server refused). */
  error?: string | undefined;
}

export function ConfirmDestructive({ opened, onClose, title, name, children, confirmLabel, onConfirm, error }: ConfirmDestructiveProps) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const matches = typed === name;
  const close = () => {
    setTyped('');
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={title} centered>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (!matches || busy) return;
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack gap="md">
          <Text size="sm">{children}</Text>
          <TextInput
            label={
              <>
                Type <strong>{name}</strong> to confirm
              </>
            }
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            autoComplete="off"
            spellCheck={false}
            data-autofocus
          />
          {error ? (
            <Alert color="red" role="alert" variant="light">
              {error}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color="red" disabled={!matches} loading={busy}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
