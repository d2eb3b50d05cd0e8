// Hosts sync over SSH for the VMs the plan selected: read the guest's /etc/hosts, merge the
// project's block, and write only when the content differs. VMs run in parallel with a bound on
// concurrency and a deadline each; one guest failing never stops the others.

import pLimit from 'p-limit';
import { errorMessage } from '../errors.js';
import { HostsFileError, mergeHostsBlock } from '../hosts/hosts-block.js';
import type { HostsSyncResult } from '../types.js';
import { buildWriteCommand, describeWriteFailure, READ_HOSTS_COMMAND } from './remote-hosts-write.js';
import { SshError, type SshConnector, type SshTarget } from './ssh-session.js';
import { withSession } from './with-session.js';

export interface SyncTask {
  target: SshTarget;
  block: string;
}

export interface SyncOutcome extends HostsSyncResult {
  /** True when /etc/hosts was rewritten; false when it already held the block (or on failure). */
  changed: boolean;
  durationMs: number;
}

export interface SyncOptions {
  concurrency: number;
  timeoutMs: number;
  onProgress?: (machineName: string, phase: 'connecting' | 'reading' | 'writing' | 'done', outcome?: SyncOutcome) => void;
}

export async function syncHostsFiles(tasks: SyncTask[], connector: SshConnector, options: SyncOptions): Promise<SyncOutcome[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  return Promise.all(tasks.map((task) => limit(() => syncOne(task, connector, options))));
}

async function syncOne(task: SyncTask, connector: SshConnector, options: SyncOptions): Promise<SyncOutcome> {
  const { machineName } = task.target;
  const started = performance.now();
  options.onProgress?.(machineName, 'connecting');
  let outcome: Pick<SyncOutcome, 'success' | 'changed' | 'error'>;
  try {
    const changed = await withSession(connector, task.target, options.timeoutMs, async (session) => {
      options.onProgress?.(machineName, 'reading');
      const read = await session.exec(READ_HOSTS_COMMAND);
      if (read.code !== 0) throw new SshError(`cannot read /etc/hosts: ${read.stderr.toString('utf8').trim() || `exit ${read.code ?? read.signal}`}`, 'protocol');
      const merged = Buffer.from(mergeHostsBlock(read.stdout.toString('latin1'), task.block), 'latin1');
      if (merged.equals(read.stdout)) return false;
      options.onProgress?.(machineName, 'writing');
      const write = await session.exec(buildWriteCommand(read.stdout, merged), merged);
      if (write.code !== 0) throw new SshError(describeWriteFailure(write.code, write.stderr.toString('utf8'), task.target.user), 'protocol');
      return true;
    });
    outcome = { success: true, changed };
  } catch (err) {
    outcome = { success: false, changed: false, error: err instanceof HostsFileError ? `/etc/hosts in the guest: ${err.message}` : errorMessage(err) };
  }
  const result: SyncOutcome = { machineName, skipped: false, ...outcome, durationMs: Math.round(performance.now() - started) };
  options.onProgress?.(machineName, 'done', result);
  return result;
}
