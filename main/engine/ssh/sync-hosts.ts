// Hosts sync over SSH for the VMs the plan selected: read the guest's /etc/hosts, merge the
// project's block, and write only when the content differs. VMs run in parallel with a bound on
// concurrency and a deadline each; one guest failing never stops the others.

import pLimit from 'p-limit';
import { errorMessage } from '../errors.js';
import { HostsFileError, MAX_HOSTS_BYTES, mergeHostsBlock } from '../hosts/hosts-block.js';
import type { HostsSyncResult } from '../seed-types.js';
import { buildWriteCommand, describeWriteFailure, READ_HOSTS_COMMAND, WRITE_EXIT } from './remote-hosts-write.js';
import { SshError, type SshConnector, type SshSession, type SshTarget } from './ssh-session.js';
import { withSession } from './with-session.js';

export interface SyncTask {
  target: SshTarget;
  block: string;
}

export interface SyncOutcome extends HostsSyncResult {
  /** True when /etc/hosts was rewritten; false when it already held the block (or on failure). */
  changed: boolean;
  /** A failure's kind: an SshError's ('host-key-changed', 'auth', …), 'hosts-file', or 'other'. */
  problem?: SshError['kind'] | 'hosts-file' | 'other';
  durationMs: number;
}

/**
 * What each guest's /etc/hosts held when the engine last read or wrote it, by the VM's host-key
 * alias. A long-running engine keeps one, so that a change costs a single exec: the write's
 * compare-and-swap proves the file is still as remembered, and a file changed meanwhile is read
 * and merged afresh.
 */
export type HostsMemory = Map<string, Buffer>;

export interface SyncOptions {
  concurrency: number;
  timeoutMs: number;
  memory?: HostsMemory;
  onProgress?: (machineName: string, phase: 'connecting' | 'reading' | 'writing' | 'done', outcome?: SyncOutcome) => void;
}

export async function syncHostsFiles(tasks: SyncTask[], connector: SshConnector, options: SyncOptions): Promise<SyncOutcome[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  return Promise.all(tasks.map((task) => limit(() => syncOne(task, connector, options))));
}

function tooLarge(): string {
  return `/etc/hosts in the guest is larger than ${MAX_HOSTS_BYTES / 1024 / 1024} MiB, more than a hosts file needs; it was left as it was. Trim it (a blocklist belongs in a DNS filter), then reconcile again.`;
}

async function syncOne(task: SyncTask, connector: SshConnector, options: SyncOptions): Promise<SyncOutcome> {
  const { machineName } = task.target;
  const started = performance.now();
  options.onProgress?.(machineName, 'connecting');
  let outcome: Pick<SyncOutcome, 'success' | 'changed' | 'error' | 'problem'>;
  try {
    const memory = options.memory;
    const key = task.target.hostKeyAlias;
    const merge = (current: Buffer) => Buffer.from(mergeHostsBlock(current.toString('latin1'), task.block), 'latin1');
    const write = async (session: SshSession, current: Buffer, merged: Buffer) => {
      options.onProgress?.(machineName, 'writing');
      const r = await session.exec(buildWriteCommand(current, merged), merged);
      if (r.code === 0) memory?.set(key, merged);
      else memory?.delete(key);
      return r;
    };
    const changed = await withSession(connector, task.target, options.timeoutMs, async (session) => {
      const remembered = memory?.get(key);
      if (remembered) {
        const merged = merge(remembered);
        if (!merged.equals(remembered)) {
          const r = await write(session, remembered, merged);
          if (r.code === 0) return true;
          if (r.code !== WRITE_EXIT.changedMeanwhile) throw new SshError(describeWriteFailure(r.code, r.stderr.toString('utf8'), task.target.user), 'protocol');
        }
      }
      options.onProgress?.(machineName, 'reading');
      const read = await session.exec(READ_HOSTS_COMMAND);
      if (read.code !== 0) throw new SshError(`cannot read /etc/hosts: ${read.stderr.toString('utf8').trim() || `exit ${read.code ?? read.signal}`}`, 'protocol');
      if (read.stdout.length > MAX_HOSTS_BYTES) throw new SshError(tooLarge(), 'protocol');
      const merged = merge(read.stdout);
      if (merged.equals(read.stdout)) {
        memory?.set(key, read.stdout);
        return false;
      }
      const r = await write(session, read.stdout, merged);
      if (r.code !== 0) throw new SshError(describeWriteFailure(r.code, r.stderr.toString('utf8'), task.target.user), 'protocol');
      return true;
    });
    outcome = { success: true, changed };
  } catch (err) {
    outcome = { success: false, changed: false, error: err instanceof HostsFileError ? `/etc/hosts in the guest: ${err.message}` : errorMessage(err), problem: err instanceof SshError ? err.kind : err instanceof HostsFileError ? 'hosts-file' : 'other' };
  }
  const result: SyncOutcome = { machineName, skipped: false, ...outcome, durationMs: Math.round(performance.now() - started) };
  options.onProgress?.(machineName, 'done', result);
  return result;
}
