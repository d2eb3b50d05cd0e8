// What the tray does inside guests on request, over SSH: the guest-side checks of Diagnostics
// and `fix kvp`. Only VMs the plan could log in to are touched; the others say why not.

import pLimit from 'p-limit';
import { cloneWarnings } from './diagnostics/clone-check.js';
import { fixKvp, inspectGuest, type GuestDiagnostic, type KvpFixOutcome } from './diagnostics/guest-checks.js';
import { didYouMean } from './did-you-mean.js';
import { InputError } from './errors.js';
import type { EngineDeps } from './inspect.js';
import type { ProjectPlan } from './plan/plan.js';
import { providerEntry } from './providers/registry.js';

export type GuestReport = GuestDiagnostic | { error: string } | { unavailable: string };

/** Guest-side checks over SSH for every VM the plan could sync; the others say why not. */
export async function inspectGuests(deps: EngineDeps, projectPlan: ProjectPlan, options: { concurrency: number; timeoutMs: number }): Promise<Map<string, GuestReport>> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const entries = await Promise.all(
    projectPlan.vms.map((r) =>
      limit(async (): Promise<[string, GuestReport]> => {
        if (!r.sshTarget) return [r.machineName, { unavailable: r.sync.action === 'skip' ? r.sync.reason : 'not reachable' }];
        // A VM that cannot reach its peers (reached through a forward) gets no block to check for.
        const expect = { block: r.forward ? null : projectPlan.hostsBlock, kvpDaemon: providerEntry(r.detail.provider).guestNeedsKvpDaemon === true };
        return [r.machineName, await inspectGuest(deps.connector, r.sshTarget, expect, options.timeoutMs)];
      }),
    ),
  );
  return withCloneCheck(new Map(entries));
}

/**
 * The guest reports with the clone check applied: a guest that shares /etc/machine-id with
 * another gets the cloned-image warning in its report.
 */
export function withCloneCheck(reports: Map<string, GuestReport>): Map<string, GuestReport> {
  const ids = new Map([...reports].map(([m, r]) => [m, 'machineId' in r ? r.machineId : null] as const));
  const clones = cloneWarnings(ids);
  return new Map(
    [...reports].map(([m, r]): [string, GuestReport] => {
      if (!('warnings' in r)) return [m, r];
      const sharedWith = [...ids].filter(([other, id]) => other !== m && id !== null && id === r.machineId).map(([other]) => other);
      const clone = clones.get(m);
      return [m, { ...r, clonedWith: sharedWith, ...(clone ? { warnings: [...r.warnings, clone.text], codedWarnings: [...r.codedWarnings, { code: clone.code, text: clone.text }] } : {}) }];
    }),
  );
}

/** `fix kvp` for one machine of an inspected project. */
export async function fixGuestKvp(deps: EngineDeps, projectPlan: ProjectPlan, machineName: string, options: { dryRun: boolean; timeoutMs: number; onStep?: (command: string) => void }): Promise<KvpFixOutcome | { error: string }> {
  const record = projectPlan.vms.find((r) => r.machineName === machineName);
  if (!record) throw new InputError(projectPlan.configPath, [{ field: null, problem: `has no machine named '${machineName}'${didYouMean(machineName, projectPlan.vms.map((r) => r.machineName))}` }], 'Check the name given to --machine.');
  if (!record.sshTarget) return { error: `cannot reach '${machineName}' over SSH: ${record.sync.action === 'skip' ? record.sync.reason : 'no SSH target'}` };
  return fixKvp(deps.connector, record.sshTarget, options);
}
