// Reads and writes Ragnatramp's .ragnatramp/state.json. The tray owns only vms[m].network, and
// edits just that value in the text (edit-network.ts): every other byte of the document
// survives a write (big integers, `1.50`, key order), writes are atomic (temp file + rename),
// a symlinked state.json is written through to its target, and a write that would change
// nothing does not happen.
//
// Ragnatramp's CLI takes no lock: it writes `state.json.tmp` and renames it over state.json
// (shared/reference/ragnatramp-formats.md). So the tray never renames while that temp file
// exists (a CLI write is under way), and renames only if state.json is still the very file it
// read (same inode, size and mtime), checking both in the two system calls just before its
// own rename. A CLI rename can then only be lost if its whole write (open, write, close,
// rename) fits between two consecutive system calls of the tray. After the rename the tray
// reads the file back and re-applies its update if a CLI write replaced it meanwhile.

import { randomBytes } from 'node:crypto';
import { renameSync, statSync, type BigIntStats } from 'node:fs';
import { open, realpath, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writeDurably } from '../atomic-file.js';
import { InputError, type InputProblem } from '../errors.js';
import { formatField, schemaProblems } from '../config/schema-problems.js';
import { excerpt } from '../excerpt.js';
import type { NetworkState } from '../seed-types.js';
import { withNetwork } from './edit-network.js';
import { stateSchema } from './state-schema.js';

export interface VmStateRecord {
  id: string;
  name: string;
  machineName: string;
  network?: NetworkState;
  [other: string]: unknown;
}

export interface StateFile {
  version: 1;
  project: string;
  configPath: string;
  vms: Record<string, VmStateRecord>;
  [other: string]: unknown;
}

const STATE_FIX = 'state.json was left untouched. Repair it (or restore it from the Ragnatramp CLI) and try again.';

export function statePathFor(configPath: string): string {
  return path.join(path.dirname(configPath), '.ragnatramp', 'state.json');
}

/** Returns null when the file does not exist (the project was never brought up). */
export async function readStateFile(file: string): Promise<StateFile | null> {
  const read = await snapshot(file);
  return read === null ? null : parseStateText(file, read.text);
}

export function parseStateText(file: string, text: string): StateFile {
  let data: unknown;
  try {
    data = JSON.parse(stripBom(text));
  } catch (err) {
    throw new InputError(file, [jsonProblem(text, err as Error)], STATE_FIX);
  }
  const problems = schemaProblems(stateSchema, data);
  if (problems.length > 0) throw new InputError(file, problems, STATE_FIX);
  const state = data as StateFile;
  const mismatched = Object.entries(state.vms).filter(([key, vm]) => vm.machineName !== key);
  if (mismatched.length > 0) {
    throw new InputError(
      file,
      mismatched.map(([key, vm]) => ({ field: formatField(['vms', key, 'machineName']), problem: `is ${excerpt(String(vm.machineName))} but the entry's key is ${excerpt(key)}` })),
      STATE_FIX,
    );
  }
  return state;
}

function jsonProblem(text: string, err: Error): InputProblem {
  const m = /position (\d+)/.exec(err.message);
  // V8 quotes about ten characters of the offending text: keep that excerpt, escaped.
  const message = err.message.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (!m) return { field: null, problem: `is not valid JSON (${message})` };
  const offset = Number(m[1]);
  const before = stripBom(text).slice(0, offset).split('\n');
  return { field: null, line: before.length, column: before[before.length - 1]!.length + 1, problem: `is not valid JSON (${message.replace(/ in JSON at position \d+.*$/, '')})` };
}

export interface NetworkUpdate {
  machineName: string;
  /** The VM the update was computed for; a VM replaced in the meantime is not touched. */
  vmId: string;
  network: NetworkState;
}

export interface WriteOutcome {
  written: boolean;
  /** Updates dropped because the VM left state.json (or was replaced) while we worked. */
  dropped: string[];
}

/** How long a CLI write may stay under way before its temp file is taken for a crash's leftover. */
const CLI_WRITE_GRACE_MS = 3000;
/** How long the tray keeps trying to find a quiet moment before it gives up for this pass. */
const WRITE_BUDGET_MS = 10_000;

interface Snapshot {
  text: string;
  stats: BigIntStats;
}

const sameFile = (a: BigIntStats, b: BigIntStats) => a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeNs === b.mtimeNs;

