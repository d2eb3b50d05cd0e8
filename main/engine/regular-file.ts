// Opening a file another program (or another user) may have put in place, only if it is a regular
// file: a FIFO in its place would hold one of libuv's pool threads in open(2) until a writer came,
// and a link to /dev/zero would be read without end. Shared by the providers' state-file readers
// (discovery/read-tail.ts: links followed, a console log may well be one) and the support bundle
// (links never followed: a state.json linked to a private key stays out).

import { constants } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';

export interface OpenedFile {
  handle: FileHandle;
  size: number;
  modifiedMs: number;
}

const NOT_REGULAR = 'is not a regular file (a FIFO, device or folder); it was not read';

/**
 * The file opened for reading, or why not (null: it does not exist). O_NONBLOCK: open(2) of a
 * FIFO returns at once instead of waiting for a writer (fifo(7)); a regular file ignores it. What
 * was opened is then checked with fstat, so a link (where followed) to a FIFO or a device is
 * refused like either. Without `followLinks`, lstat says "a link" first (Windows has no
 * O_NOFOLLOW) and O_NOFOLLOW closes the gap between lstat and open. Windows has no O_NONBLOCK
 * and no FIFOs in a folder. The caller closes the handle.
 */
export async function openRegularFile(file: string, options: { followLinks: boolean }): Promise<OpenedFile | { why: string } | null> {
  if (!options.followLinks) {
    const link = await lstat(file).catch(() => null);
    if (!link) return null;
    if (link.isSymbolicLink()) return { why: 'is a symbolic link; what it points to was not read' };
    if (!link.isFile()) return { why: NOT_REGULAR };
  }
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (options.followLinks ? 0 : (constants.O_NOFOLLOW ?? 0));
  let handle: FileHandle;
  try {
    handle = await open(file, flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    return { why: code === 'ELOOP' && !options.followLinks ? 'is a symbolic link; what it points to was not read' : `cannot be read (${code})` };
  }
  const info = await handle.stat().catch(() => null);
  if (info?.isFile()) return { handle, size: info.size, modifiedMs: info.mtimeMs };
  await handle.close();
  return { why: info ? NOT_REGULAR : 'cannot be read (fstat failed)' };
}
