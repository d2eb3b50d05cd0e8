// Writing files so that a reader never sees them half-written: write a sibling temp file,
// flush it to disk, then rename it over the target.

import { chmod, open, rename } from 'node:fs/promises';

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
