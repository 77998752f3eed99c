/**
 * The Mantine theme and the color scheme. Light/dark/system map onto Mantine's 'light'/'dark'/'auto';
 * the choice lives in localStorage (Mantine's manager, read before the first paint by
 * dashboard/color-scheme.js) and in the account's preferences (`PATCH /me`), which win at sign-in.
 */
import { createTheme, localStorageColorSchemeManager, Modal, Notification, type CSSVariablesResolver, type MantineColorScheme } from '@mantine/core';
import type { ThemePreference } from '../api/control';

/**
 * Shades chosen for WCAG AA contrast with a margin (the browser tests run axe): Mantine's default shade (6),
 * and even red 8 (4.51:1), on white are at or below 4.5:1, as is the light-scheme dimmed text (gray 6).
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 9, dark: 8 },
  // No transitions for people who ask their system for less motion.
  respectReducedMotion: true,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  components: {
    // Mantine's close button is an icon: give it a name for screen readers.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    // The same for notifications, whose description is otherwise light gray on white (below AA).
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } },
      styles: { description: { color: 'var(--mantine-color-text)' } },
    }),
  },
});

/** The key dashboard/color-scheme.js reads too. */
export const COLOR_SCHEME_KEY = 'mantine-color-scheme-value';
export const colorSchemeManager = localStorageColorSchemeManager({ key: COLOR_SCHEME_KEY });

export function toMantineScheme(preference: ThemePreference): MantineColorScheme {
  return preference === 'system' ? 'auto' : preference;
}

export function toPreference(scheme: MantineColorScheme): ThemePreference {
  return scheme === 'auto' ? 'system' : scheme;
}

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    // Light yellow badges (the staging tag): dark text, since every yellow shade on white is below AA.
    '--mantine-color-yellow-light-color': 'var(--mantine-color-dark-7)',
    // The active navigation link (light variant) under the pointer: shade 6 on the hover tint is below AA.
    '--mantine-color-indigo-light-color': 'var(--mantine-color-indigo-9)',
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    // Field errors (text and the invalid input's own text): Mantine's dark red is below AA on the dark body.
    '--mantine-color-error': 'var(--mantine-color-red-4)',
  },
});
