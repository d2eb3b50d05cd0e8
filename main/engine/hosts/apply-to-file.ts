// Merges the managed block into a local hosts file (the Windows host's own, WSL's, a Mac's or a
// Linux host's /etc/hosts): atomic
// replace, one backup beside it, no write at all when the block is already there. A symlink is
// written through to its target (the link stays a link, and the file it names is updated).

import { readFile, realpath, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { replaceFile } from '../atomic-file.js';
import { HostsFileError, mergeHostsBlock } from './hosts-block.js';

export interface ApplyOutcome {
  changed: boolean;
  backup: string | null;
}

/** What to do when the OS refuses the write, in this host's words. */
export function elevationHint(platform: NodeJS.Platform, file: string): string {
  if (platform === 'win32') return 'Writing the Windows hosts file needs an elevated (administrator) prompt; or print the block with `hosts` and paste it yourself.';
  // macOS caches names in mDNSResponder, which may keep answering the old address for a while.
  const flush = platform === 'darwin' ? ' Then flush macOS\'s name cache: sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder.' : '';
  return `Writing ${file} needs root: run the same command with sudo (the file keeps its owner and mode); or print the block with \`hosts\` and paste it yourself.${flush}`;
}

/** `block` may be worked out from the file's current text (to keep lines of VMs whose address is unknown this pass). */
export async function applyHostsBlockToFile(link: string, block: string | ((current: string) => string), platform: NodeJS.Platform = process.platform): Promise<ApplyOutcome> {
  let current: Buffer;
  let file: string;
  try {
    file = await realpath(link);
    current = await readFile(file);
  } catch (err) {
    throw new InputError(link, [{ field: null, problem: `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` }], 'Give --apply-to an existing hosts file.');
  }
  let merged: Buffer;
  try {
    const text = current.toString('latin1');
    merged = Buffer.from(mergeHostsBlock(text, typeof block === 'string' ? block : block(text)), 'latin1');
  } catch (err) {
    if (err instanceof HostsFileError) throw new InputError(file, [{ field: null, problem: err.message }], 'Nothing was written.');
    throw err;
  }
  if (merged.equals(current)) return { changed: false, backup: null };
  const backup = `${file}.ragnatramp.bak`;
  const mode = (await stat(file)).mode & 0o7777;
  try {
    // The backup holds the bytes just read (the ones merged), written as every other file is.
    await replaceFile(backup, current, mode);
    await replaceFile(file, merged, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint = code === 'EPERM' || code === 'EACCES' ? elevationHint(platform, file) : 'The file was left as it was.';
    throw new InputError(file, [{ field: null, problem: `cannot be updated (${code ?? String(err)})` }], hint);
  }
  return { changed: true, backup };
}
