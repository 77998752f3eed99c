/**
 * What the consent page says about each requested scope (docs: scope descriptions). By default API
 * scopes in the `action:resource` form are grouped per resource, so `read:posts` and `write:posts`
 * read "Posts: read and write your posts"; with the tenant flag
 * `use_scope_descriptions_for_consent` each scope shows its description instead. OpenID Connect
 * scopes have fixed texts.
 */
import type { ResourceServerScope } from '../resource-servers/resource-server.js';
import { own } from '../../util/own.js';

export interface ScopeLine {
  title: string;
  text: string;
}

const OIDC_TEXT: Record<string, ScopeLine> = {
  openid: { title: 'Identity', text: 'know who you are (your user ID)' },
  profile: { title: 'Profile', text: 'read your name, nickname and picture' },
  email: { title: 'Email', text: 'read your email address' },
  address: { title: 'Address', text: 'read your postal address' },
  phone: { title: 'Phone', text: 'read your phone number' },
  offline_access: { title: 'Offline access', text: 'keep access to your data while you are not using the application' },
};

const ACTION_RESOURCE = /^([^:\s]+):([^:\s]+)$/;

export function scopeLines(scopes: readonly string[], apiScopes: readonly ResourceServerScope[], useDescriptions: boolean): ScopeLine[] {
  const lines: ScopeLine[] = [];
  const byResource = new Map<string, string[]>();
  for (const scope of scopes) {
    const oidc = own(OIDC_TEXT, scope);
    if (oidc) {
      lines.push(oidc);
      continue;
    }
    const description = apiScopes.find((s) => s.value === scope)?.description;
    const parts = ACTION_RESOURCE.exec(scope);
    if (useDescriptions && description) lines.push({ title: scope, text: description });
    else if (!useDescriptions && parts) byResource.set(parts[2]!, [...(byResource.get(parts[2]!) ?? []), parts[1]!]);
    else lines.push({ title: scope, text: description ?? scope });
  }
  for (const [resource, actions] of byResource) {
    const words = resource.replace(/[_-]+/g, ' ');
    lines.push({ title: words.charAt(0).toUpperCase() + words.slice(1), text: `${joinWords(actions.map((a) => a.replace(/[_-]+/g, ' ')))} your ${words}` });
  }
  return lines;
}

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
