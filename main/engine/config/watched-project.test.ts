// A project defined by its provider alone: its key, its name, its VMs as listed (named as the
// hypervisor names them, with the logins given), and the tray's own state file, written
// atomically and never truncated.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTrayState } from '../state/tray-state.js';
import { isWatchedKey, loadWatchedProject, watchedKey, watchedName, watchedStatePath, withListedVms, type WatchedDefinition } from './watched-project.js';

const quickemu: WatchedDefinition = { provider: 'quickemu', option: '/home/me/vms', ssh: { user: 'me', privateKey: '/home/me/.ssh/id' }, vmSsh: { 'win-11': { user: 'admin', privateKey: '/k/win' } } };
const temp = () => mkdtempSync(path.join(os.tmpdir(), 'rt-watched-'));

describe('keys and names', () => {
  it('keys a project by its provider and option (and pool or tag), never a path a ragnatramp.yaml could have', () => {
    expect(watchedKey(quickemu)).toBe('quickemu:/home/me/vms');
    expect(watchedKey({ provider: 'proxmox', option: 'https://pve:8006', pool: 'web team' })).toBe('proxmox:https://pve:8006?pool=web%20team');
    expect(watchedKey({ provider: 'libvirt', option: 'qemu:///system' })).toBe('libvirt:qemu:///system');
    for (const key of ['quickemu:/home/me/vms', 'libvirt:qemu:///system', 'proxmox:https://pve:8006?tag=lab']) expect(isWatchedKey(key)).toBe(true);
    for (const path of ['/home/me/ragnatramp.yaml', 'C:\\Users\\me\\ragnatramp.yaml', 'c:/x/ragnatramp.yaml']) expect(isWatchedKey(path)).toBe(false);
  });
  it('names a project from what it is, as a project name', () => {
    expect(watchedName(quickemu)).toBe('vms');
    expect(watchedName({ provider: 'libvirt', option: 'qemu+ssh://me@lab.example.com/system' })).toBe('libvirt-lab-example-com');
    expect(watchedName({ provider: 'libvirt', option: 'qemu:///system' })).toBe('libvirt-local');
    expect(watchedName({ provider: 'proxmox', option: 'https://pve.example.com:8006', tag: 'lab' })).toBe('lab');
    expect(watchedName({ provider: 'quickemu', option: '/srv/2024 VMs!' })).toBe('VMs');
    expect(watchedName({ ...quickemu, name: 'mine' })).toBe('mine');
  });
  it('keeps its state file in the tray folder, one folder per project', () => {
    expect(watchedStatePath('/tray', quickemu)).toMatch(/^\/tray\/projects\/vms-[0-9a-f]{8}\/state\.json$/);
    expect(watchedStatePath('/tray', quickemu)).not.toBe(watchedStatePath('/tray', { ...quickemu, option: '/other/vms' }));
  });
});

describe('loading and listing', () => {
  it('makes every listed VM a machine named as listed, with its own login or the project one, and keeps a recorded VM the listing lacks', async () => {
    const home = temp();
    const file = watchedStatePath(home, quickemu);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ version: 1, project: 'vms', configPath: 'quickemu:/home/me/vms', vms: { gone: { id: 'quickemu:/home/me/vms/gone.conf', name: 'gone', machineName: 'gone', network: { ipv4: '10.0.0.9', mac: null, discoveredAt: null, source: 'arp' } } } }));
    const loaded = await loadWatchedProject(quickemu, home);
    expect(loaded).toMatchObject({ name: 'vms', configPath: 'quickemu:/home/me/vms', statePath: file, source: { kind: 'watched' } });
    expect(loaded.config).toBeUndefined();
    expect(loaded.vms.map((v) => [v.machineName, v.lastKnown?.ipv4])).toEqual([['gone', '10.0.0.9']]);
    const p = withListedVms(loaded, [{ name: 'win-11', id: 'quickemu:/home/me/vms/win-11.conf' }, { name: 'Ubuntu 24.04', id: 'quickemu:/home/me/vms/Ubuntu 24.04.conf' }]);
    // In code-point order, as every list the tray prints.
    expect(p.vms.map((v) => [v.machineName, v.vmName, v.vmId])).toEqual([
      ['Ubuntu 24.04', 'Ubuntu 24.04', 'quickemu:/home/me/vms/Ubuntu 24.04.conf'],
      ['gone', 'gone', 'quickemu:/home/me/vms/gone.conf'],
      ['win-11', 'win-11', 'quickemu:/home/me/vms/win-11.conf'],
    ]);
    expect(p.machines).toEqual([
      { name: 'Ubuntu 24.04', ssh: { user: 'me', privateKeyPath: '/home/me/.ssh/id' } },
      { name: 'gone', ssh: { user: 'me', privateKeyPath: '/home/me/.ssh/id' } },
      { name: 'win-11', ssh: { user: 'admin', privateKeyPath: '/k/win' } },
    ]);
    // A listed VM has a state entry from its first pass, so its address is recorded then.
    expect(p.state!.vms['win-11']).toEqual({ id: 'quickemu:/home/me/vms/win-11.conf', name: 'win-11', machineName: 'win-11' });
  });
  it('lists a VM its hypervisor names __proto__ as a machine with the project login, not the object prototype', async () => {
    const p = withListedVms(await loadWatchedProject(quickemu, temp(), {}), [{ name: '__proto__', id: 'id-p' }]);
    expect(p.machines).toEqual([{ name: '__proto__', ssh: { user: 'me', privateKeyPath: '/home/me/.ssh/id' } }]);
  });
  it('refuses a definition whose parts do not go together, naming the part', async () => {
    await expect(loadWatchedProject({ provider: 'quickemu', option: '/v', pool: 'x' }, temp())).rejects.toThrow('a pool or tag applies to a Proxmox VE cluster only');
    await expect(loadWatchedProject({ provider: 'proxmox', option: 'https://p:8006', pool: 'x', tag: 'y' }, temp())).rejects.toThrow('give one pool or one tag, not both');
    await expect(loadWatchedProject({ provider: 'quickemu', option: '/v', ssh: { user: 'me; rm -rf', privateKey: '/k' } }, temp())).rejects.toThrow('the SSH user of the project ("me; rm -rf") is not a user name');
  });
});

