// Reads and writes Ragnatramp's .ragnatramp/state.json. The tray owns only vms[m].network:
// every other byte of the document survives a write, writes are atomic (temp file + rename),
// the file is re-read just before writing so a concurrent Ragnatramp CLI write is not lost,
// and a write that would change nothing does not happen.

import { randomBytes } from 'node:crypto';
import { readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { renameWithRetry, writeDurably } from '../atomic-file.js';
import { InputError, type InputProblem } from '../errors.js';
import { schemaProblems } from '../config/schema-problems.js';
import type { NetworkState } from '../types.js';
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
  const text = await readStateText(file);
  return text === null ? null : parseStateText(file, text);
}

async function readStateText(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new InputError(file, [{ field: null, problem: `cannot be read (${code ?? String(err)})` }], STATE_FIX);
  }
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
      mismatched.map(([key, vm]) => ({ field: `vms.${key}.machineName`, problem: `is ${JSON.stringify(vm.machineName)} but the entry's key is ${JSON.stringify(key)}` })),
      STATE_FIX,
    );
  }
  return state;
}

function jsonProblem(text: string, err: Error): InputProblem {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return { field: null, problem: `is not valid JSON (${err.message})` };
  const offset = Number(m[1]);
  const before = stripBom(text).slice(0, offset).split('\n');
  return { field: null, line: before.length, column: before[before.length - 1]!.length + 1, problem: `is not valid JSON (${err.message.replace(/ in JSON at position \d+.*$/, '')})` };
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

/**
 * Writes the given `network` values into state.json. Re-reads the file first and applies
 * the updates to what is on disk now; retries if the file changes between read and rename.
 */
export async function writeNetworkStates(file: string, updates: NetworkUpdate[]): Promise<WriteOutcome> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const text = await readStateText(file);
    if (text === null) {
      throw new InputError(file, [{ field: null, problem: 'disappeared while reconciling' }], 'Run the Ragnatramp CLI to recreate the project, then reconcile again.');
    }
    const state = parseStateText(file, text);
    const dropped: string[] = [];
    for (const u of updates) {
      const vm = state.vms[u.machineName];
      if (!vm || (vm.id && u.vmId && vm.id.toLowerCase() !== u.vmId.toLowerCase())) dropped.push(u.machineName);
      else vm.network = u.network;
    }
    const next = serializeLike(text, state);
    if (next === text) return { written: false, dropped };
    const tmp = `${file}.tray-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    await writeDurably(tmp, next, await modeOf(file));
    try {
      if ((await readStateText(file)) !== text) continue; // someone wrote meanwhile: start over
      await renameWithRetry(tmp, file);
      return { written: true, dropped };
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }
  throw new InputError(file, [{ field: null, problem: 'kept changing while the tray tried to write it' }], 'Another program is rewriting state.json continuously; try again when it is done.');
}

/** Serializes like the original: Ragnatramp's indent, its line ending, its final newline. */
function serializeLike(original: string, value: unknown): string {
  const indentMatch = /\n([ \t]+)"/.exec(original);
  const indent = indentMatch ? indentMatch[1]! : 2;
  let out = JSON.stringify(value, null, indent);
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  if (eol !== '\n') out = out.replace(/\n/g, eol);
  if (/\r?\n$/.test(original)) out += eol;
  if (original.startsWith('\uFEFF')) out = `\uFEFF${out}`;
  return out;
}

async function modeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
