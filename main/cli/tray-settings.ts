// What the CLI reads of the app's settings (<tray folder>/settings.json): the watched projects,
// and the provider each project was given in the window, so that a command run on a project
// asks the same provider the app does. An unreadable file reads as no settings.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { namesProvider, projectProviderOptions } from '../engine/providers/provider-args.js';
import type { ProviderOptions } from '../engine/providers/provider-entry.js';

interface TraySettings {
  projects: string[];
  providers: Record<string, { provider: string; option?: string }>;
}

export async function readTraySettings(home: string): Promise<TraySettings> {
  try {
    const data = JSON.parse(await readFile(path.join(home, 'settings.json'), 'utf8')) as { projects?: unknown; providers?: unknown };
    const projects = Array.isArray(data.projects) ? data.projects.filter((p): p is string => typeof p === 'string') : [];
    const providers = typeof data.providers === 'object' && data.providers !== null ? (data.providers as TraySettings['providers']) : {};
    return { projects, providers };
  } catch {
    return { projects: [], providers: {} };
  }
}

/**
 * The provider the app's settings give these projects, as environment options; null when they
 * give none (or 'auto'). Projects given different providers cannot share one run: that is an
 * Error whose message is a usage error.
 */
export async function settingsProvider(home: string, configs: string[]): Promise<(ProviderOptions & { provider: string }) | null> {
  const { providers } = await readTraySettings(home);
  const chosen = configs.map((c) => ({ config: c, choice: providers[path.resolve(c)] }));
  // Automatic and no choice at all are the same choice.
  const distinct = new Set(chosen.map((c) => (c.choice && c.choice.provider !== 'auto' ? JSON.stringify(c.choice) : 'auto')));
  if (distinct.size > 1) {
    throw new Error(`these projects use different providers in the app's settings (${chosen.map((c) => `${c.config}: ${c.choice?.provider ?? 'auto'}`).join(', ')}): run the command once per project, or name one with --provider`);
  }
  const choice = chosen[0]?.choice;
  try {
    return projectProviderOptions(choice);
  } catch (err) {
    throw new Error(`the provider the app's settings give ${chosen[0]!.config} does not check out (${(err as Error).message}): choose it again in Settings, or name one with --provider`);
  }
}

/** A command's provider options; when they name none, the ones the app's settings give its projects (a token file given still applies). */
export async function commandProvider<T extends ProviderOptions & { provider?: string }>(given: T, home: string, configs: string[]): Promise<T> {
  return namesProvider(given) ? given : { ...given, ...(await settingsProvider(home, configs)) };
}
