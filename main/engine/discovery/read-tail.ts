// The end of a file that grows for ever (a console log): the latest boot's lines are near it.

import { open } from 'node:fs/promises';

export const CONSOLE_TAIL_BYTES = 256 * 1024;

/** The last `bytes` of a file; null when it cannot be read. */
export async function readTail(file: string, bytes: number = CONSOLE_TAIL_BYTES): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}
