/** The permissions (scopes) of one API as checkboxes, with select all / none. */
import { Button, Checkbox, Group, ScrollArea, SimpleGrid, Text } from '@mantine/core';
import type { ResourceServer } from '../../api/tenant-api';

export function ScopePicker({ api, value, onChange, label = 'Permissions' }: { api: ResourceServer | undefined; value: string[]; onChange: (next: string[]) => void; label?: string }) {
  const scopes = api?.scopes ?? [];
  if (!api) return null;
  if (scopes.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {api.name} defines no permissions yet; the application can still get tokens for it.
      </Text>
    );
  }
  return (
    <Checkbox.Group label={label} value={value} onChange={onChange}>
      <Group gap="xs" my="xs">
        <Button size="compact-xs" variant="default" onClick={() => onChange(scopes.map((s) => s.value))}>
          All
        </Button>
        <Button size="compact-xs" variant="default" onClick={() => onChange([])}>
          None
        </Button>
      </Group>
      <ScrollArea.Autosize mah={260}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          {scopes.map((scope) => (
            <Checkbox key={scope.value} value={scope.value} label={scope.value} description={scope.description || undefined} />
          ))}
        </SimpleGrid>
      </ScrollArea.Autosize>
    </Checkbox.Group>
  );
}
