// The tray's own state file for a provider-defined project (watched-project.ts), in
// Ragnatramp's state.json format (version 1, `vms[machine].network`) so that one reader and one
// planner serve both kinds, but kept under the tray's folder: Ragnatramp's state.json is never
// made or touched for such a project. Each write re-reads the file, applies the pass's updates
// to what is on disk (a VM recorded there stays, even when its hypervisor no longer lists it)
// and replaces the file atomically (atomic-file.ts): a reader sees the old file or the new one,
// never a half-written one.

import path from 'node:path';
import { mkdirKeepingOwner, replaceFile } from '../atomic-file.js';
import { InputError } from '../errors.js';
import { readStateFile, type NetworkUpdate, type StateFile, type WriteOutcome } from './state-file.js';

export async function writeTrayState(file: string, project: { name: string; key: string }, listed: StateFile['vms'], updates: NetworkUpdate[]): Promise<WriteOutcome> {
  try {
    mkdirKeepingOwner(path.dirname(file), 0o755);
    const before = await readStateFile(file);
    // Names are the hypervisor's (a domain may be called __proto__): a Map, never an object's keys.
    const byName = new Map(Object.entries(before?.vms ?? {}));
    const own = (o: StateFile['vms'], name: string) => (Object.hasOwn(o, name) ? o[name] : undefined);
    for (const u of updates) {
      const vm = byName.get(u.machineName) ?? own(listed, u.machineName);
      if (vm) byName.set(u.machineName, { ...vm, id: u.vmId || vm.id, network: u.network });
    }
    const vms: StateFile['vms'] = Object.fromEntries(byName);
    const next: StateFile = { ...(before ?? {}), version: 1, project: project.name, configPath: project.key, vms };
    const text = `${JSON.stringify(next, null, 2)}\n`;
    if (before && JSON.stringify(before, null, 2) + '\n' === text) return { written: false, dropped: [] };
    await replaceFile(file, text, 0o644);
    return { written: true, dropped: updates.filter((u) => !byName.has(u.machineName)).map((u) => u.machineName) };
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new InputError(file, [{ field: null, problem: `cannot be written (${code})` }], "The IPs found were not recorded in the tray's state file; the guests were still synced. Make the tray's folder writable, then reconcile again.");
  }
}
