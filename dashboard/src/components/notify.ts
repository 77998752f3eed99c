/**
 * A success notification that passes axe: Mantine's close button gets a name, and the message uses
 * the body text color (the default dimmed gray is under 4.5:1 on the notification's background).
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
