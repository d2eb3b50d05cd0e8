// A local HTTPS server that answers as Proxmox VE's pveproxy does, read from the upstream sources
// (pve-manager 14a22df3, pve-http-server 5c9e4ea, qemu-server e6352be6, pve-container 94f5585,
// pve-access-control 5ccd07d, pve-cluster 7091d92, pve-common f665029; the file:line beside each
// behaviour): API tokens in `Authorization: PVEAPIToken=…`, privileges per endpoint and per
// guest, /cluster/resources filtered to what the token may audit, guests of offline nodes with no
// name, a VM's guest-agent interfaces and a container's, guest configs with their MACs, errors
// with and without a `message` body, connections closed after every error, and one certificate
// per node signed by the cluster's CA. A VM given an agent socket is answered by a real QEMU guest
// agent over QEMU's chardev (guest-sync, then guest-network-get-interfaces), its JSON passed
// through under data.result as Proxmox passes it. For scale: each guest's uptime counts from its
// last start, its config has the digest of its file, guests restart and are reconfigured while the
// server runs, every request can be given a latency, and each node runs as many handlers at once
// as pveproxy has workers, the rest waiting (with the most seen in flight, overall and per node).
// A guest's status/start, shutdown and reboot (POST) need VM.PowerMgmt, answer with the UPID of
// the task they fork and change its status (a start or reboot is a new process: a new uptime).

import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pLimit from 'p-limit';
import { quickemuPaths, type LabGuest, type LabRecord } from '../lab/lab.js';

export interface FakeGuest {
  type: 'qemu' | 'lxc';
  vmid: number;
  name: string;
  node: string;
  status: 'running' | 'stopped';
  /** net0's MAC (colon-separated), as its config holds it. */
  mac?: string;
  /** A VM's `agent` option; false: "No QEMU guest agent configured". Default true. */
  agent?: boolean;
  /** A real QEMU's guest-agent chardev socket. */
  agentSocket?: string;
  /** Without a real agent: the guest-network-get-interfaces result its agent would give. */
  agentResult?: unknown[];
  /** A container's interfaces as `ip --json a` inside it sees them: addresses as "10.0.0.7/24". */
  lxc?: Array<{ name: string; mac: string; addresses: string[] }>;
  /** Its `memory` in MiB (192 by default): /cluster/resources shows it as maxmem. */
  memory?: number;
  /** Its agent never answers (a hung guest): the request is held until the client gives up. */
  agentHangs?: boolean;
}

export interface FakeProxmoxOptions {
  guests: FakeGuest[];
  token: string;
  /** `release` of /version: '9.0' (default) or '8.4'; it decides the agent endpoint's privilege. */
  release?: string;
  /** The token's privileges per guest (by vmid): an ACL on /vms/<vmid>; a guest not listed has `vmsPrivileges`. */
  privileges?: Record<number, string[]>;
  /** The token's privileges on /vms (an ACL there, propagated to every guest); by default all the tray needs. */
  vmsPrivileges?: string[];
  /** Guests on these nodes come back as an offline node's do (over 5 minutes offline). */
  offlineNodes?: string[];
  /** These nodes cannot be reached from the node answering (595 for any request proxied to them). */
  unreachableNodes?: string[];
  /** pve-http-server before 9a2112e (Jan 2025): error bodies carry no `message`. */
  noMessageField?: boolean;
  /** The cluster's CA (one is made if not given). */
  ca?: ClusterCa;
  /** The node whose certificate the server shows (default the first guest's node, else 'pve1'). */
  serveAs?: string;
  port?: number;
  /** Every answer waits this long first (a real cluster's per-request time; the bench says which figure). */
  latencyMs?: number;
  /**
   * How many requests a node handles at once; the rest wait. pveproxy runs 3 worker processes
   * (pve-manager PVE/Service/pveproxy.pm:32), each handling one API call at a time.
   */
  nodeWorkers?: number;
  /** The cluster's clock, in ms (uptimes count on it); Date.now by default. */
  clock?: () => number;
}

