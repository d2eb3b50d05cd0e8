// Paths as people type them into a field or a quoted flag: a leading `~` is their home folder
// (no shell expanded it), and two spellings of one file are one file. macOS's APFS is
// case-insensitive by default, so /Users/ada/VMs and /users/ada/vms name the same folder: two
// paths are the same when they name the same file (device and inode), not when they spell alike.

import { stat } from 'node:fs/promises';
import os from 'node:os';

/** `~` and `~/…` (or `~\…`) from the home folder; anything else as it is. */
export function expandHome(raw: string, home: string = os.homedir()): string {
  return raw === '~' || raw.startsWith('~/') || raw.startsWith('~\\') ? home + raw.slice(1) : raw;
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
