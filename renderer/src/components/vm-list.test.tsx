// Proves the VM list is the glance (issue 23, points 6, 8, 9): one line per VM with its details on
// expand, words that mean one thing, one banner and one Sync now per cause, and the tray menu
// listing the same lines as the window.
/** @vitest-environment jsdom */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppState, IpChange, ProjectView, VmView } from '../../../contract/api';
import { trayMenuTemplate, type TrayActions } from '../../../main/electron/tray-menu';
import { App } from '../app';
import { useStore } from '../store';
import { appState, fakeApi, vmView } from '../test-support';

const initial = useStore.getState();
Element.prototype.scrollIntoView = () => undefined;
beforeEach(() => useStore.setState({ ...initial, diagnostics: {}, fixes: {}, toasts: [] }, true));
afterEach(cleanup);

async function mount(state: AppState) {
  const fake = fakeApi(state);
  await act(async () => {
    useStore.getState().connect(fake.api);
  });
  render(<App />);
  await screen.findByText('Ragnatramp Tray');
  return fake;
}

const ARP = { id: 'arp', label: 'ARP', help: "Found in the host's ARP (neighbour) table by the VM's MAC address" };
const NO_CONTACT = [{ label: 'KVP', value: 'No Contact', ok: false, why: "the guest's KVP daemon (hv_kvp_daemon) is not installed or not running" }];
const vm = (machineName: string, over: Partial<VmView> = {}, configPath = '/p/ragnatramp.yaml') => vmView({ key: `${configPath}#${machineName}`, machineName, vmName: `demo-${machineName}`, ...over });
const project = (vms: VmView[], over: Partial<ProjectView> = {}): ProjectView => ({ configPath: '/p/ragnatramp.yaml', name: 'demo', error: null, vms, hostsBlock: '', warnings: [], ...over });
const cell = (row: HTMLElement, testId: string) => row.querySelector(`[data-testid="${testId}"]`)?.textContent ?? null;

describe('one line per VM', () => {
  it('shows dot, name, address with copy, tier and one problem; the details stay folded until the disclosure button opens them', async () => {
    await mount(appState({ projects: [project([vm('web'), vm('db', { ipv4: '172.18.185.164', tier: ARP, facts: NO_CONTACT, problems: [{ check: 'fact:KVP', text: 'KVP No Contact' }, { check: 'ssh-closed', text: 'SSH closed' }] })])] }));
    const db = screen.getByTestId('vm-db');
    expect(cell(db, 'ipv4')).toBe('172.18.185.164');
    expect(cell(db, 'tier')).toBe('via ARP');
    // At most one short problem on the line.
    expect(cell(db, 'problem')).toBe('KVP No Contact');
    expect(within(db).getByRole('img').getAttribute('aria-label')).toBe('running');
    expect(within(db).getByRole('button', { name: "Copy db's IP address" })).toBeTruthy();
    const toggle = within(db).getByRole('button', { name: 'db details' });
    const details = document.getElementById(toggle.getAttribute('aria-controls')!)!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(details.hidden).toBe(true);
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(details.hidden).toBe(false);
    expect(details.textContent).toContain("No Contact: the guest's KVP daemon");
    fireEvent.click(toggle);
    expect(details.hidden).toBe(true);
    // A healthy row has no problem on its line.
    expect(cell(screen.getByTestId('vm-web'), 'problem')).toBeNull();
  });

  it('a row brought into view from a notice opens its details', async () => {
    const fake = await mount(appState());
    act(() => fake.push({ type: 'change', change: { kind: 'changed', key: '/p/ragnatramp.yaml#web', configPath: '/p/ragnatramp.yaml', project: 'demo', machineName: 'web', from: '172.18.185.100', to: '172.18.185.163' } }));
    act(() => fireEvent.click(screen.getByRole('button', { name: 'web: 172.18.185.100 → 172.18.185.163' })));
    expect(within(screen.getByTestId('vm-web')).getByRole('button', { name: 'web details' }).getAttribute('aria-expanded')).toBe('true');
  });
});

