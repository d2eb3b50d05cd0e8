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

/** A NIC that gives a Mac guest an address its host and peers reach: QEMU's vmnet netdevs, or socket_vmnet's socket. */
export interface VmnetNic {
  mode: 'vmnet-shared' | 'vmnet-host' | 'vmnet-bridged' | 'socket_vmnet';
  /** The NIC's mac= (its -device's, or the -nic's own); null when QEMU picks one. */
  mac: string | null;
}

const VMNET_BACKENDS = new Set(['vmnet-shared', 'vmnet-host', 'vmnet-bridged']);

/**
 * The vmnet NIC `extra_args` adds (quickemu appends extra_args to QEMU's arguments as they are
 * split by the shell, quickemu:2141-2143): `-netdev vmnet-shared|vmnet-host|vmnet-bridged,id=…`
 * (QEMU 7.1's vmnet backends, macOS only) or `-netdev socket,id=…,fd=3` under
 * socket_vmnet_client (lima-vm/socket_vmnet README.md:294-301), with the `-device …,netdev=<id>`
 * that carries its mac=; or the same backends as one `-nic`. Null when there is none.
 */
export function vmnetNic(conf: QuickemuConf): VmnetNic | null {
  const words = (conf.values['extra_args'] ?? '').split(/\s+/).filter(Boolean);
  const optionsOf = (flag: string) => words.flatMap((w, i) => (w === flag && words[i + 1] ? [parseOptions(words[i + 1]!)] : []));
  const modeOf = (o: ParsedOptions): VmnetNic['mode'] | null => (VMNET_BACKENDS.has(o.kind) ? (o.kind as VmnetNic['mode']) : o.kind === 'socket' && o.values.fd !== undefined ? 'socket_vmnet' : null);
  for (const nic of optionsOf('-nic')) {
    const mode = modeOf(nic);
    if (mode) return { mode, mac: nic.values.mac ?? null };
  }
  const devices = optionsOf('-device');
  for (const netdev of optionsOf('-netdev')) {
    const mode = modeOf(netdev);
    if (mode) return { mode, mac: devices.find((d) => d.values.netdev === netdev.values.id)?.values.mac ?? null };
  }
  return null;
}

interface ParsedOptions {
  kind: string;
  values: Record<string, string>;
}

/** QEMU's `kind,key=value,…` option string (no escaped commas: none of these values needs one). */
function parseOptions(text: string): ParsedOptions {
  const [kind = '', ...rest] = text.replace(/^["']|["']$/g, '').split(',');
  return { kind, values: Object.fromEntries(rest.map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)])) };
}
