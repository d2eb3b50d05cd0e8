// A path as a user gives one, pasted or typed into a field: surrounding blanks and quotes gone
// (Windows Explorer's "Copy as path" gives "C:\…\ragnatramp.yaml", quotes included), `~` as the
// home folder, and a relative path refused with why (a field has no working folder the user
// could know). Shared by every path field that main checks (Add project, a provider's folder) and
// by the quoted flags and env paths no shell expanded. Two spellings of one file are one file:
// macOS's APFS is case-insensitive by default, so /Users/ada/VMs and /users/ada/vms name the same
// folder, and a path is the same when it names the same file (device and inode), not when it spells alike.

import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** `~`, `~/…` and `~\…` in the user's home folder; anything else as it is. */
export function expandHome(value: string, home = os.homedir()): string {
  return value === '~' || value.startsWith('~/') || value.startsWith('~\\') ? home + value.slice(1) : value;
}

export interface UserPathOptions {
  home?: string;
  platform?: NodeJS.Platform;
  /** How to name the field in messages ("The project's path"). */
  what?: string;
}

/** The absolute path a pasted or typed value means; an Error saying why when it means none. */
export function userPath(input: string, o: UserPathOptions = {}): string {
  const p = (o.platform ?? process.platform) === 'win32' ? path.win32 : path.posix;
  const what = o.what ?? 'The path';
  let value = input.trim();
  // One pair of matching quotes around the whole value: what a copied path carries, never part of a file's name.
  const quoted = /^"(.*)"$|^'(.*)'$/s.exec(value);
  if (quoted) value = (quoted[1] ?? quoted[2]!).trim();
  if (value === '') throw new Error(`${what} is empty: give the full path of a ragnatramp.yaml, or of the folder that holds it.`);
  if (/[\0\r\n]/.test(value)) throw new Error(`${what} holds a line break or a NUL character: paste the path alone.`);
  value = expandHome(value, o.home ?? os.homedir());
  if (!p.isAbsolute(value) || (p === path.win32 && !/^([A-Za-z]:[\\/]|[\\/]{2})/.test(value))) {
    const example = p === path.win32 ? 'C:\\Users\\you\\project\\ragnatramp.yaml' : '~/project/ragnatramp.yaml';
    throw new Error(`${what} "${value}" is relative, and the tray has no working folder it could be relative to: give the full path (such as ${example}).`);
  }
  return p.normalize(value);
}

/**
 * The ragnatramp.yaml a value names: a file as it is, or the one in a folder. A folder without
 * one is said here; what the file holds is the project loader's to check.
 */
export async function projectConfigPath(input: string, o: UserPathOptions = {}): Promise<string> {
  const file = userPath(input, { what: "The project's path", ...o });
  const info = await stat(file).catch(() => null);
  if (!info?.isDirectory()) return file;
  const p = (o.platform ?? process.platform) === 'win32' ? path.win32 : path.posix;
  const inside = p.join(file, 'ragnatramp.yaml');
  if (!(await stat(inside).catch(() => null))?.isFile()) throw new Error(`The folder ${file} holds no ragnatramp.yaml: give the folder of a Ragnatramp project, or the path of its ragnatramp.yaml.`);
  return inside;
}

/** The first of `paths` that names the same file as `file`, or null. */
export async function sameFileAmong(paths: readonly string[], file: string): Promise<string | null> {
  if (paths.includes(file)) return file;
  const id = await fileId(file);
  if (!id) return null;
  for (const p of paths) if ((await fileId(p)) === id) return p;
  return null;
}

async function fileId(file: string): Promise<string | null> {
  const s = await stat(file, { bigint: true }).catch(() => null);
  return s ? `${s.dev}:${s.ino}` : null;
}
