// The last check before the tray's ssh config is put in place: OpenSSH itself reads the new file
// (`ssh -G -F <file> <host>`, which parses the whole file and prints the options it resolved
// for that host) for every VM, and each VM's address, user, key and host-key alias must come back
// exactly as meant. Where no OpenSSH client is installed, our own reading (openssh-syntax.ts)
// is the check. A file that fails is never put in place.

import { execFile } from 'node:child_process';
import { cLocaleEnv } from '../discovery/c-locale.js';
import { parseOpensshConfig } from './openssh-syntax.js';

export interface ExpectedHost {
  name: string;
  /** Per option `ssh -G` prints, the spellings that mean the value (IdentityFile is printed before its %-expansion). */
  options: Record<string, string[]>;
}

/** A file OpenSSH (or, without it, our parser) reads as meant; else why not. */
export type ConfigCheck = (file: string, text: string, hosts: ExpectedHost[]) => Promise<string | null>;

const KNOWN = new Set(['host', 'hostname', 'port', 'user', 'identityfile', 'identitiesonly', 'hostkeyalias', 'userknownhostsfile', 'stricthostkeychecking', 'include']);

/** Our own reading: every line splits (no open quote) and names only the options the tray writes. */
export function ownParserProblem(text: string): string | null {
  const { lines, invalid } = parseOpensshConfig(text);
  if (invalid.length > 0) return `line ${invalid[0]} has an unterminated quote`;
  const odd = lines.find((l) => !KNOWN.has(l.keyword) || (l.keyword !== 'host' && l.keyword !== 'include' && l.args.length !== 1));
  return odd ? `line ${odd.line} (${odd.keyword}) does not read as one value` : null;
}

function sshG(file: string, host: string): Promise<{ missing: boolean; code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('ssh', ['-G', '-F', file, '--', host], { timeout: 10_000, maxBuffer: 1024 * 1024, windowsHide: true, env: cLocaleEnv() }, (err, stdout, stderr) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      resolve({ missing: code === 'ENOENT', code: err ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
    });
  });
}

export const checkWithOpenssh: ConfigCheck = async (file, text, hosts) => {
  const own = ownParserProblem(text);
  if (own) return own;
  for (const h of hosts) {
    const r = await sshG(file, h.name);
    if (r.missing) return null;
    if (r.code !== 0) return `OpenSSH cannot read it for ${h.name}: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.code}`}`;
    const got = new Map<string, string[]>();
    for (const line of r.stdout.split('\n')) {
      const at = line.indexOf(' ');
      if (at > 0) got.set(line.slice(0, at), [...(got.get(line.slice(0, at)) ?? []), line.slice(at + 1)]);
    }
    for (const [key, want] of Object.entries(h.options)) {
      if (!(got.get(key) ?? []).some((v) => want.includes(v))) return `OpenSSH reads ${key} for ${h.name} as ${JSON.stringify(got.get(key)?.[0] ?? null)}, not ${JSON.stringify(want[0])}`;
    }
  }
  return null;
};
