// What the CLI reads of the app's settings (<tray folder>/settings.json): the watched projects,
// the provider each project was given in the window, so that a command run on a project
// asks the same provider the app does, the projects defined by a provider alone, and each
// project's domain and aliases. An unreadable file reads as no settings.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { namesProvider, projectProviderOptions } from '../engine/providers/provider-args.js';
import type { ProviderOptions } from '../engine/providers/provider-entry.js';
import { loadProject, type Project } from '../engine/config/load-project.js';
import { isWatchedKey, loadWatchedProject, watchedKey, type WatchedDefinition } from '../engine/config/watched-project.js';
import { InputError } from '../engine/errors.js';
import type { ProjectNames } from '../engine/plan/host-names.js';

interface TraySettings {
  projects: string[];
  providers: Record<string, { provider: string; option?: string }>;
  watched: Record<string, WatchedDefinition>;
  names: Record<string, ProjectNames>;
}

const record = <T>(v: unknown): Record<string, T> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, T>) : {});

export async function readTraySettings(home: string): Promise<TraySettings> {
  try {
    const data = JSON.parse(await readFile(path.join(home, 'settings.json'), 'utf8')) as { projects?: unknown; providers?: unknown; watched?: unknown; names?: unknown };
    const projects = Array.isArray(data.projects) ? data.projects.filter((p): p is string => typeof p === 'string') : [];
    return { projects, providers: record(data.providers), watched: record(data.watched), names: record(data.names) };
  } catch {
    return { projects: [], providers: {}, watched: {}, names: {} };
  }
}

/**
 * A project by its key, with the names the app's settings give it: a ragnatramp.yaml, or a
 * project defined by its provider (`given` from the command line, completed by the settings'
 * definition of the same project: its name and logins).
 */
export async function loadProjectFor(key: string, home: string, env: NodeJS.ProcessEnv, given?: WatchedDefinition, /** false: the settings are not read (a run without a tray folder). */ useSettings = true): Promise<Project> {
  const settings = useSettings ? await readTraySettings(home) : { watched: {} as TraySettings['watched'], names: {} as TraySettings['names'] };
  let project: Project;
  if (given || isWatchedKey(key)) {
    const saved = settings.watched[given ? watchedKey(given) : key];
    const definition = given ? { ...saved, ...given, ...(given.ssh || saved?.ssh ? { ssh: given.ssh ?? saved!.ssh } : {}) } : saved;
    if (!definition) throw new InputError(key, [{ field: null, problem: "is in the app's projects but its definition is not in its settings" }], 'Add it again in the window, or name it with --quickemu, --libvirt or --proxmox.');
    project = await loadWatchedProject(definition, home, env);
  } else {
    project = await loadProject(key, env);
  }
  const names = settings.names[project.configPath];
  return names ? { ...project, names } : project;
}

/**
 * The provider the app's settings give these projects, as environment options; null when they
 * give none (or 'auto'). Projects given different providers cannot share one run: that is an
 * Error whose message is a usage error.
 */
export async function settingsProvider(home: string, configs: string[]): Promise<(ProviderOptions & { provider: string }) | null> {
  const { providers, watched } = await readTraySettings(home);
  // A project defined by its provider has that provider; a ragnatramp.yaml the one Settings gave it.
  const choiceOf = (c: string) => (isWatchedKey(c) ? (watched[c] && { provider: watched[c]!.provider, option: watched[c]!.option }) : providers[path.resolve(c)]);
  const chosen = configs.map((c) => ({ config: c, choice: choiceOf(c) }));
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
