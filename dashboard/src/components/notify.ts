/**
 * Toasts with a named close button and full-contrast text (Mantine's default close button has no
 * accessible name and its dimmed description fails axe's contrast rule). Every toast goes through here.
 */
import { notifications } from '@mantine/notifications';

function notify(color: 'teal' | 'red', title: string, message: string): void {
  notifications.show({
    color,
    title,
    message,
    closeButtonProps: { 'aria-label': 'Close notification' },
    styles: { description: { color: 'var(--mantine-color-text)' } },
  });
}

export function notifySuccess(title: string, message: string): void {
  notify('teal', title, message);
}

export function notifyFailure(title: string, message: string): void {
  notify('red', title, message);
}
