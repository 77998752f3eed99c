/**
 * A success toast with a named close button and full-contrast text (Mantine's default close button
 * has no accessible name and its dimmed description fails axe's contrast rule).
 */
import { notifications } from '@mantine/notifications';

export function notifySuccess(title: string, message: string): void {
  notifications.show({
    color: 'teal',
    title,
    message,
    closeButtonProps: { 'aria-label': 'Close notification' },
    styles: { description: { color: 'var(--mantine-color-text)' } },
  });
}
