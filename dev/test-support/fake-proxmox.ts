// A local HTTPS server that answers as the Proxmox VE API does (the API viewer's schemas and
// pveproxy's behaviour, PVE 8): API tokens in `Authorization: PVEAPIToken=…` (anything else is
// "401 No ticket"), /cluster/resources?type=vm across nodes, a VM's guest-agent interfaces and a
// container's interfaces. A VM given an agent socket is answered by a real QEMU guest agent over
// QEMU's chardev (guest-sync, then guest-network-get-interfaces), its JSON passed through under
// data.result as Proxmox passes it; without one, "500 QEMU guest agent is not running".

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { quickemuPaths, type LabGuest, type LabRecord } from '../lab/lab.js';

export interface FakeGuest {
  type: 'qemu' | 'lxc';
  vmid: number;
  name: string;
  node: string;
  status: 'running' | 'stopped';
  /** A real QEMU's guest-agent chardev socket. */
  agentSocket?: string;
  /** A container's interfaces, as /nodes/{node}/lxc/{vmid}/interfaces lists them. */
  lxc?: Array<{ name: string; hwaddr: string; inet?: string }>;
}

export interface FakeProxmox {
  url: string;
  port: number;
  /** Every request: method, path and whether it carried the token. */
  requests: Array<{ path: string; authorized: boolean; authorization: string | null }>;
  /** TLS connections accepted so far. */
  readonly connections: number;
  /** 'deny': every call answers 403, as for a token without VM.Audit. */
  mode: 'ok' | 'deny';
  close(): Promise<void>;
}

/** A QEMU lab's running VMs as a cluster's guests: vmid 101 on, spread over nodes pve1 to pve3, each answered by its real guest agent. */
export function qemuLabGuests(record: LabRecord, guests: LabGuest[] = record.guests): FakeGuest[] {
  return guests.map((g, i) => ({ type: 'qemu', vmid: 101 + i, name: g.vmName, node: `pve${(i % 3) + 1}`, status: 'running', agentSocket: quickemuPaths(record, g).agent }));
}

/** A self-signed certificate, as a fresh Proxmox VE node has one of its own CA's. */
export function selfSignedCert(cn = 'pve1'): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
  return { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
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

export async function startFakeProxmox(options: { guests: FakeGuest[]; token: string; tls?: { key: Buffer; cert: Buffer }; port?: number }): Promise<FakeProxmox> {
  const tlsFiles = options.tls ?? selfSignedCert();
  const requests: FakeProxmox['requests'] = [];
  const state = { mode: 'ok' as FakeProxmox['mode'] };
  const server = https.createServer({ key: tlsFiles.key, cert: tlsFiles.cert }, (req, res) => {
    const authorization = req.headers.authorization ?? null;
    const authorized = authorization === `PVEAPIToken=${options.token}`;
    requests.push({ path: req.url ?? '', authorized, authorization });
    const send = (status: number, reason: string, body: unknown) => {
      res.writeHead(status, reason, { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number, reason: string) => send(status, reason, { data: null, message: `${reason}\n` });
    if (!authorized) return fail(401, 'No ticket');
    if (state.mode === 'deny') return fail(403, 'Permission check failed (/vms, VM.Audit)');
    const url = new URL(req.url ?? '/', 'https://pve');
    if (req.method !== 'GET') return fail(501, 'Method not implemented');
    if (url.pathname === '/api2/json/cluster/resources' && url.searchParams.get('type') === 'vm') {
      return send(200, 'OK', { data: options.guests.map((g) => ({ id: `${g.type}/${g.vmid}`, type: g.type, vmid: g.vmid, name: g.name, node: g.node, status: g.status, template: 0, maxmem: 201326592, maxcpu: 1 })) });
    }
    const m = /^\/api2\/json\/nodes\/([^/]+)\/(qemu|lxc)\/(\d+)\/(agent\/network-get-interfaces|interfaces)$/.exec(url.pathname);
    const g = m && options.guests.find((x) => x.node === decodeURIComponent(m[1]!) && x.type === m[2] && x.vmid === Number(m[3]));
    if (!m || !g) return fail(500, `Configuration file 'nodes/${m?.[1] ?? '?'}/qemu-server/${m?.[3] ?? '?'}.conf' does not exist`);
    if (g.status !== 'running') return fail(500, g.type === 'qemu' ? `VM ${g.vmid} is not running` : `CT ${g.vmid} not running`);
    if (g.type === 'lxc') return send(200, 'OK', { data: g.lxc ?? [] });
    if (!g.agentSocket) return fail(500, 'QEMU guest agent is not running');
    askAgent(g.agentSocket, 'guest-network-get-interfaces').then(
      (result) => send(200, 'OK', { data: { result } }),
      () => fail(500, 'QEMU guest agent is not running'),
    );
  });
  let connections = 0;
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return connections;
    },
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