export interface FakeProxmox {
  url: string;
  port: number;
  ca: ClusterCa;
  /** Every request: method, path and whether it carried the token. */
  requests: Array<{ method: string; path: string; authorized: boolean; authorization: string | null }>;
  /** The guests as the cluster has them now (a start or shutdown changes their status). */
  guests: FakeGuest[];
  /** TLS connections accepted so far. */
  readonly connections: number;
  /** The most requests seen in flight at once, overall and per node (of guest calls, by node). */
  readonly maxInFlight: number;
  readonly maxInFlightByNode: ReadonlyMap<string, number>;
  /** Forgets the requests and the in-flight maxima seen so far (a bench's next pass). */
  resetCounts(): void;
  /** The guest starts again: a new QEMU process, so its uptime counts from 0 (or it started `upFor` seconds ago). */
  restart(vmid: number, upFor?: number): void;
  /** Its config changes (a new MAC, more memory): its file, and so its digest, change. */
  reconfigure(vmid: number, change: Partial<Pick<FakeGuest, 'mac' | 'memory' | 'agentResult' | 'lxc'>>): void;
  /** The SHA-256 fingerprint of a node's certificate, in the form the pins keep. */
  fingerprint(node: string): string;
  /** Shows this node's certificate from now on (another node answering the same address). */
  serveAs(node: string): void;
  /** pveupdate renewed this node's certificate: a new one, the same CA (pve-manager bin/pveupdate:137-145). */
  renew(node: string): void;
  /** Shows a certificate of another CA altogether (an impostor, or a cluster rebuilt). */
  serveForeign(): void;
  close(): Promise<void>;
}

/** What a token is given when `privileges` does not list the guest: all the tray ever needs. */
const allPrivileges = (release = '9.0') => (Number.parseFloat(release) >= 9 ? ['VM.Audit', 'VM.GuestAgent.Audit'] : ['VM.Audit', 'VM.Monitor']);

/** A QEMU lab's running VMs as a cluster's guests: vmid 101 on, spread over nodes pve1 to pve3, each answered by its real guest agent. */
export function qemuLabGuests(record: LabRecord, guests: LabGuest[] = record.guests): FakeGuest[] {
  return guests.map((g, i) => ({ type: 'qemu', vmid: 101 + i, name: g.vmName, node: `pve${(i % 3) + 1}`, status: 'running', mac: g.mac, agentSocket: quickemuPaths(record, g).agent }));
}

export interface ClusterCa {
  key: string;
  cert: string;
  dir: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** The cluster's own CA, as `pvecm create` makes it (pve-cluster src/PVE/Cluster/Setup.pm:76-78, :437). */
export function clusterCa(): ClusterCa {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-ca-'));
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'ca.key'), '-out', path.join(dir, 'ca.pem'), '-days', '30', '-subj', `/CN=Proxmox Virtual Environment/OU=${path.basename(dir)}/O=PVE Cluster Manager CA`, '-addext', 'basicConstraints=critical,CA:TRUE']);
  return { dir, key: readFileSync(path.join(dir, 'ca.key'), 'utf8'), cert: readFileSync(path.join(dir, 'ca.pem'), 'utf8') };
}

