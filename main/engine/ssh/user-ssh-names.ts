// The names the user's own ssh config already answers to, so the tray never takes one over:
// the `Host` patterns of ~/.ssh/config and of every file it Includes, read as OpenSSH reads
// them (readconf.c:1823-1862 Host, readconf.c:2062-2130 Include: relative paths live in
// ~/.ssh, globs, at most 16 deep per readconf.c:2617), skipping the tray's own marked Include.

import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseOpensshConfig } from './openssh-syntax.js';

const MAX_DEPTH = 16;
const MAX_FILE_BYTES = 1024 * 1024;

/** match.c:match_pattern: `*` any run, `?` one character; case-insensitive here, to be safe. */
export function patternMatches(name: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

/**
 * Whether the user's patterns take `name`: a pattern of its own matches it, and no negated one
 * on the same line. A pattern of wildcards only (`Host *`) is the user's defaults for every
 * host, not a name, and does not count.
 */
export function userHasName(patternLines: string[][], name: string): boolean {
  return patternLines.some((line) => {
    const positive = line.some((p) => !p.startsWith('!') && /[^*?]/.test(p) && patternMatches(name, p));
    return positive && !line.some((p) => p.startsWith('!') && patternMatches(name, p.slice(1)));
  });
}

/** Every `Host` line's patterns in the user's config and its Includes (the tray's own left out). */
export async function readUserHostPatterns(userConfig: string, trayConfigDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string[][]> {
  // readconf.c:2097: a relative Include is in ~/.ssh, whichever file names it.
  const sshDir = path.join(os.homedir(), '.ssh');
  const found: string[][] = [];
  const seen = new Set<string>();
  const visit = async (file: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || seen.has(file) || path.dirname(file) === trayConfigDir) return;
    seen.add(file);
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null || text.length > MAX_FILE_BYTES) return;
    for (const l of parseOpensshConfig(text).lines) {
      if (l.keyword === 'host') found.push(l.args);
      if (l.keyword !== 'include') continue;
      for (const arg of l.args) {
        for (const f of await globFiles(anchor(arg, sshDir, env))) await visit(f, depth + 1);
      }
    }
  };
  await visit(userConfig, 0);
  return found;
}

/** readconf.c:2087-2101: ~ and ${VAR} expanded, a relative path taken inside ~/.ssh. */
function anchor(arg: string, sshDir: string, env: NodeJS.ProcessEnv): string {
  const p = arg.replace(/\$\{([^}]+)\}/g, (_m, v: string) => env[v] ?? '').replace(/%d/g, os.homedir()).replace(/%%/g, '%');
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return path.isAbsolute(p) ? p : path.join(sshDir, p);
}

/** glob(3) for the common case: wildcards in the last path component only. */
async function globFiles(pattern: string): Promise<string[]> {
  const base = path.basename(pattern);
  if (!/[*?[]/.test(base)) return [pattern];
  const dir = path.dirname(pattern);
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => !n.startsWith('.') && patternMatches(n, base)).sort().map((n) => path.join(dir, n));
}
