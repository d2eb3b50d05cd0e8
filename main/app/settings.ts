// The tray's settings: their schema, and opening a settings file so that a corrupt one never
// crashes the app. The file is set aside (not lost), defaults take over, and the user is told.

import { renameSync } from 'node:fs';
import { DEFAULT_SETTINGS, POLL_SECONDS, PROJECT_NAMES_SCHEMA, PROJECT_PROVIDER_SCHEMA, WATCHED_PROJECT_SCHEMA, type Settings } from '../../contract/api.js';

/** electron-store's and conf's `schema` option: one JSON schema per key. */
export const SETTINGS_SCHEMA = {
  projects: { type: 'array', items: { type: 'string', minLength: 1 }, default: DEFAULT_SETTINGS.projects },
  providers: { type: 'object', additionalProperties: PROJECT_PROVIDER_SCHEMA, default: DEFAULT_SETTINGS.providers },
  watched: { type: 'object', additionalProperties: WATCHED_PROJECT_SCHEMA, default: DEFAULT_SETTINGS.watched },
  names: { type: 'object', additionalProperties: PROJECT_NAMES_SCHEMA, default: DEFAULT_SETTINGS.names },
  pollSeconds: { type: 'integer', minimum: POLL_SECONDS.min, maximum: POLL_SECONDS.max, default: DEFAULT_SETTINGS.pollSeconds },
  notifications: { type: 'boolean', default: DEFAULT_SETTINGS.notifications },
  autoSync: { type: 'boolean', default: DEFAULT_SETTINGS.autoSync },
  autoSyncAsked: { type: 'boolean', default: DEFAULT_SETTINGS.autoSyncAsked },
  launchAtLogin: { type: 'boolean', default: DEFAULT_SETTINGS.launchAtLogin },
  sshConfig: { type: 'boolean', default: DEFAULT_SETTINGS.sshConfig },
  muted: { type: 'array', items: { type: 'string' }, default: DEFAULT_SETTINGS.muted },
} as const;

export interface SettingsStore {
  get(): Settings;
  set(next: Settings): void;
  /** Set when the settings file was unreadable and defaults are in use. */
  readonly warning: string | null;
}

/** What electron-store and conf have in common. */
export interface KeyValueStore {
  readonly store: Record<string, unknown>;
  set(object: Record<string, unknown>): void;
}

export function openSettings(file: string, open: () => KeyValueStore, now = () => new Date()): SettingsStore {
  let kv: KeyValueStore;
  let warning: string | null = null;
  try {
    kv = open();
  } catch (err) {
    const aside = `${file}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(file, aside);
      warning = `Your settings file could not be read (${(err as Error).message.split('\n')[0]}), so defaults are in use. The old file was kept as ${aside}.`;
    } catch {
      warning = `Your settings file ${file} could not be read (${(err as Error).message.split('\n')[0]}); defaults are in use.`;
    }
    kv = open();
  }
  return {
    get: () => ({ ...DEFAULT_SETTINGS, ...(kv.store as Partial<Settings>) }),
    set: (next) => kv.set({ ...next }),
    warning,
  };
}
