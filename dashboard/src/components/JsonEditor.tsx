/** A JSON object editor: a monospace textarea that says what is wrong with the text before saving. */
import { Textarea } from '@mantine/core';
import { parseJsonObject } from '../lib/url-list';

export interface JsonEditorProps {
  label: string;
  description?: string;
  value: string;
  onChange: (text: string) => void;
  disabled?: boolean;
}

export function jsonError(text: string): string | undefined {
  const parsed = parseJsonObject(text);
  return 'error' in parsed ? parsed.error : undefined;
}

export function JsonEditor({ label, description, value, onChange, disabled }: JsonEditorProps) {
  return (
    <Textarea
      label={label}
      description={description}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={jsonError(value)}
      disabled={disabled}
      autosize
      minRows={4}
      maxRows={20}
      spellCheck={false}
      styles={{ input: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' } }}
    />
  );
}