/** The file's text and the identity of exactly the file that text came from. */
async function snapshot(file: string): Promise<Snapshot | null> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw unreadable(file, err);
  }
  try {
    const stats = await handle.stat({ bigint: true });
    const text = await handle.readFile('utf8');
    return sameFile(stats, await handle.stat({ bigint: true })) ? { text, stats } : snapshot(file);
  } catch (err) {
    throw unreadable(file, err);
  } finally {
    await handle.close();
  }
}

function unreadable(file: string, err: unknown): InputError {
  return new InputError(file, [{ field: null, problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` }], STATE_FIX);
}

function unwritable(file: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'it is on a read-only file system' : code === 'EPERM' || code === 'EACCES' ? 'it or its folder is not writable by you (read-only folder, immutable file, or another program holding it)' : 'the write failed';
  return new InputError(file, [{ field: null, problem: `cannot be written (${code}): ${why}` }], 'The IPs found were not recorded in state.json; the guests were still synced. Make the file and its .ragnatramp folder writable, then reconcile again.');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Writes the given `network` values into state.json. Re-reads the file first and applies
 * the updates to what is on disk now; starts over whenever a Ragnatramp CLI write is under way
 * or the file changed between read and rename.
 */
export async function writeNetworkStates(file: string, updates: NetworkUpdate[]): Promise<WriteOutcome> {
  const target = await realpath(file).catch(() => file);
  const cliTemps = [...new Set([`${file}.tmp`, `${target}.tmp`])];
  const started = Date.now();
  let written = false;
  let dropped: string[] = [];
  let cliTempSeen: { at: number; mtimeMs: number } | null = null;
  while (Date.now() - started < WRITE_BUDGET_MS) {
    const before = await snapshot(target);
    if (before === null) {
      throw new InputError(file, [{ field: null, problem: 'disappeared while reconciling' }], 'Run the Ragnatramp CLI to recreate the project, then reconcile again.');
    }
    const state = parseStateText(file, before.text);
    dropped = [];
    let next = before.text;
    for (const u of updates) {
      const vm = state.vms[u.machineName];
      const edited = !vm || (vm.id && u.vmId && vm.id.toLowerCase() !== u.vmId.toLowerCase()) ? null : withNetwork(next, u.machineName, u.network);
      if (edited === null) dropped.push(u.machineName);
      else next = edited;
    }
    if (next === before.text) return { written, dropped };
    const tmp = `${target}.tray-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeDurably(tmp, next, Number(before.stats.mode) & 0o7777);
      // From here to the rename: synchronous calls only, so nothing of ours runs in between.
      const cliTemp = cliTemps.map((t) => ({ t, s: statOrNull(t) })).find((x) => x.s !== null);
      if (cliTemp) {
        const mtimeMs = cliTemp.s!.mtimeMs;
        if (!cliTempSeen || cliTempSeen.mtimeMs !== mtimeMs) cliTempSeen = { at: Date.now(), mtimeMs };
        if (Date.now() - cliTempSeen.at < CLI_WRITE_GRACE_MS) {
          await sleep(15);
          continue;
        }
      }
      if (!sameFile(before.stats, statSync(target, { bigint: true }))) continue;
      renameSync(tmp, target);
      written = true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (err instanceof InputError) throw err;
      // Windows: an antivirus or indexer holding the file for a moment.
      if ((code === 'EBUSY' || code === 'EPERM') && process.platform === 'win32' && Date.now() - started < 2000) {
        await sleep(20);
        continue;
      }
      if (code === 'ENOENT') continue; // the file or folder went: the next read says so
      throw unwritable(file, err);
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    // Compare after the rename: a CLI write that read before it and renamed after it has our
    // update missing; apply it again to what the CLI wrote.
    const after = await snapshot(target);
    if (after === null || after.text === next || !missesUpdates(file, after.text, updates)) return { written, dropped };
  }
  throw new InputError(file, [{ field: null, problem: 'kept changing while the tray tried to write it' }], 'Another program is rewriting state.json continuously; the tray will try again at its next pass.');
}

function statOrNull(file: string): { mtimeMs: number } | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

function missesUpdates(file: string, text: string, updates: NetworkUpdate[]): boolean {
  let state: StateFile;
  try {
    state = parseStateText(file, text);
  } catch {
    return false; // not ours to judge: the next pass reports it
  }
  return updates.some((u) => {
    const vm = state.vms[u.machineName];
    return !!vm && JSON.stringify(vm.network) !== JSON.stringify(u.network);
  });
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
