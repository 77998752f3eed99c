/**
 * The signed-in account. `GET /me` answers the session; a 401 sends the browser to sign-in and
 * back (docs/plans/dashboard.md §1.6). It also hands the CSRF value to the control client and
 * applies the account's saved theme.
 */
import { useEffect } from 'react';
import { Center, Loader, useMantineColorScheme } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Outlet, useOutletContext } from 'react-router';
import { control, redirectToSignIn, setCsrfToken } from '../api/clients';
import type { Me } from '../api/control';
import { ApiRequestError, call } from '../api/errors';
import { QueryState } from '../components/QueryState';
import { toMantineScheme } from './theme';

export const ME_QUERY_KEY = ['me'] as const;

export async function fetchMe(): Promise<Me> {
  const me = await call(() => control.GET('/api/control/v1/me'));
  setCsrfToken(me.csrf_token);
  return me;
}

export function useMe() {
  return useQuery({ queryKey: ME_QUERY_KEY, queryFn: fetchMe });
}

export function SessionGate() {
  const me = useMe();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const signInNeeded = me.error instanceof ApiRequestError && me.error.status === 401;
  const savedTheme = me.data?.preferences.theme;

  useEffect(() => {
    if (signInNeeded) redirectToSignIn();
  }, [signInNeeded]);

  // The account's saved choice wins over this browser's (it follows the person across browsers).
  useEffect(() => {
    if (savedTheme && toMantineScheme(savedTheme) !== colorScheme) setColorScheme(toMantineScheme(savedTheme));
    // Only when the saved preference changes, not on every local toggle.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [savedTheme]);

  if (signInNeeded) {
    return (
      <Center h="100vh" role="status" aria-live="polite">
        <Loader aria-label="Redirecting to sign-in" />
      </Center>
    );
  }
  return (
    <QueryState query={me} errorTitle="Could not load your account" fullPage>
      {(account) => <Outlet context={account} />}
    </QueryState>
  );
}

/** The account of the session, for screens under SessionGate. */
export function useAccount(): Me {
  return useOutletContext<Me>();
}
