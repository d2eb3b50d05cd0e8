// quickemu's files, read without running them: a `<vm>.conf` (a bash file quickemu sources; only
// plain `key="value"` lines are read here, nothing is expanded or executed) and the files quickemu
// 4.9.9 keeps in VMDIR beside the disk: `<vm>.pid`, `<vm>.ports` ("ssh,22220"), `<vm>.log` and the
// guest agent's socket. Line numbers cite quickemu-project/quickemu's `quickemu` at 4.9.9.

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
  /** VMDIR, absolute. */
  dir: string;
  /** The disk image: disk_img, or `disk.<disk_format>` in VMDIR when disk_img is unset (quickemu:2837-2839). */
  disk: string;
  /** Written by QEMU's -pidfile (mode 0600), removed by QEMU when it exits. */
  pid: string;
  /** `-pidfile`'s argument as quickemu passes it, relative to the .conf's folder unless disk_img is absolute. */
  pidArg: string;
  /** `ssh,22220` and `spice,5930` lines (configure_ports, quickemu:1423-1523); left behind by --kill. */
  ports: string;
  /** QEMU's own stdout and stderr (quickemu:2157), never the guest's console. */
  log: string;
  /** The guest console: `-serial unix:…,server,nowait` (quickemu:2130), a socket server. */
  serial: string;
  /** The QEMU guest agent's channel, when the display is none, spice or spice-app (quickemu:1767-1772). */
  agent: string;
  /** QEMU's human monitor, `-monitor unix:…,server,nowait` (quickemu:2099-2101, the default `monitor="socket"`, :2557). */
  monitor: string;
}

/**
 * Where quickemu keeps a VM's files: `VMDIR=$(dirname "${disk_img}")` (quickemu:2816), so `.`
 * (the .conf's folder: quickemu pushd's there, :2844) when disk_img is unset; named after the
 * .conf (`VMNAME=$(basename "${VM}" .conf)`, :2817).
 */
export function vmPaths(confFile: string, conf: QuickemuConf): VmPaths {
  const name = path.basename(confFile, '.conf');
  const disk = conf.values['disk_img'] ?? '';
  const vmdir = path.posix.dirname(disk);
  const dir = path.resolve(path.dirname(confFile), vmdir);
  const inDir = (file: string) => path.join(dir, file);
  return {
    name,
    dir,
    disk: disk ? path.resolve(path.dirname(confFile), disk) : inDir(`disk.${conf.values['disk_format'] || 'qcow2'}`),
    pid: inDir(`${name}.pid`),
    pidArg: `${vmdir}/${name}.pid`,
    ports: inDir(`${name}.ports`),
    log: inDir(`${name}.log`),
    serial: inDir(`${name}-serial.socket`),
    agent: inDir(`${name}-agent.sock`),
    monitor: inDir(`${name}-monitor.socket`), // SOCKET_MONITOR (quickemu:2819)
  };
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
