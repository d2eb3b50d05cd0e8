// Proves projects that watch one cluster share its answers: however the projects spell the
// cluster, a pass asks /cluster/resources once for all of them, and a libvirt URI is listed once
// (counted at a local server answering as pveproxy does, and at a virsh that logs its calls).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProxmox } from '../../dev/test-support/fake-proxmox.js';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { WorkerClient } from './worker-client.js';

const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const knownHosts = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-shared-')), 'known_hosts.json');

describe('projects sharing a cluster share its answers', () => {
  it('three projects on one Proxmox VE cluster, spelled two ways: one /cluster/resources a pass', async () => {
    // Stopped guests: a running one's address would be probed, and no address here may leave this
    // machine; reading guests once each is proxmox-cache.test.ts's.
    const guests = ['a', 'b', 'c'].map((p, i) => ({ type: 'qemu' as const, vmid: 101 + i, name: `${p}-web`, node: 'pve1', status: 'stopped' as const, mac: `bc:24:11:00:00:0${i + 1}` }));
    const pve = await startFakeProxmox({ token: TOKEN, guests });
    cleanups.push(() => pve.close());
    const projects = ['a', 'b', 'c'].map((p, i) => makeFixture({ project: p, machines: ['web'], vms: [{ machine: 'web', id: `qemu/${101 + i}`, name: `${p}-web` }] }));
    const spelled = [pve.url, `${pve.url}/`, pve.url];
    const worker = new WorkerClient({ knownHostsFile: knownHosts() });
    cleanups.push(() => worker.dispose());
    const pass = () => worker.call('pass', { configPaths: projects.map((f) => f.configPath), syncHosts: false, providers: Object.fromEntries(projects.map((f, i) => [f.configPath, { provider: 'proxmox', option: spelled[i]!, secret: TOKEN }])) });
    const lists = () => pve.requests.filter((r) => r.path.startsWith('/api2/json/cluster/resources')).length;
    const first = await pass();
    expect(first.hypervisorError).toBeNull();
    expect(first.projects.map((p) => p.vms.map((v) => v.status))).toEqual([['stopped'], ['stopped'], ['stopped']]);
    expect(lists()).toBe(1);
    await pass();
    expect(lists()).toBe(2);
  }, 30_000);

  it('two projects on one libvirt URI: one `virsh list` a pass', async () => {
    // A virsh that logs each call, then runs the real one (the test driver needs no daemon).
    const bin = mkdtempSync(path.join(os.tmpdir(), 'rt-virsh-'));
    const log = path.join(bin, 'calls.log');
    const real = execFileSync('sh', ['-c', 'command -v virsh'], { encoding: 'utf8' }).trim();
    writeFileSync(path.join(bin, 'virsh'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(path.join(bin, 'virsh'), 0o755);
    writeFileSync(log, '');
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    cleanups.push(() => (process.env.PATH = saved));
    const projects = ['a', 'b'].map((p) => makeFixture({ project: p, machines: ['web'] }));
    const worker = new WorkerClient({ knownHostsFile: knownHosts() });
    cleanups.push(() => worker.dispose());
    const pass = () => worker.call('pass', { configPaths: projects.map((f) => f.configPath), syncHosts: false, providers: Object.fromEntries(projects.map((f) => [f.configPath, { provider: 'libvirt', option: 'test:///default' }])) });
    const lists = () => readFileSync(log, 'utf8').split('\n').filter((l) => / list /.test(l)).length;
    expect((await pass()).hypervisorError).toBeNull();
    expect(lists()).toBe(1);
    await pass();
    expect(lists()).toBe(2);
  }, 30_000);
});
