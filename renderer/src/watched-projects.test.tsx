// Add project's kinds and the names in Settings, in jsdom against a fake API: a quickemu folder,
// a libvirt host or a Proxmox VE pool added with its SSH login; a project's domain and aliases
// saved; a provider-defined project's login edited per VM; the app's refusals shown; a VM named like an Object member (constructor) is a VM like any other.
/** @vitest-environment jsdom */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from './app';
import { useStore } from './store';
import type { RagnatrampApi } from '../../contract/api';
import { appState, fakeApi, settings, vmView } from './test-support';

const initial = useStore.getState();
Element.prototype.scrollIntoView = () => undefined;
beforeEach(() => useStore.setState({ ...initial, diagnostics: {}, fixes: {}, toasts: [] }, true));
afterEach(cleanup);

async function mount(state = appState(), overrides: Partial<RagnatrampApi> = {}, given = settings) {
  const fake = fakeApi(state, { getSettings: async () => given, ...overrides });
  await act(async () => {
    useStore.getState().connect(fake.api);
  });
  render(<App />);
  await screen.findByText('Ragnatramp Tray');
  return fake;
}

const change = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('Add project: what to watch', () => {
  it('a quickemu folder with its SSH login, on the first run', async () => {
    const fake = await mount(appState({ projects: [] }));
    change('What to watch', 'quickemu');
    expect(screen.queryByLabelText('Path to a ragnatramp.yaml, or its folder')).toBeNull();
    change('Folder of .conf files', '/home/me/vms');
    change('SSH user', 'me');
    change('SSH private key', '/home/me/.ssh/id_ed25519');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Watch these VMs' })));
    expect(fake.calls).toContainEqual(['saveWatchedProject', [{ provider: 'quickemu', option: '/home/me/vms', ssh: { user: 'me', privateKey: '/home/me/.ssh/id_ed25519' } }]]);
  });
  it("one Proxmox VE pool; a user without a key is said before anything is sent, and the app's refusal under the form", async () => {
    const fake = await mount(appState({ projects: [] }), { saveWatchedProject: async () => Promise.reject(new Error('Proxmox VE needs the cluster')) });
    change('What to watch', 'proxmox');
    change('Cluster', 'https://pve.example.com:8006');
    change('Guests', 'pool');
    change('Pool', 'web');
    change('SSH user', 'me');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Watch these VMs' })));
    expect(screen.getByRole('alert').textContent).toBe('Give both the SSH user and the key, or neither (hosts sync needs them).');
    expect(fake.calls.map((c) => c[0])).not.toContain('saveWatchedProject');
    change('SSH user', '');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Watch these VMs' })));
    expect(screen.getByRole('alert').textContent).toBe('Proxmox VE needs the cluster');
  });
  it('a ragnatramp.yaml is still the first choice', async () => {
    await mount(appState({ projects: [] }));
    expect((screen.getByLabelText('What to watch') as HTMLSelectElement).value).toBe('ragnatramp');
    expect(screen.getByLabelText('Path to a ragnatramp.yaml, or its folder')).toBeTruthy();
  });
});

describe('Settings: domain, aliases and logins', () => {
  it("saves a project's domain and each VM's aliases", async () => {
    const fake = await mount(appState({ projects: [{ configPath: '/p/ragnatramp.yaml', name: 'demo', error: null, vms: [vmView(), vmView({ key: '/p/ragnatramp.yaml#db', machineName: 'db' })], hostsBlock: '', warnings: [] }] }));
    act(() => fireEvent.click(screen.getByRole('tab', { name: 'Settings' })));
    change('Domain', 'demo.internal');
    change('Aliases of web', 'www, api  www');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save names' })));
    expect(fake.calls).toContainEqual(['setProjectNames', ['/p/ragnatramp.yaml', { domain: 'demo.internal', aliases: { web: ['www', 'api'], db: [] } }]]);
    expect(screen.getByRole('status').textContent).toBe('Saved');
  });
  it('a VM its hypervisor names constructor shows an empty aliases field beside one that has aliases', async () => {
    const given = { ...settings, names: { '/p/ragnatramp.yaml': { aliases: { web: ['www'] } } } };
    await mount(appState({ projects: [{ configPath: '/p/ragnatramp.yaml', name: 'demo', error: null, vms: [vmView(), vmView({ key: '/p/ragnatramp.yaml#constructor', machineName: 'constructor' })], hostsBlock: '', warnings: [] }] }), {}, given);
    act(() => fireEvent.click(screen.getByRole('tab', { name: 'Settings' })));
    expect((screen.getByLabelText('Aliases of web') as HTMLInputElement).value).toBe('www');
    expect((screen.getByLabelText('Aliases of constructor') as HTMLInputElement).value).toBe('');
  });
  it("a provider-defined project shows its login, not a provider choice, and saves one VM's own", async () => {
    const key = 'libvirt:qemu:///system';
    const watched = { provider: 'libvirt' as const, option: 'qemu:///system', ssh: { user: 'me', privateKey: '/k/id' } };
    const fake = await mount(appState({ projects: [{ configPath: key, name: 'libvirt-local', error: null, vms: [vmView({ key: `${key}#web`, machineName: 'web' })], hostsBlock: '', warnings: [] }] }), {}, { ...settings, projects: [key], watched: { [key]: watched } });
    act(() => fireEvent.click(screen.getByRole('tab', { name: 'Settings' })));
    expect(screen.queryByLabelText('Provider')).toBeNull();
    expect((screen.getByLabelText('User') as HTMLInputElement).value).toBe('me');
    change('SSH login of', 'web');
    change('User', 'root');
    change('Key', '/k/root');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save login' })));
    expect(fake.calls).toContainEqual(['saveWatchedProject', [{ ...watched, vmSsh: { web: { user: 'root', privateKey: '/k/root' } } }]]);
  });
  it('a VM its hypervisor names constructor has no login of its own until one is given', async () => {
    const key = 'libvirt:qemu:///system';
    const watched = { provider: 'libvirt' as const, option: 'qemu:///system', ssh: { user: 'me', privateKey: '/k/id' }, vmSsh: { web: { user: 'root', privateKey: '/k/root' } } };
    await mount(appState({ projects: [{ configPath: key, name: 'libvirt-local', error: null, vms: [vmView({ key: `${key}#constructor`, machineName: 'constructor' })], hostsBlock: '', warnings: [] }] }), {}, { ...settings, projects: [key], watched: { [key]: watched } });
    act(() => fireEvent.click(screen.getByRole('tab', { name: 'Settings' })));
    change('SSH login of', 'constructor');
    expect((screen.getByLabelText('User') as HTMLInputElement).value).toBe('');
  });
  it('Undo after Remove puts a provider-defined project back with its login and names', async () => {
    const key = 'quickemu:/home/me/vms';
    const watched = { provider: 'quickemu' as const, option: '/home/me/vms', ssh: { user: 'me', privateKey: '/k/id' } };
    const names = { domain: 'demo.internal' };
    const fake = await mount(appState({ projects: [] }), {}, { ...settings, projects: [key], watched: { [key]: watched }, names: { [key]: names } });
    act(() => fireEvent.click(screen.getByRole('tab', { name: 'Settings' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: `Stop watching ${key}` })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Undo' })));
    expect(fake.calls).toContainEqual(['saveWatchedProject', [watched]]);
    expect(fake.calls).toContainEqual(['setProjectNames', [key, names]]);
    expect(fake.calls.map((c) => c[0])).not.toContain('addProject');
  });
});
