/**
 * The three states every screen has besides its data: loading, error (with the server's message
 * and a retry) and empty. Children render only with data.
 */
import type { ReactNode } from 'react';
import { Alert, Button, Center, Loader, Stack, Text, VisuallyHidden } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { ApiRequestError } from '../api/errors';

export interface QueryStateProps<T> {
  query: Pick<UseQueryResult<T>, 'data' | 'error' | 'isPending' | 'isError' | 'refetch' | 'isRefetching'>;
  children: (data: T) => ReactNode;
  /** Title of the error alert. */
  errorTitle?: string;
  /** What loading announces to screen readers. */
  loadingLabel?: string;
  /** When the data counts as empty (e.g. an empty list), and what to show then. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  /** Center in the viewport (before the shell exists). */
  fullPage?: boolean;
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiRequestError) {
    return error.code ? `${error.message} (${error.code})` : error.message;
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}

export function QueryState<T>({ query, children, errorTitle = 'Could not load this page', loadingLabel = 'Loading', isEmpty, empty, fullPage }: QueryStateProps<T>) {
  const frame = (content: ReactNode) => (fullPage ? <Center mih="100vh" p="md">{content}</Center> : content);
  if (query.isPending) {
    return frame(
      <Center py="xl" role="status" aria-live="polite">
        {/* The name is text, not aria-label: a Loader has no role, where aria-label is prohibited (axe). */}
        <Loader />
        <VisuallyHidden>{loadingLabel}</VisuallyHidden>
      </Center>,
    );
  }
  if (query.isError) {
    return frame(
      <Alert role="alert" color="red" variant="light" title={errorTitle} icon={<IconAlertTriangle aria-hidden />} maw={560} data-testid="query-error">
        <Stack gap="sm" align="flex-start">
          <Text size="sm">{errorMessage(query.error)}</Text>
          <Button size="xs" variant="filled" color="red" loading={query.isRefetching} onClick={() => void query.refetch()}>
            Try again
          </Button>
        </Stack>
      </Alert>,
    );
  }
  const data = query.data as T;
  if (isEmpty?.(data)) {
    return frame(
      <Text c="dimmed" py="lg" data-testid="query-empty">
        {empty ?? 'Nothing here yet.'}
      </Text>,
    );
  }
  return <>{children(data)}</>;
}
