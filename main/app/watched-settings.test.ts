// The settings calls of provider-defined projects and names: a quickemu folder, a libvirt URI or
// a Proxmox VE cluster kept as a project of its own (checked, its paths made absolute), a
// project's domain and aliases checked as host names, both handed to the worker with each pass,
// and both gone with the project. Arguments pass the contract's check first.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../contract/api.js';
import type { PassRequest, PassResult } from '../worker/worker-protocol.js';
import { AppController } from './app-controller.js';
import { dispatchCall } from './dispatch-call.js';

function setup(initial: Partial<Settings> = {}) {
  let settings: Settings = { ...DEFAULT_SETTINGS, ...initial };
  const passes: PassRequest[] = [];
  const worker = {
    call: async (method: string, request: PassRequest) => {
      if (method !== 'pass') throw new Error(`unexpected ${method}`);
      passes.push(request);
      return { at: new Date().toISOString(), hypervisorError: null, projects: [], duplicates: [], syncs: {}, syncedBlocks: {}, changes: 0, ipDiffs: [] } satisfies PassResult;
    },
    on: () => undefined,
  };
  const controller = new AppController({ get: () => settings, set: (v) => (settings = v), warning: null }, worker as never, { kind: 'browser' }, { simulated: false });
  const call = (method: string, ...args: unknown[]) => dispatchCall(controller.api, method, args) as Promise<Settings>;
  return { controller, call, passes, settings: () => settings };
}

describe('a provider-defined project in the settings', () => {
  it('is kept under its key with its option checked and its key path absolute, and every pass carries it', async () => {
    const { call, passes, settings } = setup();
    await call('saveWatchedProject', { provider: 'quickemu', option: 'vms', ssh: { user: 'me', privateKey: 'keys/id' }, vmSsh: { 'win-11': { user: 'admin', privateKey: '~/.ssh/win' } } });
    const folder = path.resolve('vms');
    const key = `quickemu:${folder}`;
    expect(settings().projects).toEqual([key]);
    expect(settings().watched[key]).toEqual({ provider: 'quickemu', option: folder, ssh: { user: 'me', privateKey: path.resolve('keys/id') }, vmSsh: { 'win-11': { user: 'admin', privateKey: '~/.ssh/win' } } });
    await call('reconcileNow', null);
    const last = passes.at(-1)!;
    expect(last.configPaths).toEqual([key]);
    expect(last.providers?.[key]).toEqual({ provider: 'quickemu', option: folder });
    expect(last.projects?.[key]).toEqual({ watched: settings().watched[key] });
    // Saved again (a new login): replaced, not added twice.
    await call('saveWatchedProject', { provider: 'quickemu', option: folder, ssh: { user: 'other', privateKey: '/k' } });
    expect(settings().projects).toEqual([key]);
    expect(settings().watched[key]!.ssh).toEqual({ user: 'other', privateKey: '/k' });
  });
  it('keys a Proxmox VE pool apart from the whole cluster', async () => {
    const { call, settings } = setup();
    await call('saveWatchedProject', { provider: 'proxmox', option: 'https://pve.example.com:8006', pool: 'web' });
    await call('saveWatchedProject', { provider: 'proxmox', option: 'https://pve.example.com:8006' });
    expect(settings().projects).toEqual(['proxmox:https://pve.example.com:8006?pool=web', 'proxmox:https://pve.example.com:8006']);
  });
  it('refuses what does not check out, saying what, and keeps nothing', async () => {
    const { call, settings } = setup();
    await expect(call('saveWatchedProject', { provider: 'libvirt', option: 'qemu+ext:///system?command=/bin/sh' })).rejects.toThrow(/libvirt/);
    await expect(call('saveWatchedProject', { provider: 'quickemu', option: '/v', tag: 'lab' })).rejects.toThrow('a pool or tag applies to a Proxmox VE cluster only');
    await expect(call('saveWatchedProject', { provider: 'hyperv', option: 'x' })).rejects.toThrow(/Invalid arguments for saveWatchedProject/);
    await expect(call('saveWatchedProject', { provider: 'quickemu', option: '/v', name: 'no spaces please' })).rejects.toThrow(/Invalid arguments/);
    expect(settings().projects).toEqual([]);
    expect(settings().watched).toEqual({});
  });
  it('keeps its own provider: another cannot be chosen for it', async () => {
    const { call } = setup();
    await call('saveWatchedProject', { provider: 'libvirt', option: 'qemu:///system' });
    await expect(call('setProjectProvider', 'libvirt:qemu:///system', { provider: 'hyperv' })).rejects.toThrow('A project defined by its provider keeps that provider');
  });
});

describe("a project's domain and aliases", () => {
  it('are kept per project, handed to the worker, cleared when empty and gone with the project', async () => {
    const { call, passes, settings } = setup({ projects: ['/p/ragnatramp.yaml'] });
    await call('setProjectNames', '/p/ragnatramp.yaml', { domain: 'demo.internal', aliases: { web: ['www', 'front.demo.internal'], db: [] } });
    expect(settings().names).toEqual({ '/p/ragnatramp.yaml': { domain: 'demo.internal', aliases: { web: ['www', 'front.demo.internal'] } } });
    await call('reconcileNow', null);
    expect(passes.at(-1)!.projects?.['/p/ragnatramp.yaml']).toEqual({ names: { domain: 'demo.internal', aliases: { web: ['www', 'front.demo.internal'] } } });
    await call('setProjectNames', '/p/ragnatramp.yaml', {});
    expect(settings().names).toEqual({});
    await call('setProjectNames', '/p/ragnatramp.yaml', { domain: 'demo.internal' });
    await call('removeProject', '/p/ragnatramp.yaml');
    expect(settings().names).toEqual({});
  });
  it('refuses a name that cannot be a host name, saying which, and a project not watched', async () => {
    const { call, settings } = setup({ projects: ['/p/ragnatramp.yaml'] });
    await expect(call('setProjectNames', '/p/ragnatramp.yaml', { domain: 'demo.123' })).rejects.toThrow('The domain "demo.123" looks like an IP address');
    await expect(call('setProjectNames', '/p/ragnatramp.yaml', { aliases: { web: ['localhost'] } })).rejects.toThrow('web: The alias "localhost" is reserved for the guest itself');
    await expect(call('setProjectNames', '/p/ragnatramp.yaml', { aliases: { web: ['a b'] } })).rejects.toThrow(/Invalid arguments for setProjectNames/);
    await expect(call('setProjectNames', '/other/ragnatramp.yaml', { domain: 'x.internal' })).rejects.toThrow('is not one of your projects');
    expect(settings().names).toEqual({});
  });
});

describe('machine names in calls', () => {
  it("take a VM's name as its hypervisor gives it, and nothing a shell or a path would read", async () => {
    const { call } = setup({ projects: ['/p/ragnatramp.yaml'] });
    for (const name of ['lab-guest1-0a1b2c3d.local', 'Ubuntu 24.04', 'web_1', 'fedora-40 (test)']) await expect(call('reconcileVm', '/p/ragnatramp.yaml', name)).resolves.toBeTruthy();
    for (const name of ['web\nroot', 'web; rm -rf /', '../etc', '$(id)']) await expect(call('reconcileVm', '/p/ragnatramp.yaml', name)).rejects.toThrow(/Invalid arguments for reconcileVm/);
  });
});
