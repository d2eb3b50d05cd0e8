// quickemu's files, read without running them: a `<vm>.conf` (a bash file quickemu sources; only
// plain `key="value"` lines are read here, nothing is expanded or executed) and the state files
// quickemu keeps beside the disk: `<vm>.pid`, `<vm>.ports` ("ssh,22220") and `<vm>.log`.
// Layout as quickemu computes it: VMDIR is the folder of disk_img, relative to the .conf's folder.

import path from 'node:path';

export interface QuickemuConf {
  /** Keys as written; values with quotes removed. */
  values: Record<string, string>;
  /** Lines that set a key through shell expansion (`$HOME`, `$(...)`): read literally, so named. */
  expanded: string[];
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s"'#;&|<>()`]*))\s*(?:#.*)?$/;

export function parseConf(text: string): QuickemuConf {
  const values: Record<string, string> = {};
  const expanded: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (!m) continue; // arrays (port_forwards=(...)) and anything else quickemu may source
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? m[4] ?? '');
    if (m[3] === undefined && /[$`]/.test(value)) expanded.push(m[1]!);
    values[m[1]!] = value;
  }
  return { values, expanded };
}

/** quickemu's `.ports` file: one `name,port[,host]` per line; the ssh forward is what the tray needs. */
export function parsePorts(text: string): { ssh: number | null } {
  for (const line of text.split(/\r?\n/)) {
    const [name, port] = line.trim().split(',');
    const n = Number(port);
    if (name === 'ssh' && Number.isInteger(n) && n > 0 && n < 65536) return { ssh: n };
  }
  return { ssh: null };
}

/** quickemu's pid file: its first line, a positive integer; null otherwise. */
export function parsePid(text: string): number | null {
  const n = Number(text.split('\n')[0]!.trim());
  return Number.isInteger(n) && n > 0 ? n : null;
}

export interface VmPaths {
  name: string;
  dir: string;
  pid: string;
  ports: string;
  log: string;
}

/** Where quickemu keeps a VM's state: `disk_img`'s folder, or `<name>/` beside the .conf when unset. */
export function vmPaths(confFile: string, conf: QuickemuConf): VmPaths {
  const name = path.basename(confFile, '.conf');
  const disk = conf.values['disk_img'];
  const dir = path.resolve(path.dirname(confFile), disk ? path.dirname(disk) : name);
  return { name, dir, pid: path.join(dir, `${name}.pid`), ports: path.join(dir, `${name}.ports`), log: path.join(dir, `${name}.log`) };
}

export type QuickemuNetwork = { kind: 'user'; restricted: boolean } | { kind: 'bridge'; bridge: string } | { kind: 'none' };

/** quickemu's `network`: empty is user-mode, `restrict` user-mode without outbound, `none` none, else a bridge (`bridge` is the old name). */
export function networkOf(conf: QuickemuConf): QuickemuNetwork {
  const n = conf.values['network'] || conf.values['bridge'] || '';
  if (n === '') return { kind: 'user', restricted: false };
  if (n === 'restrict') return { kind: 'user', restricted: true };
  if (n === 'none') return { kind: 'none' };
  return { kind: 'bridge', bridge: n };
}
