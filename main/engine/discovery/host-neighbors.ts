// The host's neighbour (ARP) table, read the host's way: `ip -j -4 neigh` on Linux, `arp -an` on
// macOS. Commands go through the caller's runner (no shell); parsing is pure.

import { execFile } from 'node:child_process';
import { HypervisorError } from '../errors.js';
import { parseArpAn } from './arp-an.js';
import { cLocaleEnv } from './c-locale.js';
import { installHint } from './tool-path.js';
import { isIpv4 } from './net-address.js';
import type { NeighborEntry } from './pick-neighbor.js';

/** Runs a program with arguments (no shell, LC_ALL=C); rejects with the error's `code` ('ENOENT' when absent). */
export type CommandRunner = (command: string, args: string[]) => Promise<string>;

export const execRunner: CommandRunner = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 15_000, maxBuffer: 8 * 1024 * 1024, env: cLocaleEnv() }, (err, stdout, stderr) => (err ? reject(Object.assign(err, { stdout, stderr })) : resolve(stdout)));
  });

/** `ip -j neigh`: IPv4 entries with a MAC, their first state word. A half-written answer reads as none. */
export function parseIpNeigh(json: string): NeighborEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(json || '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  return (data as Array<{ dst?: string; lladdr?: string; state?: string[] }>).flatMap((e) =>
    e.dst && e.lladdr && isIpv4(e.dst) ? [{ ip: e.dst, mac: e.lladdr, state: (e.state ?? ['NONE'])[0]! }] : [],
  );
}

export async function readHostNeighbors(run: CommandRunner, platform: NodeJS.Platform = process.platform): Promise<NeighborEntry[]> {
  const [command, args, parse] = platform === 'darwin' ? (['arp', ['-an'], parseArpAn] as const) : (['ip', ['-j', '-4', 'neigh', 'show'], parseIpNeigh] as const);
  try {
    return parse(await run(command, [...args]));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new HypervisorError(`The host's neighbour table could not be read (${(err as Error).message.split('\n')[0]}).`, missing ? (platform === 'darwin' ? "macOS's /usr/sbin/arp is missing: check that /usr/sbin is on PATH." : installHint('ip', platform)) : `Run '${command} ${args.join(' ')}' yourself to see why, then try again.`);
  }
}