describe("the tray's state file", () => {
  const update = (machineName: string, ipv4: string) => ({ machineName, vmId: `id-${machineName}`, network: { ipv4, mac: '525400000001', adapterName: null, discoveredAt: '2026-12-05T08:00:00.000Z', source: 'lease' as const } });
  const listed = { web: { id: 'id-web', name: 'web', machineName: 'web' }, db: { id: 'id-db', name: 'db', machineName: 'db' } };

  it('is made with its folder, records the listed VMs that have an address, and keeps what it held', async () => {
    const file = path.join(temp(), 'projects', 'vms-12345678', 'state.json');
    expect(await writeTrayState(file, { name: 'vms', key: 'quickemu:/v' }, listed, [update('web', '10.0.0.2')])).toEqual({ written: true, dropped: [] });
    await writeTrayState(file, { name: 'vms', key: 'quickemu:/v' }, listed, [update('db', '10.0.0.3')]);
    const state = JSON.parse(readFileSync(file, 'utf8'));
    expect(state).toMatchObject({ version: 1, project: 'vms', configPath: 'quickemu:/v' });
    expect(Object.keys(state.vms)).toEqual(['web', 'db']);
    expect(state.vms.web.network.ipv4).toBe('10.0.0.2');
    // Nothing new: nothing written.
    expect(await writeTrayState(file, { name: 'vms', key: 'quickemu:/v' }, listed, [update('db', '10.0.0.3')])).toEqual({ written: false, dropped: [] });
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);
  });
  it('records a VM its hypervisor names __proto__ like any other, never as the object prototype', async () => {
    const file = path.join(temp(), 'state.json');
    const proto = JSON.parse('{"__proto__": {"id": "id-__proto__", "name": "__proto__", "machineName": "__proto__"}}') as typeof listed;
    expect(await writeTrayState(file, { name: 'vms', key: 'libvirt:qemu:///system' }, proto, [update('__proto__', '10.0.0.9')])).toEqual({ written: true, dropped: [] });
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).vms)).toEqual(['__proto__']);
    await writeTrayState(file, { name: 'vms', key: 'libvirt:qemu:///system' }, listed, [update('web', '10.0.0.2')]);
    const vms = JSON.parse(readFileSync(file, 'utf8')).vms;
    expect(Object.keys(vms)).toEqual(['__proto__', 'web']);
    expect(Object.hasOwn(vms, '__proto__') && vms['__proto__'].network.ipv4).toBe('10.0.0.9');
  });
  it('refuses to rewrite a file it cannot read, and leaves it as it was', async () => {
    const file = path.join(temp(), 'state.json');
    writeFileSync(file, '{"version": 1, "project": "vms", "vms": {');
    await expect(writeTrayState(file, { name: 'vms', key: 'quickemu:/v' }, listed, [update('web', '10.0.0.2')])).rejects.toThrow(/is not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{"version": 1, "project": "vms", "vms": {');
  });
});
