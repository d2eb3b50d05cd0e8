// Issue 19, break 14: a test that ran the engine against a fake probed whatever the fake
// reported: a fake guest agent's 10.9.8.7 became an SSH probe sent through this machine's default
// route, into someone's real network. Every test now runs with test traffic kept home
// (dev/test-support/stays-home-setup.ts): a connection to an address that would leave the
// machine is refused before a packet is sent, and the test that tried it fails naming it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProxmox, type FakeProxmox } from '../../dev/test-support/fake-proxmox.js';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { leavesMachine, refused } from '../../dev/test-support/stays-home.js';
import { runCli } from '../../main/cli/cli.js';
import { WorkerClient } from '../../main/worker/worker-client.js';

const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
// An address a fake made up; on this machine it is routed out through the default gateway.
const FAR = '10.9.8.7';
let pve: FakeProxmox | null = null;
afterEach(async () => {
  await pve?.close();
  pve = null;
});

describe.skipIf(!leavesMachine(FAR))('test traffic stays home', () => {
  it("a full engine run against a fake agent that reports 10.9.8.7 sends nothing there: the probe is refused and the test is told", async () => {
    pve = await startFakeProxmox({
      token: TOKEN,
      guests: [{ type: 'qemu', vmid: 101, name: 'web', node: 'pve1', status: 'running', mac: 'bc:24:11:5e:0a:01', agentResult: [{ name: 'ens18', 'hardware-address': 'bc:24:11:5e:0a:01', 'ip-addresses': [{ 'ip-address': FAR, 'ip-address-type': 'ipv4', prefix: 24 }] }] }],
    });
    const f = makeFixture({ machines: ['web'] });
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const tokenFile = path.join(home, 'pve.token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const io = { out: '', err: '' };
    await runCli(['status', '--json', '--config', f.configPath, '--proxmox', pve.url, '--proxmox-token', tokenFile, '--known-hosts', path.join(home, 'kh.json')], { stdout: (t) => (io.out += t), stderr: (t) => (io.err += t), env: process.env });
    expect(JSON.parse(io.out).projects[0].vms[0].ipv4).toBe(FAR);
    // Taken here, so that this test (which made the attempt on purpose) does not fail for it.
    expect(refused.splice(0)).toContain(`${FAR}:22`);
  });

  it("the engine's worker thread (the app's passes) is kept home too", async () => {
    pve = await startFakeProxmox({
      token: TOKEN,
      guests: [{ type: 'qemu', vmid: 101, name: 'web', node: 'pve1', status: 'running', mac: 'bc:24:11:5e:0a:01', agentResult: [{ name: 'ens18', 'hardware-address': 'bc:24:11:5e:0a:01', 'ip-addresses': [{ 'ip-address': FAR, 'ip-address-type': 'ipv4', prefix: 24 }] }] }],
    });
    const f = makeFixture({ machines: ['web'] });
    const worker = new WorkerClient({ knownHostsFile: path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-home-')), 'kh.json') });
    try {
      const result = await worker.call('pass', { configPaths: [f.configPath], syncHosts: false, providers: { [f.configPath]: { provider: 'proxmox', option: pve.url, secret: TOKEN } } });
      expect(result.projects[0]!.vms[0]!.ipv4).toBe(FAR);
      await new Promise((r) => setTimeout(r, 200)); // the worker's word crosses threads
      expect(refused.splice(0)).toContain(`${FAR}:22`);
    } finally {
      await worker.dispose();
    }
  });

  it('loopback and the namespaces and bridges tests create stay reachable; a gateway-routed address does not', async () => {
    expect(leavesMachine('127.0.0.1')).toBe(false);
    expect(leavesMachine('::1')).toBe(false);
    expect(leavesMachine(FAR)).toBe(true);
    const server = net.createServer((s) => s.end('SSH-2.0-test\r\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const banner = await new Promise<string>((resolve, reject) => net.connect(port, '127.0.0.1').once('data', (d) => resolve(d.toString())).once('error', reject));
    server.close();
    expect(banner).toMatch(/^SSH-2\.0/);
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => net.connect({ host: FAR, port: 22 }).once('error', resolve));
    expect(err.code).toBe('ESTAYSHOME');
    expect(refused.splice(0)).toEqual([`${FAR}:22`]);
  });
});
