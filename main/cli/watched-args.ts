// A project named on the command line by its provider alone: `--quickemu <folder>`,
// `--libvirt <uri>` or `--proxmox <url>` (with `--pool` or `--tag`) and no --config. The login
// comes from --ssh-user and --ssh-key, else from the app's settings for the same project.

import type { WatchedDefinition, WatchedProvider } from '../engine/config/watched-project.js';
import { checkWatchedDefinition } from '../engine/config/watched-project.js';
import type { ProviderOptions } from '../engine/providers/provider-entry.js';

export const WATCHED_ARGS = {
  pool: { type: 'string' },
  tag: { type: 'string' },
  'ssh-user': { type: 'string' },
  'ssh-key': { type: 'string' },
} as const;

export const WATCHED_HELP: Array<[string, string]> = [
  ['--pool <name>, --tag <tag>', 'without --config, with --proxmox: one pool or one tag of the cluster'],
  ['--ssh-user <user>, --ssh-key <file>', "without --config: the login of the provider's VMs (else the app's settings give it)"],
];

/**
 * The provider-defined project these options name, or null when they name a ragnatramp.yaml
 * (--config) or no provider. Throws an Error whose message is a usage error.
 */
export function watchedFromArgs(values: { pool?: string; tag?: string; 'ssh-user'?: string; 'ssh-key'?: string }, chosen: ProviderOptions & { provider?: string }, configs: string[]): WatchedDefinition | null {
  const own = values.pool !== undefined || values.tag !== undefined || values['ssh-user'] !== undefined || values['ssh-key'] !== undefined;
  const given: Array<[WatchedProvider, string | undefined]> = [['quickemu', chosen.quickemu], ['libvirt', chosen.libvirt], ['proxmox', chosen.proxmox]];
  const named = given.filter(([, v]) => v !== undefined) as Array<[WatchedProvider, string]>;
  if (configs.length > 0 || named.length === 0) {
    if (own) throw new Error('--pool, --tag, --ssh-user and --ssh-key define a project by its provider: give --quickemu, --libvirt or --proxmox without --config');
    return null;
  }
  if (named.length > 1) throw new Error(`a project is one provider's VMs: give one of ${named.map(([p]) => `--${p}`).join(', ')}`);
  if (chosen.simulate || chosen.manifest) throw new Error('--simulate and --manifest do not go with a project defined by --quickemu, --libvirt or --proxmox');
  if ((values['ssh-user'] === undefined) !== (values['ssh-key'] === undefined)) throw new Error('--ssh-user and --ssh-key go together');
  const [provider, option] = named[0]!;
  const d: WatchedDefinition = {
    provider,
    option,
    ...(values.pool !== undefined ? { pool: values.pool } : {}),
    ...(values.tag !== undefined ? { tag: values.tag } : {}),
    ...(values['ssh-user'] !== undefined ? { ssh: { user: values['ssh-user'], privateKey: values['ssh-key']! } } : {}),
  };
  checkWatchedDefinition(d);
  return d;
}