describe('words mean one thing', () => {
  it('the tier badge names the tier: "via KVP", "via ARP", "from cache"', async () => {
    await mount(appState({ projects: [project([vm('web'), vm('db', { tier: ARP }), vm('cache', { tier: { id: 'cache', label: 'cache', help: 'The address state.json last recorded' } })])] }));
    expect(['web', 'db', 'cache'].map((m) => cell(screen.getByTestId(`vm-${m}`), 'tier'))).toEqual(['via KVP', 'via ARP', 'from cache']);
  });

  it('a running VM that lost its address reads running, "IP unknown", with the cause as its problem and the last known address in its details', async () => {
    await mount(appState({ projects: [project([vm('db', { status: 'running', ipv4: null, tier: null, lastKnownIpv4: '172.18.185.164', facts: NO_CONTACT, sshOpen: null, problems: [{ check: 'ip-unknown', text: 'IP unknown: KVP No Contact' }] })])] }));
    const db = screen.getByTestId('vm-db');
    expect(within(db).getByRole('img').getAttribute('aria-label')).toBe('running');
    expect(cell(db, 'ip-unknown')).toBe('IP unknown');
    expect(cell(db, 'problem')).toBe('KVP No Contact');
    expect(cell(db, 'last-known')).toBe('172.18.185.164');
    expect(db.textContent).not.toMatch(/initializing/i);
  });

  it('two projects sharing a machine name: the lines and the problems name their project', async () => {
    const shop = vm('web', { facts: NO_CONTACT, problems: [{ check: 'fact:KVP', text: 'KVP No Contact' }] }, '/shop/ragnatramp.yaml');
    await mount(appState({ projects: [project([vm('web'), vm('db')]), project([shop], { configPath: '/shop/ragnatramp.yaml', name: 'shop' })] }));
    expect(screen.getByTestId('problems').textContent).toContain('shop/web: KVP No Contact');
    expect(screen.getAllByRole('button', { name: /web details$/ }).map((b) => b.getAttribute('aria-label'))).toEqual(['demo/web details', 'shop/web details']);
    expect(screen.getByRole('button', { name: 'db details' })).toBeTruthy();
  });
});

describe('one cause, one message, one action', () => {
  it('a duplicate is one banner naming its two VMs, not a problem on each row', async () => {
    const dup = { ipv4: '172.18.185.164', duplicateOf: [] as string[], problems: [] };
    await mount(appState({ health: 'attention', duplicates: [{ ip: '172.18.185.164', vms: [{ project: 'demo', machineName: 'db' }, { project: 'demo', machineName: 'web' }] }], projects: [project([vm('db', { ...dup, duplicateOf: ['web'] }), vm('web', { ...dup, duplicateOf: ['db'] })])] }));
    expect(screen.getAllByTestId('duplicate-banner')).toHaveLength(1);
    expect(screen.getByTestId('duplicate-banner').textContent).toMatch(/Duplicate IP 172\.18\.185\.164:.*db and web report the same address/);
    for (const m of ['db', 'web']) expect(cell(screen.getByTestId(`vm-${m}`), 'problem')).toBeNull();
    expect(screen.queryByTestId('problems')).toBeNull();
    expect(document.body.textContent!.match(/duplicate/gi)).toHaveLength(1);
  });

  it('hosts out of date on several VMs is one banner with one Sync now, not a problem on each row', async () => {
    const stale = { hostsStale: true, problems: [{ check: 'hosts-stale', text: 'hosts out of date' }] };
    const fake = await mount(appState({ health: 'attention', projects: [project([vm('cache', stale), vm('db', stale), vm('web', stale)])] }));
    const banner = screen.getByTestId('hosts-stale-banner');
    expect(banner.textContent).toContain('Hosts out of date on cache, db and web');
    for (const m of ['cache', 'db', 'web']) expect(cell(screen.getByTestId(`vm-${m}`), 'problem')).toBeNull();
    expect(screen.queryByTestId('problems')).toBeNull();
    // The header's and the banner's: the same name, the same action; no third.
    expect(screen.getAllByRole('button', { name: 'Sync now' })).toHaveLength(2);
    await act(async () => fireEvent.click(within(banner).getByRole('button', { name: 'Sync now' })));
    expect(fake.calls).toContainEqual(['reconcileNow', [null]]);
  });

  it('a host reboot that renumbers three VMs is one notice with one Sync now', async () => {
    const fake = await mount(appState({ projects: [project([vm('cache'), vm('db'), vm('web')])] }));
    const change = (machineName: string, from: string, to: string): IpChange => ({ kind: 'changed', key: `/p/ragnatramp.yaml#${machineName}`, configPath: '/p/ragnatramp.yaml', project: 'demo', machineName, from, to });
    act(() => {
      fake.push({ type: 'change', change: change('cache', '172.18.185.170', '172.18.185.70') });
      fake.push({ type: 'change', change: change('db', '172.18.185.164', '172.18.185.64') });
      fake.push({ type: 'change', change: change('web', '172.18.185.163', '172.18.185.63') });
    });
    const toasts = screen.getAllByTestId('toast');
    expect(toasts).toHaveLength(1);
    expect(toasts[0]!.textContent).toMatch(/^3 VMs renumbered/);
    expect(toasts[0]!.textContent).toContain('db: 172.18.185.164 → 172.18.185.64');
    const sync = within(toasts[0]!).getAllByRole('button', { name: 'Sync now' });
    expect(sync).toHaveLength(1);
    await act(async () => fireEvent.click(sync[0]!));
    expect(fake.calls.filter((c) => c[0] === 'reconcileNow')).toEqual([['reconcileNow', ['/p/ragnatramp.yaml']]]);
    expect(screen.queryAllByTestId('toast')).toHaveLength(0);
  });
});

