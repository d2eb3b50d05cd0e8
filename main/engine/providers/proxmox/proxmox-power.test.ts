// Start, shutdown and reboot of Proxmox VE guests through the pinned-certificate client, against
// the local server that answers as pveproxy does (dev/test-support/fake-proxmox.ts, from
// qemu-server's vm_start, vm_shutdown and vm_reboot): a POST per action, answered with the task's
// UPID, and a token without VM.PowerMgmt told what to grant.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeProxmox, type FakeGuest, type FakeProxmox } from '../../../../dev/test-support/fake-proxmox.js';
import type { VmRef } from '../../discovery/observation.js';
import { powerVm } from '../../power-vm.js';
import { FileHostKeyStore } from '../../ssh/known-hosts.js';
import { parseClusterUrl, ProxmoxClient } from './proxmox-client.js';
import { ProxmoxProvider } from './proxmox-provider.js';

const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
const ALL = ['VM.Audit', 'VM.GuestAgent.Audit', 'VM.PowerMgmt'];
const refs: VmRef[] = [
  { project: 'p', machineName: 'web', vmName: 'p-web-1', vmId: null },
  { project: 'p', machineName: 'cache', vmName: 'cache', vmId: null },
];
const project = { name: 'p', configPath: '/home/me/p/ragnatramp.yaml', vms: refs };

let servers: FakeProxmox[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function setup(privileges: Record<number, string[]>) {
  const guests: FakeGuest[] = [
    { type: 'qemu', vmid: 101, name: 'p-web-1', node: 'pve1', status: 'stopped', mac: 'bc:24:11:5e:0a:01', agentResult: [] },
    { type: 'lxc', vmid: 201, name: 'cache', node: 'pve2', status: 'running', mac: 'bc:24:11:aa:00:02', lxc: [] },
  ];
  const server = await startFakeProxmox({ guests, token: TOKEN, privileges });
  servers.push(server);
  const pins = new FileHostKeyStore(path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-pve-power-')), 'tls_pins.json'));
  const client = new ProxmoxClient({ endpoint: parseClusterUrl(server.url), token: TOKEN, pins, onFirstUse: () => undefined });
  return { server, provider: new ProxmoxProvider(client, server.url) };
}

describe('Proxmox VE power over HTTPS', () => {
  it("POSTs status/start, shutdown and reboot on the guest's own node and type, and says the task's UPID", async () => {
    const { server, provider } = await setup({ 101: ALL, 201: ALL });
    const started = await powerVm(provider, project, 'web', 'start');
    expect(started.message).toMatch(/^'web' is starting: Proxmox VE started task UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmstart:101:tray@pve!ragnatramp:\.$/);
    expect(server.guests[0]!.status).toBe('running');
    expect((await powerVm(provider, project, 'cache', 'restart')).message).toContain(':qmreboot:201:');
    expect((await powerVm(provider, project, 'cache', 'stop')).message).toContain("'cache' is shutting down");
    expect(server.guests[1]!.status).toBe('stopped');
    const posts = server.requests.filter((r) => r.method === 'POST').map((r) => [r.path, r.authorized]);
    expect(posts).toEqual([
      ['/api2/json/nodes/pve1/qemu/101/status/start', true],
      ['/api2/json/nodes/pve2/lxc/201/status/reboot', true],
      ['/api2/json/nodes/pve2/lxc/201/status/shutdown', true],
    ]);
  });

  it('a token without VM.PowerMgmt is told so, with what to grant, and the guest stays as it was', async () => {
    const { server, provider } = await setup({ 101: ['VM.Audit', 'VM.GuestAgent.Audit'] });
    const failed = powerVm(provider, project, 'web', 'start');
    await expect(failed).rejects.toThrow("denied the API token to start 'web' (403 Permission check failed (/vms/101, VM.PowerMgmt)): the token lacks VM.PowerMgmt on /vms/101.");
    await expect(failed).rejects.toThrow(/pveum role add RagnatrampTrayPower -privs VM.PowerMgmt/);
    expect(server.guests[0]!.status).toBe('stopped');
  });
});