let serial = 1;
/** A node's pve-ssl.pem: its own key, signed by the cluster CA, for its name and addresses (Setup.pm:487-563). */
export function nodeCert(ca: ClusterCa, node: string): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-node-'));
  const ext = path.join(dir, 'ext.cnf');
  writeFileSync(ext, `subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,DNS:${node}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'req.pem'), '-subj', `/OU=PVE Cluster Node/O=Proxmox Virtual Environment/CN=${node}`]);
  openssl(['x509', '-req', '-in', path.join(dir, 'req.pem'), '-CA', path.join(ca.dir, 'ca.pem'), '-CAkey', path.join(ca.dir, 'ca.key'), '-set_serial', String(serial++ + Date.now()), '-days', '20', '-extfile', ext, '-out', path.join(dir, 'cert.pem')]);
  return { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
}

/** Asks a real QEMU guest agent over its chardev socket: guest-sync first, as the protocol wants. */
export function askAgent(socketPath: string, command: string, timeoutMs = 5_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const id = Math.floor(Math.random() * 1e9);
    let synced = false;
    const timer = setTimeout(() => socket.destroy(new Error('the guest agent did not answer')), timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('connect', () => socket.write(`${JSON.stringify({ execute: 'guest-sync', arguments: { id } })}\n`));
    createInterface({ input: socket }).on('line', (line) => {
      let msg: { return?: unknown; error?: { desc?: string } };
      try {
        msg = JSON.parse(line.replace(/^\xff/, ''));
      } catch {
        return;
      }
      if (!synced) {
        if (msg.return === id) {
          synced = true;
          socket.write(`${JSON.stringify({ execute: command })}\n`);
        }
        return;
      }
      clearTimeout(timer);
      socket.end();
      if (msg.error) reject(new Error(msg.error.desc ?? 'guest agent error'));
      else resolve(msg.return);
    });
  });
}

/** A container's /interfaces entry as pve-container builds it from `ip --json a` (src/PVE/LXC.pm:1278-1298). */
function lxcInterface(i: { name: string; mac: string; addresses: string[] }) {
  const obj: Record<string, unknown> = { name: i.name };
  const list = i.addresses.map((a) => {
    const [local, prefix] = a.split('/');
    const family = net.isIPv6(local!) ? 'inet6' : 'inet';
    // The deprecated per-family field is overwritten by each address: it keeps the last (:1282-1283).
    obj[family] = a;
    return { 'ip-address-type': family, 'ip-address': local, prefix: Number(prefix) };
  });
  obj['ip-addresses'] = list;
  obj['hardware-address'] = i.mac;
  obj['hwaddr'] = i.mac; // deprecated (:1295-1296)
  return obj;
}

/** The `netN` string of a guest's config (qemu-server src/PVE/QemuServer/Network.pm:207; pve-container src/PVE/LXC/Config.pm:873). */
function configOf(g: FakeGuest): Record<string, unknown> {
  const mac = (g.mac ?? '').toUpperCase();
  const memory = g.memory ?? 192;
  if (g.type === 'lxc') return { hostname: g.name, arch: 'amd64', memory, ...(mac ? { net0: `name=eth0,bridge=vmbr0,hwaddr=${mac},ip=dhcp,type=veth` } : {}) };
  return { name: g.name, memory, ...(g.agent === false ? {} : { agent: '1' }), ...(mac ? { net0: `virtio=${mac},bridge=vmbr0,firewall=1` } : {}) };
}

/**
 * GET …/config's answer: the config with `digest`, the SHA-1 of the config file's text
 * (qemu-server src/PVE/QemuServer.pm:1946, pve-container src/PVE/LXC/Config.pm:1132): any change
 * to the file changes it.
 */
function configAnswer(g: FakeGuest): Record<string, unknown> {
  const config = configOf(g);
  const raw = Object.entries(config).map(([k, v]) => `${k}: ${String(v)}\n`).join('');
  return { ...config, digest: createHash('sha1').update(raw).digest('hex') };
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeProxmox(options: FakeProxmoxOptions): Promise<FakeProxmox> {
  const release = options.release ?? '9.0';
  const pve9 = Number.parseFloat(release) >= 9;
  for (const privs of [...Object.values(options.privileges ?? {}), options.vmsPrivileges ?? []]) {
    // pve-access-control 9 dropped VM.Monitor: a role naming it cannot be made (src/PVE/AccessControl.pm:1235).
    if (pve9 && privs.includes('VM.Monitor')) throw new Error("invalid privilege 'VM.Monitor'");
  }
  const ca = options.ca ?? clusterCa();
  const certs = new Map<string, { key: string; cert: string }>();
  const certOf = (node: string) => certs.get(node) ?? certs.set(node, nodeCert(ca, node)).get(node)!;
  let shown = certOf(options.serveAs ?? options.guests[0]?.node ?? 'pve1');
  const requests: FakeProxmox['requests'] = [];
  const offline = new Set(options.offlineNodes ?? []);
  const unreachable = new Set(options.unreachableNodes ?? []);
  const onVms = options.vmsPrivileges ?? allPrivileges(release);
  const privilegesOf = (vmid: number) => options.privileges?.[vmid] ?? onVms;
  // Each guest's process started this long ago when the server starts (an uptime of 4242 s).
  const clock = options.clock ?? Date.now;
  const bootedAt = new Map(options.guests.map((g) => [g.vmid, clock() - 4_242_000]));
  const uptimeOf = (g: FakeGuest) => Math.floor((clock() - (bootedAt.get(g.vmid) ?? clock())) / 1000);
  const guestOf = (vmid: number) => {
    const g = options.guests.find((x) => x.vmid === vmid);
    if (!g) throw new Error(`no guest ${vmid}`);
    return g;
  };
  let inFlight = 0;
  let maxInFlight = 0;
  const inFlightByNode = new Map<string, number>();
  const maxInFlightByNode = new Map<string, number>();
  const workers = new Map<string, ReturnType<typeof pLimit>>();
  /** The request handled by its node's workers (a node's own calls are run there, proxyto => 'node'), after the latency. */
  function handled(pathname: string, query: URLSearchParams): Promise<unknown> {
    const node = /^\/nodes\/([^/]+)\//.exec(pathname)?.[1] ?? '(entry)';
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    inFlightByNode.set(node, (inFlightByNode.get(node) ?? 0) + 1);
    maxInFlightByNode.set(node, Math.max(maxInFlightByNode.get(node) ?? 0, inFlightByNode.get(node)!));
    const run = async () => {
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      return answer(pathname, query);
    };
    const limit = options.nodeWorkers ? (workers.get(node) ?? workers.set(node, pLimit(options.nodeWorkers)).get(node)!) : null;
    return (limit ? limit(run) : run()).finally(() => {
      inFlight--;
      inFlightByNode.set(node, inFlightByNode.get(node)! - 1);
    });
  }

  // RPCEnvironment::check / check_any (pve-access-control src/PVE/RPCEnvironment.pm:291-326),
  // raised as "Permission check failed (<path>, <privs>)" with 403 (pve-common src/PVE/Exception.pm:58).
  const need = (vmid: number, any: string[]) => {
    if (!any.some((p) => privilegesOf(vmid).includes(p))) throw new ApiError(403, `Permission check failed (/vms/${vmid}, ${any.join('|')})`);
  };

  let tasks = 0;
  /**
   * POST …/status/start|shutdown|reboot (qemu-server src/PVE/API2/Qemu.pm:3494-3501, :3857-3866,
   * :3973-3981): VM.PowerMgmt on /vms/{vmid}, then the UPID of the forked task (:3676, :3967,
   * :4023), as pve-common's upid_encode writes it (src/PVE/Tools.pm): "UPID:$node:$pid:$pstart:
   * $starttime:$dtype:$id:$user:", the numbers in upper-case hex; $user is the token's id. A reboot
   * of a stopped VM dies before its task (:4013); a start of a running one fails in its task
   * (src/PVE/QemuServer.pm:5531), after the UPID was answered.
   */
  function power(pathname: string): string {
    const m = /^\/nodes\/([^/]+)\/(qemu|lxc)\/(\d+)\/status\/(start|shutdown|reboot)$/.exec(pathname);
    if (!m) throw new ApiError(501, `Method 'POST ${pathname}' not implemented`);
    const node = decodeURIComponent(m[1]!);
    const vmid = Number(m[3]);
    if (offline.has(node) || unreachable.has(node)) throw new ApiError(595, 'Connection refused');
    need(vmid, ['VM.PowerMgmt']);
    const g = options.guests.find((x) => x.node === node && x.type === m[2] && x.vmid === vmid);
    if (!g) throw new ApiError(500, `Configuration file 'nodes/${node}/${m[2] === 'qemu' ? 'qemu-server' : 'lxc'}/${vmid}.conf' does not exist`);
    const call = m[4]!;
    if (call === 'reboot' && g.status !== 'running') throw new ApiError(500, `VM ${vmid} not running`);
    if (call === 'start' && g.status !== 'running') bootedAt.set(vmid, clock());
    if (call === 'reboot') bootedAt.set(vmid, clock());
    if (call === 'start') g.status = 'running';
    if (call === 'shutdown') g.status = 'stopped';
    const hex = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
    const type = { start: 'qmstart', shutdown: 'qmshutdown', reboot: 'qmreboot' }[call]!;
    return `UPID:${node}:${hex(4000 + ++tasks)}:${hex(123456)}:${hex(Math.floor(Date.now() / 1000))}:${type}:${vmid}:${options.token.split('=')[0]}:`;
  }

  async function answer(pathname: string, query: URLSearchParams): Promise<unknown> {
    // /version and /cluster/resources are allowed to every user (pve-manager PVE/API2.pm:89, PVE/API2/Cluster.pm:267).
    if (pathname === '/version') return { version: `${release}.2`, release, repoid: 'f0e1d2c3' };
    // Every user and token may read its own effective permissions (pve-access-control
    // src/PVE/API2/AccessControl.pm:509-574): without `path`, per path among '/', '/vms' and each
    // path an ACL names, the privileges in effect there (value: propagate, 1), paths with none
    // left out (src/PVE/RPCEnvironment.pm:241-290).
    if (pathname === '/access/permissions') {
      const perms: Record<string, Record<string, number>> = {};
      const as = (privs: string[]) => Object.fromEntries(privs.map((p) => [p, 1]));
      if (onVms.length > 0) perms['/vms'] = as(onVms);
      for (const [vmid, privs] of Object.entries(options.privileges ?? {})) if (privs.length > 0) perms[`/vms/${vmid}`] = as(privs);
      return perms;
    }
    if (pathname === '/cluster/resources') {
      if (query.get('type') !== 'vm') throw new ApiError(400, 'Parameter verification failed.');
      // Guests the token may not audit are left out, never refused (Cluster.pm:588).
      return options.guests
        .filter((g) => privilegesOf(g.vmid).includes('VM.Audit'))
        .map((g) =>
          offline.has(g.node)
            ? // No RRD entry for a node offline over 5 minutes: no name, no template (API2Tools.pm:81-91).
              { id: `${g.type}/${g.vmid}`, vmid: g.vmid, node: g.node, type: g.type, status: 'unknown' }
            : // uptime: the age of the guest's process (qemu-server src/PVE/QemuServer.pm:2632), through the RRD (API2Tools.pm:97);
              // maxmem: its config's memory (QemuServer.pm:2578).
              { id: `${g.type}/${g.vmid}`, type: g.type, vmid: g.vmid, name: g.name, node: g.node, status: g.status, template: 0, uptime: g.status === 'running' ? uptimeOf(g) : 0, maxmem: (g.memory ?? 192) * 1024 * 1024, maxcpu: 1 },
        );
    }
    const m = /^\/nodes\/([^/]+)\/(.+)$/.exec(pathname);
    if (!m) throw new ApiError(501, `Method 'GET ${pathname}' not implemented`);
    const node = decodeURIComponent(m[1]!);
    // A node's own calls are proxied to it (proxyto => 'node', pve-manager PVE/HTTPServer.pm:178-190);
    // one that cannot be reached gives AnyEvent::HTTP's 595 with an empty body (pve-http-server
    // src/PVE/APIServer/AnyEvent.pm:835-876).
    if (offline.has(node) || unreachable.has(node)) throw new ApiError(595, `Connection refused`);
    // /nodes/{node}/certificates/info: every user; pve-root-ca.pem, then the node's (pve-manager
    // PVE/API2/Certificates.pm:49-81; fields from pve-common src/PVE/Certificate.pm:263-326).
    if (m[2] === 'certificates/info') {
      const list = [{ filename: 'pve-root-ca.pem', pem: ca.cert }];
      if (node !== 'localhost') list.push({ filename: 'pve-ssl.pem', pem: certOf(node).cert });
      return list;
    }
    const g2 = /^(qemu|lxc)\/(\d+)\/(config|interfaces|agent\/network-get-interfaces)$/.exec(m[2]!);
    if (!g2) throw new ApiError(501, `Method 'GET ${pathname}' not implemented`);
    const vmid = Number(g2[2]);
    const g = options.guests.find((x) => x.node === node && x.type === g2[1] && x.vmid === vmid);
    const call = g2[3]!;
    // The API checks privileges before the handler runs; the agent's are per command
    // (qemu-server src/PVE/API2/Qemu/Agent.pm:65-68 and :184, VM.Monitor before 9.0.3).
    need(vmid, call.startsWith('agent/') ? (pve9 ? ['VM.GuestAgent.Audit', 'VM.GuestAgent.Unrestricted'] : ['VM.Monitor']) : ['VM.Audit']);
    if (!g) throw new ApiError(500, `Configuration file 'nodes/${node}/${g2[1] === 'qemu' ? 'qemu-server' : 'lxc'}/${vmid}.conf' does not exist`);
    if (call === 'config') return configAnswer(g);
    if (g.type === 'lxc') {
      if (call !== 'interfaces') throw new ApiError(501, `Method 'GET ${pathname}' not implemented`);
      // A stopped container has no pid: get_interfaces returns nothing (pve-container src/PVE/LXC.pm:1265-1266).
      if (g.status !== 'running') return null;
      return [{ name: 'lo', mac: '00:00:00:00:00:00', addresses: ['127.0.0.1/8', '::1/128'] }, ...(g.lxc ?? [])].map(lxcInterface);
    }
    if (call !== 'agent/network-get-interfaces') throw new ApiError(501, `Method 'GET ${pathname}' not implemented`);
    // qemu-server src/PVE/QemuServer/Agent.pm:109-113, in this order.
    if (g.agent === false) throw new ApiError(500, 'No QEMU guest agent configured');
    if (g.status !== 'running') throw new ApiError(500, `VM ${vmid} is not running`);
    if (g.agentHangs) return new Promise<never>(() => undefined);
    if (g.agentResult) return { result: g.agentResult };
    if (!g.agentSocket) throw new ApiError(500, 'QEMU guest agent is not running');
    const result = await askAgent(g.agentSocket, 'guest-network-get-interfaces').catch(() => {
      throw new ApiError(500, 'QEMU guest agent is not running');
    });
    return { result };
  }

  const server = https.createServer({ key: shown.key, cert: shown.cert }, (req, res) => {
    const authorization = req.headers.authorization ?? null;
    // pve-http-server src/PVE/APIServer/Formatter.pm:78-88 reads the value after `PVEAPIToken=`.
    const authorized = authorization === `PVEAPIToken=${options.token}`;
    requests.push({ method: req.method ?? '', path: req.url ?? '', authorized, authorization });
    // Every answer >= 400 closes the connection (AnyEvent.pm:322, then `Connection: close`, :366-370).
    const close = (status: number, reason: string, body?: string) => {
      res.shouldKeepAlive = false;
      res.writeHead(status, reason, { Connection: 'close', ...(body === undefined ? {} : { 'Content-Type': 'application/json;charset=UTF-8' }) });
      res.end(body);
    };
    if (!authorized) {
      // A failed authentication: no body, the reason in the status line, after 3 s (AnyEvent.pm:1615-1647;
      // "No ticket" without a token, "Authentication failed!" for a wrong one, pve-manager PVE/HTTPServer.pm:85-92).
      const reason = authorization?.startsWith('PVEAPIToken=') ? 'Authentication failed!' : 'No ticket';
      setTimeout(() => close(401, reason), 3_000);
      return;
    }
    const url = new URL(req.url ?? '/', 'https://pve');
    if (!url.pathname.startsWith('/api2/json/')) return close(501, 'no such uri', 'no such uri');
    if (req.method !== 'GET' && req.method !== 'POST') return close(501, `Method '${req.method} ${url.pathname}' not implemented`);
    const pathname = url.pathname.slice('/api2/json'.length);
    (req.method === 'POST' ? Promise.resolve().then(() => power(pathname)) : handled(pathname, url.searchParams)).then(
      (data) => {
        res.writeHead(200, 'OK', { 'Content-Type': 'application/json;charset=UTF-8' });
        res.end(JSON.stringify({ data }));
      },
      (err: unknown) => {
        const e = err instanceof ApiError ? err : new ApiError(500, String(err));
        // 595/596 are passed on from the proxied request with an empty body (AnyEvent.pm:855-876).
        if (e.status >= 595) return close(e.status, e.message);
        // A handler's error: the message as the reason and, since pve-http-server 9a2112e (Jan 2025),
        // in the body (src/PVE/APIServer/Formatter/Standard.pm:36-39).
        close(e.status, e.message, JSON.stringify({ data: null, ...(options.noMessageField ? {} : { message: `${e.message}\n` }) }));
      },
    );
  });
  // pveproxy keeps a connection 5 s idle (AnyEvent.pm:2109) for up to 100 requests (pve-manager PVE/Service/pveproxy.pm:100).
  server.keepAliveTimeout = 5_000;
  server.maxRequestsPerSocket = 100;
  let connections = 0;
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const show = (c: { key: string; cert: string }) => {
    shown = c;
    server.setSecureContext({ key: c.key, cert: c.cert });
  };
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    ca,
    requests,
    guests: options.guests,
    get connections() {
      return connections;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    maxInFlightByNode,
    resetCounts() {
      requests.length = 0;
      maxInFlight = inFlight;
      maxInFlightByNode.clear();
    },
    restart(vmid, upFor = 0) {
      const g = guestOf(vmid);
      g.status = 'running';
      bootedAt.set(vmid, clock() - upFor * 1000);
    },
    reconfigure(vmid, change) {
      Object.assign(guestOf(vmid), change);
    },
    fingerprint(node) {
      return `SHA256:${createHash('sha256').update(new X509Certificate(certOf(node).cert).raw).digest('base64').replace(/=+$/, '')}`;
    },
    serveAs: (node) => show(certOf(node)),
    renew(node) {
      certs.set(node, nodeCert(ca, node));
      show(certOf(node));
    },
    serveForeign: () => show(nodeCert(clusterCa(), 'pve1')),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
