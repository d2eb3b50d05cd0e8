// Writing files so that a reader never sees them half-written: write a sibling temp file,
// flush it to disk, then rename it over the target. Every write gets a temp name of its own
// (two writes in one process, or a crashed write's leftover, never block each other), a failed
// write removes its temp file, and a file keeps its owner when root writes it (sudo with HOME
// kept must not hand the user's files to root).

import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync, chownSync } from 'node:fs';
import { chmod, chown, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

export async function writeDurably(file: string, content: string | Buffer, mode?: number): Promise<void> {
  const handle = await open(file, 'wx', mode ?? 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // open()'s mode is filtered by the umask; the target's mode must survive exactly.
  if (mode !== undefined && process.platform !== 'win32') await chmod(file, mode);
}

/** A temp file name beside `file`, unique to this one write. */
export function tempNameFor(file: string): string {
  return `${file}.${randomBytes(6).toString('hex')}.tmp`;
}

/** A file another user owns, which this process could replace only by taking it over. */
export class OwnershipError extends Error {}

export interface Owner {
  uid: number;
  gid: number;
}

/**
 * The owner a file written now must keep, or null when the process's own is right: run as root
 * (sudo keeps HOME), an existing file keeps its owner and a new one takes its folder's. A process
 * that is not root cannot give a file back, so it refuses to replace another user's file.
 */
export async function ownerToKeep(file: string): Promise<Owner | null> {
  if (process.platform === 'win32' || !process.geteuid) return null;
  const me = process.geteuid();
  const existing = await stat(file).catch(() => null);
  const info = existing ?? (await stat(path.dirname(file)).catch(() => null));
  if (!info || info.uid === me) return null;
  if (me === 0) return { uid: info.uid, gid: info.gid };
  if (existing) throw new OwnershipError(`${file} belongs to another user (uid ${info.uid}); replacing it would make it this user's (uid ${me}). Run as its owner.`);
  return null;
}

/** Replaces `file` with `content` atomically, in a temp file of this write's own, keeping the owner. */
export async function replaceFile(file: string, content: string | Buffer, mode: number, /** Last look at the temp file; throwing keeps the old file. */ check?: (tmp: string) => Promise<void>): Promise<void> {
  const owner = await ownerToKeep(file);
  const tmp = tempNameFor(file);
  try {
    await writeDurably(tmp, content, mode);
    if (owner) await chown(tmp, owner.uid, owner.gid);
    await check?.(tmp);
    await renameWithRetry(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** mkdir -p whose new folders belong to the owner of the folder they are made in (see ownerToKeep). */
export function mkdirKeepingOwner(dir: string, mode: number): void {
  let existing = dir;
  const made: string[] = [];
  for (;;) {
    try {
      statSync(existing);
      break;
    } catch {
      made.unshift(existing);
      if (path.dirname(existing) === existing) break;
      existing = path.dirname(existing);
    }
  }
  // One level at a time: Node's recursive mkdir never returns where mkdir keeps failing with ENOENT (/proc).
  for (const d of made) {
    try {
      mkdirSync(d, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  if (made.length === 0 || process.platform === 'win32' || process.geteuid?.() !== 0) return;
  const parent = statSync(existing);
  if (parent.uid !== 0) for (const d of made) chownSync(d, parent.uid, parent.gid);
}

/** A file root just made in someone else's folder (the log under sudo) goes to that folder's owner. */
export function giveToFolderOwner(file: string): void {
  if (process.platform === 'win32' || process.geteuid?.() !== 0) return;
  const folder = statSync(path.dirname(file));
  if (folder.uid !== 0 && statSync(file).uid === 0) chownSync(file, folder.uid, folder.gid);
}

// On Windows, antivirus and indexers briefly hold files open; rename then fails with EPERM/EBUSY.
export async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= 10 || !['EPERM', 'EBUSY', 'EACCES'].includes(code ?? '')) throw err;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }
}
