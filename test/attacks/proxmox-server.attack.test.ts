// Issue 19, breaks 5 and 11: a hostile or broken Proxmox VE server held a pass for ever (an answer
// trickled a byte at a time never tripped the idle timeout), filled the memory (no cap on an
// answer's size) and froze every other provider's pass behind it (groups ran one after another);
// two clusters could share one token file ([fd00::5]:8006 and fd00__5:8006), and a certificate
// pinned on first use was only logged. Now every request has an overall deadline and an 8 MiB
// cap, provider groups run side by side against their own deadlines, token files are named
// injectively, and the first use is told in the window and the CLI.
import { mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clusterCa, nodeCert, startFakeProxmox, type FakeProxmox } from '../../dev/test-support/fake-proxmox.js';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { runCli } from '../../main/cli/cli.js';
import { parseClusterUrl, ProxmoxClient } from '../../main/engine/providers/proxmox/proxmox-client.js';
import { defaultTokenFile } from '../../main/engine/providers/proxmox/proxmox-token.js';
import { FileHostKeyStore } from '../../main/engine/ssh/known-hosts.js';
import { WorkerClient } from '../../main/worker/worker-client.js';

const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An HTTPS server with a node certificate that answers every request with `answer`. */
async function hostile(answer: (res: import('node:http').ServerResponse) => void): Promise<string> {
  const cert = nodeCert(clusterCa(), 'pve1');
  const server = https.createServer({ key: cert.key, cert: cert.cert }, (_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });
  return `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** Headers, then a byte every 200 ms for as long as the client listens: no idle timeout ever trips. */
const trickle = (res: import('node:http').ServerResponse) => {
  res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
  res.write('{"data":[');
  const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 200);
  res.on('close', () => clearInterval(timer));
};

const client = (url: string, timeoutMs?: number) => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-attack-'));
  const c = new ProxmoxClient({ endpoint: parseClusterUrl(url), token: TOKEN, pins: new FileHostKeyStore(path.join(home, 'tls_pins.json')), ...(timeoutMs ? { timeoutMs } : {}) });
  cleanups.push(() => c.close());
  return c;
};

describe('a hostile or broken Proxmox VE server', () => {
  it('cannot hold a request past its overall deadline by trickling its answer', async () => {
    const url = await hostile(trickle);
    await expect(client(url, 1_500).get('/cluster/resources?type=vm')).rejects.toThrow(/did not answer properly: no full answer within 1\.5 s/);
  }, 10_000);

  it('cannot fill the memory: an answer over 8 MiB is cut off', async () => {
    const entry = JSON.stringify({ id: 'qemu/100', type: 'qemu', vmid: 100, name: 'x'.repeat(200), node: 'pve1', status: 'running' });
    const url = await hostile((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
      res.write('{"data":[');
      for (let i = 0; i < 48_000; i++) res.write(`${i ? ',' : ''}${entry}`);
      res.end(']}');
    });
    await expect(client(url).get('/cluster/resources?type=vm')).rejects.toThrow(/its answer to \/cluster\/resources was larger than 8 MiB/);
  }, 15_000);

  it("one provider that hangs does not freeze the others' passes: groups run side by side, each with its own deadline", async () => {
    const stalled = await hostile(trickle);
    const pve = await startFakeProxmox({ token: TOKEN, guests: [{ type: 'qemu', vmid: 101, name: 'web', node: 'pve1', status: 'stopped' }] });
    cleanups.push(() => pve.close());
    const slow = makeFixture({ project: 'slow', machines: ['web'] });
    const fine = makeFixture({ project: 'fine', machines: ['web'] });
    const worker = new WorkerClient({ knownHostsFile: path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-pve-w-')), 'known_hosts.json'), groupDeadlineMs: 2_000 });
    cleanups.push(() => worker.dispose());
    const result = await worker.call('pass', {
      configPaths: [slow.configPath, fine.configPath],
      syncHosts: false,
      providers: { [slow.configPath]: { provider: 'proxmox', option: stalled, secret: TOKEN }, [fine.configPath]: { provider: 'proxmox', option: pve.url, secret: TOKEN } },
    });
    const [a, b] = result.projects;
    // The cause is said once, in the pass's hypervisor error (the window's red banner); the stale rows point to it.
    expect(result.hypervisorError).toMatch(/Proxmox VE did not finish its pass within 2 s/);
    expect(a!.stale).toBe('Showing what was last seen: Proxmox VE could not be asked (the cause is above).');
    expect(b!.stale ?? null).toBeNull();
    expect(b!.vms.map((v) => [v.machineName, v.status])).toEqual([['web', 'stopped']]);
    // Both clusters' certificates were pinned on first use (in one file, neither pin lost): the window is told (break 11).
    expect([...result.notices!].sort()).toEqual([stalled, pve.url].sort().map((url) => expect.stringContaining(`Proxmox VE ${url}: its TLS certificate SHA256:`)));
    expect(result.notices!.every((n) => n.includes('was pinned on first use'))).toBe(true);
  }, 20_000);
});

describe('token files and certificates the user can tell apart (break 11)', () => {
  it('two clusters never share one token file', () => {
    const files = ['https://[fd00::5]:8006', 'https://fd00__5:8006', 'https://[fd00::5]', 'https://pve.example.com', 'https://PVE.example.com:8006', 'https://10.0.0.2:8443'].map((u) => defaultTokenFile('/h', parseClusterUrl(u)));
    expect(files).toEqual(['/h/proxmox/fd00%3A%3A5_8006.token', '/h/proxmox/fd00%5F%5F5_8006.token', '/h/proxmox/fd00%3A%3A5_8006.token', '/h/proxmox/pve.example.com_8006.token', '/h/proxmox/pve.example.com_8006.token', '/h/proxmox/10.0.0.2_8443.token']);
  });

  it('the CLI says when it pinned a cluster certificate on first use, and with which fingerprint, once', async () => {
    let pve: FakeProxmox | null = await startFakeProxmox({ token: TOKEN, guests: [{ type: 'qemu', vmid: 101, name: 'web', node: 'pve1', status: 'stopped' }] });
    cleanups.push(() => pve?.close());
    const f = makeFixture({ machines: ['web'] });
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-cli-'));
    const tokenFile = path.join(home, 'pve.token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const run = async () => {
      const io = { out: '', err: '' };
      const code = await runCli(['status', '--config', f.configPath, '--proxmox', pve!.url, '--proxmox-token', tokenFile, '--known-hosts', path.join(home, 'known_hosts.json')], { stdout: (t) => (io.out += t), stderr: (t) => (io.err += t), env: process.env });
      return { code, ...io };
    };
    const first = await run();
    // The guest is stopped: a VM that needs attention (status exits 1), the note said all the same.
    expect(first.code).toBe(1);
    expect(first.err).toContain(`note: Proxmox VE ${pve.url}: its TLS certificate ${pve.fingerprint('pve1')} was pinned on first use (in ${path.join(home, 'tls_pins.json')})`);
    expect((await run()).err).not.toContain('pinned on first use');
    pve = null;
  });
});