describe('the tray menu and the window agree line for line', () => {
  const actions: TrayActions = { reconcileNow: vi.fn(), show: vi.fn(), setPaused: vi.fn(), collectDiagnostics: vi.fn(), copyIp: vi.fn(), openSsh: vi.fn(), reconcileVm: vi.fn(), power: vi.fn() };
  it('the same VMs, in the same order, with the same status, address, tier and problem words', async () => {
    const shop = project([vm('web', { ipv4: '172.18.186.10' }, '/shop/ragnatramp.yaml'), vm('mail', { status: 'missing', ipv4: null, tier: null, problems: [{ check: 'vm-missing', text: 'VM missing' }] }, '/shop/ragnatramp.yaml')], { configPath: '/shop/ragnatramp.yaml', name: 'shop' });
    const demo = project([
      vm('cache', { status: 'initializing', ipv4: null, tier: null, problems: [{ check: 'ip-unknown', text: 'IP unknown' }] }),
      vm('db', { ipv4: '172.18.185.164', tier: ARP, facts: NO_CONTACT, problems: [{ check: 'fact:KVP', text: 'KVP No Contact' }] }),
      vm('search', { status: 'booting', ipv4: '172.18.185.167', sshOpen: false, problems: [{ check: 'ssh-closed', text: 'SSH closed' }] }),
      vm('web'),
      vm('worker', { status: 'stopped', vmState: 'Off', ipv4: null, tier: null }),
    ]);
    const state = appState({ projects: [demo, shop] });
    await mount(state);
    const window = [...document.querySelectorAll<HTMLElement>('li.vm-row')].map((row) => {
      const parts = [row.querySelector('.vm-name')!.textContent, row.querySelector('.vm-address')!.textContent, cell(row, 'tier'), cell(row, 'problem') && `· ${cell(row, 'problem')}`];
      return { words: parts.filter(Boolean).join('  '), status: row.querySelector('[role="img"]')!.getAttribute('aria-label') };
    });
    const menu = trayMenuTemplate(state, actions)
      .slice(0, window.length)
      .map((item) => (item.label as string).replace(/  \(click to copy\)$/, ''));
    expect(menu).toEqual(window.map((w) => w.words));
    expect(menu).toEqual(['cache  IP unknown', 'db  172.18.185.164  via ARP  · KVP No Contact', 'search  172.18.185.167  via KVP  · SSH closed', 'demo/web  172.18.185.163  via KVP', 'worker  stopped', 'shop/web  172.18.186.10  via KVP', 'mail  missing  · VM missing']);
    expect(window.map((w) => w.status)).toEqual(['initializing', 'running', 'booting', 'running', 'stopped', 'running', 'missing']);
    // And the action has the one name in both.
    expect(trayMenuTemplate(state, actions).some((i) => i.label === 'Sync now')).toBe(true);
    expect(screen.getByRole('button', { name: 'Sync now' })).toBeTruthy();
  });
});
