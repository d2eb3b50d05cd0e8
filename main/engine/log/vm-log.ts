// The last lines of the tray's log (the pino file the support bundle holds) about one VM, for
// the Diagnostics panel. Only the file's tail is read (a bounded number of bytes, as a regular
// file); each line is parsed as JSON and kept when a field names the VM exactly (its machine
// and its project's config path, or the project's name on lines that carry no path): a name is
// compared, never made into a pattern, so `web` never matches `webserver`. A pass line keeps only
// that VM's part. Runs of the same line (a pass every 10 s that saw the same thing) are one
// entry with a count.

import { readTail } from '../discovery/read-tail.js';
import { logPath } from './log-file.js';

export interface VmLogLine {
  /** When it was logged (the first of a run of the same line). */
  at: string;
  /** The last of the run, when it repeated. */
  lastAt: string;
  count: number;
  level: 'info' | 'warn' | 'error';
  event: string;
  /** The fields about this VM, as a person reads them. */
  text: string;
}

export interface WhichVm {
  configPath: string;
  /** The project's name: older lines (and the SSH failure line) name the project, not its path. */
  project: string;
  machineName: string;
}

/** The end of the log that is read: a few hours of passes at the default interval. */
export const LOG_TAIL_BYTES = 512 * 1024;
export const VM_LOG_LINES = 30;
const TEXT_CHARS = 400;

const LEVELS: Record<number, VmLogLine['level']> = { 30: 'info', 40: 'warn', 50: 'error' };

/** Lines about the VM, oldest first, at most `max` (after runs are folded). */
export async function vmLogLines(home: string, vm: WhichVm, options: { tailBytes?: number; max?: number } = {}): Promise<VmLogLine[]> {
  const tail = await readTail(logPath(home), options.tailBytes ?? LOG_TAIL_BYTES);
  return tail === null ? [] : linesAbout(tail, vm, options.max ?? VM_LOG_LINES);
}

/** Pure: the log text's lines about the VM (a first line cut by the tail is not JSON and is skipped). */
export function linesAbout(text: string, vm: WhichVm, max: number): VmLogLine[] {
  const out: VmLogLine[] = [];
  for (const raw of text.split('\n')) {
    const line = aboutVm(raw, vm);
    if (!line) continue;
    const last = out.at(-1);
    if (last && last.event === line.event && last.text === line.text && last.level === line.level) {
      last.count += 1;
      last.lastAt = line.at;
    } else out.push(line);
  }
  return out.slice(-max);
}

function aboutVm(raw: string, vm: WhichVm): VmLogLine | null {
  let rec: unknown;
  try {
    rec = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!rec || typeof rec !== 'object' || Array.isArray(rec)) return null;
  const { time, level, msg, component: _c, pid: _p, configPath, project, machine, vms, ...rest } = rec as Record<string, unknown>;
  // A path where the line has one; else the project's name (two projects may share a machine name).
  const sameProject = configPath !== undefined ? configPath === vm.configPath : project === vm.project;
  if (!sameProject || typeof time !== 'string' || typeof msg !== 'string') return null;
  let fields: Record<string, unknown>;
  if (machine === vm.machineName) fields = rest;
  else if (Array.isArray(vms)) {
    const mine = vms.find((v): v is Record<string, unknown> => !!v && typeof v === 'object' && (v as Record<string, unknown>).machine === vm.machineName);
    if (!mine) return null;
    const { machine: _m, ...own } = mine;
    // What the pass did for the whole project (state.json written, hosts synced) stays in the project's line.
    fields = own;
  } else return null;
  return { at: time, lastAt: time, count: 1, level: LEVELS[level as number] ?? 'info', event: msg.slice(0, 80), text: describe(fields) };
}

function describe(fields: Record<string, unknown>): string {
  const text = Object.entries(fields)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return text.length > TEXT_CHARS ? `${text.slice(0, TEXT_CHARS - 1)}…` : text;
}
