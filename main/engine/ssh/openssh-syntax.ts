// OpenSSH's client-config syntax, as OpenSSH itself reads it (openssh-portable 0ef0f5a8), so that
// every value the tray writes into an ssh config reads back as exactly that value, or is refused:
// - readconf.c:1196 splits each line's arguments with misc.c:2130 argv_split: blanks separate
//   words; "…" or '…' quote; \\ \" \' (and, outside quotes, "\ ") are escapes, any other
//   backslash is kept as it is; an unquoted word starting with # ends the line.
// - misc.c:1387-1450 (vdollar_percent_expand): in the fields ssh.c expands (IdentityFile, and
//   UserKnownHostsFile since 8.4, commit c4f23994, ssh.c:1479-1539), "%%" is a literal %, any
//   other %x is a token or a fatal "unknown key", and "${" starts an environment variable with no
//   way to escape it. Include (readconf.c:2076, since 9.9, commit 8c4d6a62) and User (ssh.c:1428,
//   newer versions) are expanded by some versions and not by others: no spelling of % or ${
//   reads the same in both, so there they are refused.
// - ssh.c:1339 lowercases HostKeyAlias; hostfile.c:843-850 ends a known_hosts host field at the
//   first blank and hostfile.c:186 reads a leading @ as a marker; match.c:161 reads , ! * ? as
//   pattern syntax.

import { createHash } from 'node:crypto';

/** A value OpenSSH cannot be given as it is; the message says why, the remedy where to change it. */
export class OpensshValueError extends Error {
  constructor(
    message: string,
    readonly remedy = 'Change it in ragnatramp.yaml.',
  ) {
    super(message);
  }
}

/** misc.c:2130-2190 argv_split, returning null where OpenSSH says "invalid quotes". */
export function argvSplit(s: string, terminateOnComment = true): string[] | null {
  const argv: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === ' ' || s[i] === '\t') {
      i++;
      continue;
    }
    if (terminateOnComment && s[i] === '#') break;
    let quote = '';
    let arg = '';
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (c === '\\') {
        const n = s[i + 1];
        if (n === "'" || n === '"' || n === '\\' || (quote === '' && n === ' ')) {
          i++;
          arg += n;
        } else arg += c;
      } else if (quote === '' && (c === ' ' || c === '\t')) break;
      else if (quote === '' && (c === '"' || c === "'")) quote = c;
      else if (quote !== '' && c === quote) quote = '';
      else arg += c;
    }
    if (quote !== '') return null;
    argv.push(arg);
  }
  return argv;
}

export type Expansion = 'none' | 'percent-dollar' | 'varies';

/** What OpenSSH makes of a word after expansion, for the tokens-free words the tray writes. */
function expanded(word: string, expansion: Expansion): string {
  return expansion === 'percent-dollar' ? word.replace(/%%/g, '%') : word;
}

/**
 * One value as a double-quoted OpenSSH word that argv_split and the field's expansion turn back
 * into exactly `value`; throws OpensshValueError when no spelling can.
 */
export function opensshWord(value: string, expansion: Expansion, what: string): string {
  if (value === '') throw new OpensshValueError(`${what} is empty`);
  // A line ends at a newline; NUL ends a C string; other controls would reach a terminal.
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new OpensshValueError(`${what} holds a control character, which an OpenSSH config cannot carry`);
  if (expansion === 'percent-dollar' && value.includes('${')) throw new OpensshValueError(`${what} holds "\${", which OpenSSH always reads as an environment variable`);
  if (expansion === 'varies' && /%|\$\{/.test(value)) throw new OpensshValueError(`${what} holds "%" or "\${", which OpenSSH versions read differently`);
  const escaped = expansion === 'percent-dollar' ? value.replace(/%/g, '%%') : value;
  const word = `"${escaped.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  // Read back the way OpenSSH reads it: a spelling that does not round-trip is never written.
  const back = argvSplit(word);
  if (!back || back.length !== 1 || expanded(back[0]!, expansion) !== value) throw new OpensshValueError(`${what} cannot be written into an OpenSSH config`);
  return word;
}

/** A user name: ssh.c:1428 expands it on new versions and not on old ones, so %, $ and blanks are refused. */
export function opensshUser(user: string): string {
  if (/[%$\s"'\\#]/.test(user)) throw new OpensshValueError(`the SSH user ${JSON.stringify(user)} holds a character OpenSSH versions read differently (% $ quotes, backslash, # or a blank)`);
  return opensshWord(user, 'varies', 'the SSH user');
}

/**
 * The HostKeyAlias (and known_hosts host field) for a pin: the pin's own name where OpenSSH reads
 * it back unchanged (lower case, no blank, no pattern or marker character), else a stable digest
 * of it. The pins file keeps the original name; only OpenSSH's copies use this one.
 */
export function opensshHostKeyAlias(pinAlias: string): string {
  const lower = pinAlias.toLowerCase();
  if (/^[a-z0-9][a-z0-9._:/+=-]*$/.test(lower) && lower.length <= 200) return lower;
  return `ragnatramp-${createHash('sha256').update(pinAlias).digest('hex').slice(0, 32)}`;
}

export interface ConfigLine {
  line: number;
  keyword: string;
  args: string[];
}

/** readconf.c:1170-1200: each line is a keyword (case-insensitive, `=` allowed) and its words. */
export function parseOpensshConfig(text: string): { lines: ConfigLine[]; invalid: number[] } {
  const lines: ConfigLine[] = [];
  const invalid: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').replace(/^[ \t]+/, '');
    if (line === '' || line.startsWith('#')) return;
    const m = /^([^ \t=]+)[ \t]*=?[ \t]*(.*)$/.exec(line);
    if (!m) return;
    const args = argvSplit(m[2]!);
    if (args === null) invalid.push(i + 1);
    else lines.push({ line: i + 1, keyword: m[1]!.toLowerCase(), args });
  });
  return { lines, invalid };
}
