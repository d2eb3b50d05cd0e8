// Files a provider reads that another program writes (a console log, quickemu's pid and ports
// files), read only if they are regular files (../regular-file.ts; links are followed: a console
// log may well be one). The end of a file that grows for ever (a console log) holds the latest boot.

import { openRegularFile } from '../regular-file.js';

export const CONSOLE_TAIL_BYTES = 256 * 1024;

/** A pid or ports file is a line or two; anything bigger is not the file its program writes. */
export const SMALL_FILE_BYTES = 64 * 1024;

async function readAt(file: string, pick: (size: number) => { start: number; length: number } | null): Promise<{ text: string; modifiedMs: number } | null> {
  const opened = await openRegularFile(file, { followLinks: true });
  if (!opened || 'why' in opened) return null;
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
