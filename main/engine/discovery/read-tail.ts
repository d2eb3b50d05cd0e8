// Files a provider reads that another program writes (a console log, quickemu's pid and ports
// files), read only if they are regular files: a FIFO put in a file's place would hold one of
// libuv's pool threads in open(2) until a writer came, and a link to /dev/zero would be read
// without end. The end of a file that grows for ever (a console log) holds the latest boot.

import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export const CONSOLE_TAIL_BYTES = 256 * 1024;

/** A pid or ports file is a line or two; anything bigger is not the file its program writes. */
export const SMALL_FILE_BYTES = 64 * 1024;

// O_NONBLOCK: open(2) of a FIFO returns at once instead of waiting for a writer (fifo(7)); a
// regular file ignores it. What was opened is then checked with fstat, so a symlink is followed
// (a console log may well be one) but a link to a FIFO or to /dev/zero is refused like either.
// Windows has no O_NONBLOCK and no FIFOs in a folder.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** The file opened for reading with its size, or null when it is missing or not a regular file. */
async function openRegular(file: string): Promise<{ handle: FileHandle; size: number; modifiedMs: number } | null> {
  const handle = await open(file, OPEN_FLAGS).catch(() => null);
  if (!handle) return null;
  const info = await handle.stat().catch(() => null);
  if (info?.isFile()) return { handle, size: info.size, modifiedMs: info.mtimeMs };
  await handle.close();
  return null;
}

async function readAt(file: string, pick: (size: number) => { start: number; length: number } | null): Promise<{ text: string; modifiedMs: number } | null> {
  const opened = await openRegular(file);
  if (!opened) return null;
  try {
    const range = pick(opened.size);
    if (!range) return null;
    const buffer = Buffer.alloc(range.length);
    const { bytesRead } = await opened.handle.read(buffer, 0, range.length, range.start);
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), modifiedMs: opened.modifiedMs };
  } catch {
    return null;
  } finally {
    await opened.handle.close();
  }
}

/** The last `bytes` of a regular file; null when it is missing, not a regular file, or unreadable. */
export async function readTail(file: string, bytes: number = CONSOLE_TAIL_BYTES): Promise<string | null> {
  return (await readAt(file, (size) => ({ start: Math.max(0, size - bytes), length: Math.min(size, bytes) })))?.text ?? null;
}

/** A whole regular file of at most `maxBytes`, with its mtime; null when it is missing, not a regular file, or bigger. */
export function readSmallFile(file: string, maxBytes: number = SMALL_FILE_BYTES): Promise<{ text: string; modifiedMs: number } | null> {
  return readAt(file, (size) => (size <= maxBytes ? { start: 0, length: size } : null));
}
