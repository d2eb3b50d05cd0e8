// The guest agent tier's client against the real qemu-ga (listening on a unix socket in a network
// namespace of its own, as it would on a VM's channel) and against sockets that misbehave: a
// silent one is given up at the deadline and closed, stale answers before guest-sync are skipped,
// and two asks at once share one connection.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ownNicAddress } from '../../discovery/guest-interfaces.js';
import { askGuestAgent } from './guest-agent-socket.js';

const isRoot = process.getuid?.() === 0;
const hasAgent = existsSync('/usr/sbin/qemu-ga');
const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-qga-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(file: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
}

/** A unix socket server that answers each connection with `reply(line, socket)` per line received. */
function fakeAgent(name: string, reply: (line: string, socket: net.Socket) => void): { path: string; connections: () => number; closed: Promise<void> } {
  const socketPath = path.join(dir, name);
  let count = 0;
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => (closedResolve = r));
  const server = net.createServer((socket) => {
    count++;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).replace(/^\xff/, '');
        buffered = buffered.slice(nl + 1);
        reply(line, socket);
      }
    });
    socket.on('close', closedResolve);
  });
  server.listen(socketPath);
  afterAll(() => void server.close());
  return { path: socketPath, connections: () => count, closed };
}

describe.skipIf(!isRoot || !hasAgent)('the real qemu-ga', () => {
  it("answers guest-sync and guest-network-get-interfaces; the VM's NIC is picked by its MAC, not lo", async () => {
    const socketPath = path.join(dir, 'vm-agent.sock');
    // A namespace with one NIC whose MAC and address the test chose; qemu-ga reports what it sees.
    const script = `ip link add v0 address 52:54:00:aa:bb:cc type veth peer name v1 && ip addr add 10.0.2.15/24 dev v0 && ip link set v0 up && ip link set lo up && exec qemu-ga -m unix-listen -p ${socketPath} -t ${dir} -f ${path.join(dir, 'qga.pid')}`;
    const child = spawn('unshare', ['--net', 'sh', '-c', script], { stdio: 'ignore' });
    children.push(child);
    await waitFor(socketPath);
    const reply = await askGuestAgent(socketPath, 5_000);
    expect('interfaces' in reply).toBe(true);
    if (!('interfaces' in reply)) return;
    expect(reply.interfaces.map((i) => i.name)).toEqual(expect.arrayContaining(['lo', 'v0', 'v1']));
    expect(ownNicAddress(reply.interfaces, ['52:54:00:AA:BB:CC'])).toEqual({ ipv4: '10.0.2.15', nic: expect.objectContaining({ name: 'v0' }) });
    expect(ownNicAddress(reply.interfaces, ['00:00:00:00:00:00'])).toEqual({ ipv4: null, nic: expect.objectContaining({ name: 'lo' }) }); // 127.0.0.1 is no guest address
    // The agent takes the next client once the first is gone: the connection was closed.
    expect('interfaces' in (await askGuestAgent(socketPath, 5_000))).toBe(true);
  }, 20_000);
});

describe('a guest agent socket that misbehaves', () => {
  it('a silent agent (no qemu-ga in the guest) is given up at the deadline, and the connection closed', async () => {
    const silent = fakeAgent('silent.sock', () => undefined);
    await waitFor(silent.path);
    const started = Date.now();
    expect(await askGuestAgent(silent.path, 300)).toEqual({ error: 'the guest agent did not answer within 0.3 s (is qemu-guest-agent running in the guest?)', silent: true });
    expect(Date.now() - started).toBeLessThan(2_000);
    await silent.closed;
  });

  it("skips a stale answer left for an earlier client until guest-sync's id comes back (qga/qapi-schema.json:79-83)", async () => {
    const agent = fakeAgent('stale.sock', (line, socket) => {
      const msg = JSON.parse(line) as { execute: string; arguments?: { id: number } };
      if (msg.execute === 'guest-sync') socket.write(`{"return": [{"name": "stale"}]}\n{"return": ${msg.arguments!.id}}\n`);
      else socket.write('{"return": [{"name": "eth0", "hardware-address": "52:54:00:12:34:56", "ip-addresses": [{"ip-address-type": "ipv4", "ip-address": "10.0.2.15", "prefix": 24}]}]}\n');
    });
    await waitFor(agent.path);
    expect(await askGuestAgent(agent.path, 2_000)).toEqual({ interfaces: [{ name: 'eth0', mac: '525400123456', ipv4: ['10.0.2.15'] }] });
  });

  it('two asks at once share one connection: the chardev serves one client at a time', async () => {
    const agent = fakeAgent('once.sock', (line, socket) => {
      const msg = JSON.parse(line) as { execute: string; arguments?: { id: number } };
      setTimeout(() => socket.write(msg.execute === 'guest-sync' ? `{"return": ${msg.arguments!.id}}\n` : '{"return": []}\n'), 50);
    });
    await waitFor(agent.path);
    const [a, b] = await Promise.all([askGuestAgent(agent.path, 2_000), askGuestAgent(agent.path, 2_000)]);
    expect([a, b]).toEqual([{ interfaces: [] }, { interfaces: [] }]);
    expect(agent.connections()).toBe(1);
  });

  it('an agent error and a missing socket say what happened', async () => {
    const agent = fakeAgent('error.sock', (line, socket) => {
      const msg = JSON.parse(line) as { execute: string; arguments?: { id: number } };
      socket.write(msg.execute === 'guest-sync' ? `{"return": ${msg.arguments!.id}}\n` : '{"error": {"class": "CommandNotFound", "desc": "The command guest-network-get-interfaces has not been found"}}\n');
    });
    await waitFor(agent.path);
    expect(await askGuestAgent(agent.path, 2_000)).toEqual({ error: 'the guest agent refused: The command guest-network-get-interfaces has not been found' });
    expect(await askGuestAgent(path.join(dir, 'gone.sock'), 2_000)).toEqual({ error: `its socket ${path.join(dir, 'gone.sock')} refused the connection (ENOENT)` });
  });
});
