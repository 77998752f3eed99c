import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router';
import { redirectToSignIn } from '../api/clients';
import { ApiRequestError } from '../api/errors';
import { colorSchemeManager, cssVariablesResolver, theme } from './theme';
import { AppRoutes } from './routes';

/**
 * A 401 from the control API means the dashboard session is over (signed out elsewhere, revoked, or
 * the account's membership changed, which ends its sessions): the next read or write goes to sign-in.
 * The public pages (setup, accept invitation) never let a 401 escape their queries.
 */
const onUnauthenticated = (error: unknown) => {
  if (error instanceof ApiRequestError && error.status === 401) redirectToSignIn();
};

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onUnauthenticated }),
  mutationCache: new MutationCache({ onError: onUnauthenticated }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // Retry only what may pass the next time: never a 4xx (401 means sign in, 403/404 stay so).
      retry: (failures, error) => failures < 2 && !(error instanceof ApiRequestError && error.status >= 400 && error.status < 500),
    },
  },
});

export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} colorSchemeManager={colorSchemeManager} defaultColorScheme="auto">
      <QueryClientProvider client={queryClient}>
        <ModalsProvider>
          <Notifications position="top-right" />
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </ModalsProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
