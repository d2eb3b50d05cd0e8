// The window in jsdom against a fake API: first run, rows, host keys, Sync now, notices.
/** @vitest-environment jsdom */
// The window's components and store against a fake API.
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addToast, useStore } from './store';
import type { IpChange, ProjectProvider } from '../../contract/api';
import { appState, mountApp, settings, vmView } from './test-support';

const initial = useStore.getState();
// jsdom has no layout, so no scrolling: the row's focus is what the test checks.
Element.prototype.scrollIntoView = () => undefined;
beforeEach(() => useStore.setState({ ...initial, diagnostics: {}, fixes: {}, toasts: [] }, true));
afterEach(cleanup);

const mount = mountApp;

describe('the window', () => {
  it('first run: tells a new user what to do, and adds a project by path in the browser host', async () => {
    const fake = await mount(appState({ projects: [] }));
    expect(screen.getByRole('heading', { name: 'Watch your first project' })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Sync now' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText(/^Path to a ragnatramp\.yaml/), { target: { value: '/home/me/p/ragnatramp.yaml' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Add project' })));
    expect(fake.calls).toContainEqual(['addProject', ['/home/me/p/ragnatramp.yaml']]);
  });

  it('with a native file picker, offers it instead', async () => {
    const fake = await mount(appState({ projects: [], host: { kind: 'electron', filePicker: true, launchAtLogin: true, platform: 'win32' } }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Add a project…' })));
    expect(fake.calls.map((c) => c[0])).toContain('pickProjectFile');
  });

  it('shows each VM: status, IPv4 with a copy button, tier, MAC, previous IP, sync result', async () => {
    await mount(appState({ projects: [{ configPath: '/p', name: 'demo', error: null, hostsBlock: '', warnings: [], vms: [vmView({ previousIpv4: '172.18.185.100', sync: { success: false, skipped: false, changed: false, message: "sudo asks user 'ubuntu' for a password", problem: 'protocol', at: new Date().toISOString() } }), vmView({ key: '/p#db', machineName: 'db', tier: { id: 'arp', label: 'ARP', help: "Found in the host's ARP (neighbour) table by the VM's MAC address" }, ipv4: '172.18.185.164' })] }] }));
    const web = screen.getByTestId('vm-web');
    expect(web.textContent).toContain('172.18.185.163');
    expect(web.textContent).toContain('KVP');
    expect(web.textContent).toContain('00:15:5D:DE:33:09');
    expect(web.textContent).toContain('172.18.185.100');
    expect(web.textContent).toContain("failed: sudo asks user 'ubuntu' for a password");
    expect(screen.getByRole('button', { name: "Copy web's IP address" })).toBeTruthy();
    expect(screen.getByTestId('vm-db').textContent).toContain('ARP');
  });

  it("a changed host key offers to trust the new one, after a warning", async () => {
    const message = "the SSH host key of 'web' changed (pinned ssh-ed25519 SHA256:a, now offered ssh-ed25519 SHA256:b). Either the VM was rebuilt or someone is intercepting the connection";
    const fake = await mount(appState({ projects: [{ configPath: '/p/ragnatramp.yaml', name: 'demo', error: null, hostsBlock: '', warnings: [], vms: [vmView({ sync: { success: false, skipped: false, changed: false, message, problem: 'host-key-changed', at: new Date().toISOString() } })] }] }));
    fireEvent.click(screen.getByRole('button', { name: 'web details' }));
    fireEvent.click(screen.getByRole('button', { name: 'Trust the new host key…' }));
    expect(screen.getByRole('dialog', { name: "Trust web's new host key" }).textContent).toMatch(/Only if you rebuilt web/);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Trust it and sync' })));
    expect(fake.calls).toContainEqual(['acceptHostKey', ['/p/ragnatramp.yaml', 'web']]);
  });

  it('Sync now calls the API; progress shows per VM while it runs', async () => {
    const fake = await mount();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sync now' })));
    expect(fake.calls).toContainEqual(['reconcileNow', [null]]);
    act(() => fake.push({ type: 'state', state: appState({ busy: 'reconciling', progress: { '/p/ragnatramp.yaml#web': 'writing' } }) }));
    expect(screen.getByRole('button', { name: 'Syncing…' })).toBeTruthy();
    expect(screen.getByTestId('vm-web').textContent).toContain('writing…');
  });

  it('a duplicate IP shows the banner naming the VMs; a hypervisor error shows as an alert', async () => {
    await mount(appState({ duplicates: [{ ip: '172.18.185.163', vms: [{ project: 'demo', machineName: 'web' }, { project: 'demo', machineName: 'db' }] }], hypervisorError: 'Hyper-V could not be queried: no access' }));
    expect(screen.getByTestId('duplicate-banner').textContent).toMatch(/Duplicate IP 172\.18\.185\.163:.*web and db/);
    expect(screen.getAllByRole('alert').some((a) => a.textContent?.includes('no access'))).toBe(true);
  });

  it('a hypervisor outage is said once in the window, cause first and the fix right after; a lost engine is said too', async () => {
    const cause = 'The Hyper-V Virtual Machine Management service (vmms) is Stopped.';
    await mount(appState({ hypervisorError: `${cause}\nStart it from Services.\nHyper-V said: Texte`, summary: `${cause} · 2 VMs as last seen just now`, engineLost: 'The engine stopped unexpectedly (exit code 1); it is being restarted.' }));
    const banner = screen.getByTestId('hypervisor-error');
    expect(banner.querySelector('strong')!.textContent).toBe(cause);
    expect(banner.textContent).toBe(`${cause}Start it from Services.\nHyper-V said: Texte`);
    expect(document.body.textContent!.split(cause)).toHaveLength(2);
    expect(screen.getByTestId('engine-lost').textContent).toMatch(/^The engine stopped unexpectedly \(exit code 1\); it is being restarted\./);
  });

  it("the health dot names a lost engine as such, not as an unreachable hypervisor", async () => {
    await mount(appState({ health: 'error', engineLost: 'The engine stopped unexpectedly (exit code 1); it is being restarted.' }));
    expect(screen.getByRole('img', { name: 'Engine not answering' })).toBeTruthy();
    expect(screen.queryByRole('img', { name: 'Hypervisor unreachable' })).toBeNull();
  });

  it('a change event shows a toast; clicking it brings the VM into view', async () => {
    const fake = await mount();
    act(() => fake.push({ type: 'change', change: { kind: 'changed', key: '/p/ragnatramp.yaml#web', configPath: '/p/ragnatramp.yaml', project: 'demo', machineName: 'web', from: '172.18.185.100', to: '172.18.185.163' } }));
    const toast = screen.getByTestId('toast');
    expect(toast.textContent).toContain('web: 172.18.185.100 → 172.18.185.163');
    act(() => fireEvent.click(screen.getByRole('button', { name: 'web: 172.18.185.100 → 172.18.185.163' })));
    expect(useStore.getState().focusKey).toBe('/p/ragnatramp.yaml#web');
    expect(screen.getByTestId('vm-web').className).toContain('focused');
  });

  it('a toast offers Sync now for a new address, but not for one that made a duplicate (the sync would skip it); a stopped VM reads "stopped"', async () => {
    const fake = await mount();
    const moved = { kind: 'changed' as const, key: '/p/ragnatramp.yaml#web', configPath: '/p/ragnatramp.yaml', project: 'demo', machineName: 'web', from: '172.18.185.100', to: '172.18.185.163' };
    act(() => fake.push({ type: 'change', change: moved }));
    // The header's Sync now, and the toast's.
    expect(screen.getAllByRole('button', { name: 'Sync now' })).toHaveLength(2);
    expect(within(screen.getByTestId('toast')).getAllByRole('button', { name: 'Sync now' })).toHaveLength(1);
    act(() => fake.push({ type: 'change', change: { ...moved, to: '172.18.185.164', hostsSkip: 'duplicate IPv4 172.18.185.164 (shared with db)' } }));
    expect(within(screen.getByTestId('toast')).queryAllByRole('button', { name: 'Sync now' })).toHaveLength(0);
    act(() => fake.push({ type: 'change', change: { kind: 'stopped', key: '/p/ragnatramp.yaml#db', configPath: '/p/ragnatramp.yaml', project: 'demo', machineName: 'db', from: '172.18.185.164' } }));
    expect(screen.getAllByTestId('toast').map((t) => t.textContent)).toContainEqual(expect.stringContaining('db stopped (it had 172.18.185.164)'));
  });

  it('diagnostics: checks with pass/fail, why, the fix commands, and Fix over SSH after confirming', async () => {
    const fix = ['sudo -n apt-get install -y linux-cloud-tools-6.8.0-45-generic', 'sudo -n modprobe -r hv_utils'];
    const fake = await mount(appState(), {
      diagnose: async () => [
        { key: '/p/ragnatramp.yaml#web', machineName: 'web', vmName: 'v', facts: [{ label: 'KVP', value: 'No Contact', ok: false, why: "the guest's KVP daemon (hv_kvp_daemon) is not installed or not running" }], sshOpen: true, warnings: [{ code: 'hyperv/kvp-no-contact', text: "KVP reports 'No Contact'" }], guest: { os: 'Ubuntu', kvpDaemon: { installed: false, running: false, package: 'linux-cloud-tools-6.8.0-45-generic', fix }, sudo: true, cloudInitManagesHosts: true, hostsBlock: 'missing', warnings: [] } },
      ],
    });
    // Opening the panel runs the checks.
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Diagnostics' })));
    const card = await screen.findByTestId('diag-web');
    expect(card.textContent).toMatch(/✗failed: KVPNo Contact/);
    expect(card.textContent).toMatch(/✓passed: SSH reachableport 22 answers/);
    expect(card.textContent).toMatch(/✗failed: Guest KVP daemonnot installed \(linux-cloud-tools-6\.8\.0-45-generic\)/);
    expect(card.textContent).toMatch(/✗failed: cloud-initrewrites \/etc\/hosts at boot/);
    expect(card.textContent).toContain(fix.join('\n'));
    fireEvent.click(screen.getByRole('button', { name: 'Fix over SSH…' }));
    expect(screen.getByRole('dialog', { name: 'Fix web over SSH' }).textContent).toContain(fix[0]);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Run them' })));
    await waitFor(() => expect(fake.calls).toContainEqual(['fixKvp', ['/p/ragnatramp.yaml', 'web', false]]));
  });

  it("diagnostics for a VM that is not Hyper-V's and cannot reach its peers: no KVP check, no block expected", async () => {
    await mount(appState(), {
      diagnose: async () => [
        { key: '/p/ragnatramp.yaml#web', machineName: 'web', vmName: 'v', facts: [{ label: 'Network', value: 'user-mode, SSH forward 22221', ok: null, why: null }], sshOpen: true, warnings: [], guest: { os: 'unknown', kvpDaemon: null, sudo: true, cloudInitManagesHosts: false, hostsBlock: 'unmanaged', machineId: null, warnings: [] } },
      ],
    });
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Diagnostics' })));
    const card = await screen.findByTestId('diag-web');
    expect(card.textContent).not.toMatch(/KVP/);
    expect(card.textContent).toMatch(/Hosts blocknone: this VM cannot reach the others/);
    expect(card.textContent).not.toMatch(/✗/);
  });

  it('a VM reached through a port forward shows where SSH goes instead of "IP unknown"', async () => {
    await mount(appState({ projects: [{ configPath: '/p', name: 'demo', error: null, hostsBlock: '', warnings: [], vms: [vmView({ ipv4: null, tier: null, sshAt: '127.0.0.1:22221', facts: [] })] }] }));
    const row = screen.getByTestId('vm-web');
    expect(row.querySelector('[data-testid="ssh-at"]')!.textContent).toBe('SSH via 127.0.0.1:22221');
    expect(row.querySelector('[data-testid="ip-unknown"]')).toBeNull();
    expect(row.textContent).toMatch(/port forward 127\.0\.0\.1:22221 answers/);
  });

  it("settings: a project's provider is chosen, its option entered and saved; the app's refusal shows under the field", async () => {
    let refuse = true;
    const asked: unknown[] = [];
    await mount(appState(), {
      setProjectProvider: async (configPath: string, choice: ProjectProvider) => {
        asked.push([configPath, choice]);
        if (refuse) throw new Error('--libvirt needs a libvirt URI such as qemu:///system or qemu+ssh://user@host/system (got "vmhost")');
        return { ...settings, providers: { [configPath]: { provider: choice.provider, option: choice.option! } } };
      },
    });
    act(() => fireEvent.click(screen.getByRole('tab', { name: 'Settings' })));
    fireEvent.change(screen.getByLabelText('Provider'), { target: { value: 'libvirt' } });
    const uri = screen.getByLabelText('URI');
    expect(uri.getAttribute('placeholder')).toBe('qemu:///system');
    fireEvent.change(uri, { target: { value: 'vmhost' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect((await screen.findByRole('alert')).textContent).toMatch(/--libvirt needs a libvirt URI/);
    expect(uri.getAttribute('aria-invalid')).toBe('true');
    refuse = false;
    fireEvent.change(uri, { target: { value: 'qemu+ssh://dev@vmhost/system' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save' })));
    expect(asked.at(-1)).toEqual(['/p/ragnatramp.yaml', { provider: 'libvirt', option: 'qemu+ssh://dev@vmhost/system' }]);
    expect(await screen.findByText('Saved')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('settings: a Proxmox VE project takes its API token, which is sent once and never shown again', async () => {
    const pveSettings = { ...settings, providers: { '/p/ragnatramp.yaml': { provider: 'proxmox' as const, option: 'https://pve.example.com:8006' } } };
    const kept: unknown[] = [];
    await mount(appState(), {
      getSettings: async () => pveSettings,
      setProxmoxToken: async (...args: unknown[]) => {
        kept.push(args);
        return "the desktop's secret store";
      },
    });
    act(() => fireEvent.click(screen.getByRole('tab', { name: 'Settings' })));
    const token = (await screen.findByLabelText('API token')) as HTMLInputElement;
    expect(token.type).toBe('password');
    fireEvent.change(token, { target: { value: 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Keep token' })));
    expect(kept).toEqual([['/p/ragnatramp.yaml', 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21']]);
    expect(token.value).toBe('');
    expect((await screen.findByText("Kept in the desktop's secret store")).getAttribute('role')).toBe('status');
  });

  it('Open SSH on a running VM calls openSsh; simulated VMs show no such button', async () => {
    const fake = await mount(appState({ simulated: false }));
    fireEvent.click(screen.getByRole('button', { name: 'web details' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Open SSH to web' })));
    expect(fake.calls).toContainEqual(['openSsh', ['/p/ragnatramp.yaml', 'web']]);
    cleanup();
    await mount(appState({ simulated: true }));
    fireEvent.click(screen.getByRole('button', { name: 'web details' }));
    expect(screen.queryByRole('button', { name: 'Open SSH to web' })).toBeNull();
  });

  it('diagnostics: Collect diagnostics writes the support bundle and shows where', async () => {
    const fake = await mount();
    act(() => fireEvent.click(screen.getByRole('tab', { name: 'Diagnostics' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Collect diagnostics' })));
    expect(fake.calls).toContainEqual(['collectDiagnostics', []]);
    expect((await screen.findByTestId('support-bundle')).textContent).toBe('Saved for your bug report: /home/u/.config/ragnatramp-tray/support/ragnatramp-tray-support.zip');
  });

  it('settings: toggles call updateSettings; launch at login only where the host has it', async () => {
    const fake = await mount();
    act(() => fireEvent.click(screen.getByRole('tab', { name: 'Settings' })));
    await act(async () => fireEvent.click(screen.getByLabelText(/Sync every guest's \/etc\/hosts automatically/)));
    expect(fake.calls).toContainEqual(['updateSettings', [{ autoSync: true, autoSyncAsked: true }]]);
    await act(async () => fireEvent.click(screen.getByLabelText(/Let me run ssh <machine> from this computer/)));
    expect(fake.calls).toContainEqual(['updateSettings', [{ sshConfig: true }]]);
    expect(screen.queryByLabelText(/Start Ragnatramp Tray when I sign in/)).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Stop watching /p/ragnatramp.yaml' })));
    expect(fake.calls).toContainEqual(['removeProject', ['/p/ragnatramp.yaml']]);
  });

  it('tabs are keyboard operable', async () => {
    await mount();
    const tabs = screen.getByRole('tablist');
    act(() => fireEvent.keyDown(tabs, { key: 'ArrowRight' }));
    expect(screen.getByRole('tab', { name: 'Diagnostics' }).getAttribute('aria-selected')).toBe('true');
    act(() => fireEvent.keyDown(tabs, { key: 'ArrowLeft' }));
    expect(screen.getByRole('tab', { name: 'VMs' }).getAttribute('aria-selected')).toBe('true');
  });

  it('a failed call shows its message', async () => {
    await mount(appState(), { reconcileNow: async () => { throw new Error('The engine stopped unexpectedly'); } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sync now' })));
    expect(screen.getAllByRole('alert').some((a) => a.textContent === 'The engine stopped unexpectedly')).toBe(true);
  });
});

describe('notices', () => {
  const change = (to: string, machineName = 'web'): IpChange => ({ kind: 'changed', key: `/p#${machineName}`, configPath: '/p', project: 'p', machineName, from: '172.18.0.2', to });
  const appeared = (machineName: string): IpChange => ({ kind: 'appeared', key: `/p#${machineName}`, configPath: '/p', project: 'p', machineName, to: '172.18.0.3' });
  it('collapse repeats into a count, replace an older one for the same VM, and keep three at most besides the renumbered VMs', () => {
    let toasts = addToast([], change('172.18.0.9'), 1);
    toasts = addToast(toasts, change('172.18.0.9'), 2);
    expect(toasts).toEqual([{ id: 1, change: change('172.18.0.9'), count: 2 }]);
    toasts = addToast(toasts, change('172.18.0.10'), 3);
    expect(toasts).toEqual([{ id: 3, change: change('172.18.0.10'), count: 1 }]);
    for (const [i, m] of ['a', 'b', 'c', 'd'].entries()) toasts = addToast(toasts, appeared(m), 10 + i);
    // The renumbered VMs are one notice, however many: kept; of the others, the newest three.
    expect(toasts.map((t) => t.id)).toEqual([3, 11, 12, 13]);
    for (const [i, m] of ['e', 'f', 'g', 'h'].entries()) toasts = addToast(toasts, change('1.1.1.1', m), 20 + i);
    expect(toasts.filter((t) => t.change.kind === 'changed')).toHaveLength(5);
  });
});
