// Whether a quickemu pid file names this VM's live QEMU, in a way a reused pid cannot fool. The
// process's name tells nothing: on Linux quickemu starts QEMU with `-name <vm>,process=<vm>`
// (quickemu:1693-1695), so /proc/<pid>/comm is the VM's name, and any program may be called
// that. What does tell: the command line passes this VM's own pid file (`-pidfile
// "${VMDIR}/${VMNAME}.pid"`, quickemu:1728-1752), and the process started before QEMU wrote that
// file (a pid reused by a later process started after it).

import { execFile } from 'node:child_process';
import { readFile, readlink } from 'node:fs/promises';
import { cLocaleEnv } from '../../discovery/c-locale.js';
import path from 'node:path';
import type { VmPaths } from './quickemu-files.js';

export interface ProcessFacts {
  /** The arguments, where the system gives them apart (/proc); null where only a line is known (ps). */
  argv: string[] | null;
  /** The command line as one line, arguments joined by spaces. */
  command: string;
  /** The process's working folder, where it is known (relative -pidfile paths resolve there). */
  cwd: string | null;
  /** When it started (epoch ms), where it is known. */
  startedMs: number | null;
}

/** How a process is looked at: /proc on Linux, ps elsewhere (macOS). */
export type ProcessLookup = (pid: number) => Promise<ProcessFacts | null>;

// The start time is known to a second (/proc/stat's btime, ps's etime): allow for that.
const START_SLACK_MS = 2_000;

/** Pure: the process is a QEMU that was given this VM's pid file, and is not younger than the file. */
export function isVmQemu(p: ProcessFacts, paths: Pick<VmPaths, 'pid' | 'pidArg'>, pidWrittenMs: number): boolean {
  if (!/qemu/i.test(path.basename(p.argv?.[0] ?? p.command.split(' ')[0]!))) return false;
  if (p.startedMs !== null && p.startedMs > pidWrittenMs + START_SLACK_MS) return false;
  const argv = p.argv;
  // ps joins the arguments with spaces: a path with a space in it is still found whole.
  if (!argv) return [paths.pid, paths.pidArg].some((arg) => `${p.command} `.includes(` -pidfile ${arg} `));
  return argv.some((arg, i) => {
    if (i === 0 || argv[i - 1] !== '-pidfile') return false;
    if (arg === paths.pid) return true;
    return p.cwd !== null ? path.resolve(p.cwd, arg) === paths.pid : arg === paths.pidArg;
  });
}

/** Linux's /proc: argv NUL-separated, the cwd link, and the start time in clock ticks after boot. */
export async function procLookup(pid: number): Promise<ProcessFacts | null> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  if (cmdline === null || cmdline === '') return null; // gone, or a zombie
  const argv = cmdline.replace(/\0$/, '').split('\0');
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => null); // another user's: EACCES
  return { argv, command: argv.join(' '), cwd, startedMs: await procStartMs(pid) };
}

// proc(5): field 22 of /proc/<pid>/stat is the start time in clock ticks after boot; /proc/stat's
// btime is the boot time in seconds. USER_HZ is 100 on every Linux architecture QEMU runs on.
const USER_HZ = 100;

async function procStartMs(pid: number): Promise<number | null> {
  const [stat, system] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''), readFile('/proc/stat', 'utf8').catch(() => '')]);
  // The command name (field 2) is in parentheses and may hold spaces: count after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  const btime = Number(/^btime (\d+)$/m.exec(system)?.[1]);
  return Number.isFinite(ticks) && Number.isFinite(btime) && btime > 0 ? btime * 1000 + (ticks * 1000) / USER_HZ : null;
}

/** `ps -o etime= -o command=`'s line: elapsed `[[dd-]hh:]mm:ss`, then the command line. */
export function parsePsLine(line: string, nowMs: number): ProcessFacts | null {
  const m = /^\s*(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)\s+(\S.*)$/.exec(line.trim());
  if (!m) return null;
  const seconds = Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return { argv: null, command: m[5]!, cwd: null, startedMs: nowMs - seconds * 1000 };
}

/** macOS has no /proc: ps prints the command line (quickemu passes no `process=` there, :1692-1693). */
export const psLookup: ProcessLookup = (pid) =>
  new Promise((resolve) =>
    execFile('ps', ['-p', String(pid), '-o', 'etime=', '-o', 'command='], { env: cLocaleEnv(), timeout: 5_000 }, (err, stdout) => resolve(err ? null : parsePsLine(stdout.split('\n')[0] ?? '', Date.now()))),
  );

export const systemLookup: ProcessLookup = process.platform === 'linux' ? procLookup : psLookup;
