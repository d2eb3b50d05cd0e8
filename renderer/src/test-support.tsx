// A fake of the contract's API for renderer tests: canned state, recorded calls, and a way to
// push events as main would.
import { act, render, screen } from '@testing-library/react';
import type { AppEvent, AppState, RagnatrampApi, Settings, VmView } from '../../contract/api';
import { App } from './app';
import { useStore } from './store';

export function vmView(over: Partial<VmView> = {}): VmView {
  return {
    key: '/p/ragnatramp.yaml#web',
    machineName: 'web',
    vmName: 'demo-web-1f3a9c2e',
    status: 'running',
    vmState: 'Running',
    provider: 'Hyper-V',
    lookedIn: 'Hyper-V',
    ipv4: '172.18.185.163',
    ipv6: [],
    tier: { id: 'kvp', label: 'KVP', help: 'Reported by Hyper-V itself (the guest runs the KVP daemon)' },
    mac: '00155DDE3309',
    discoveredAt: new Date().toISOString(),
    previousIpv4: null,
    lastKnownIpv4: null,
    hostsStale: false,
    hostsSkip: null,
    problems: [],
    muted: [],
    facts: [{ label: 'KVP', value: 'OK', ok: true, why: null }],
    sshOpen: true,
    sshAt: null,
    duplicateOf: [],
    warnings: [],
    sync: null,
    history: [],
    ...over,
  };
}

export function appState(over: Partial<AppState> = {}): AppState {
  return {
    health: 'good',
    summary: '1 VM · 1 running · just now',
    busy: 'idle',
    paused: false,
    lastPassAt: new Date().toISOString(),
    hypervisorError: null,
    notices: [],
    projects: [{ configPath: '/p/ragnatramp.yaml', name: 'demo', error: null, vms: [vmView()], hostsBlock: '', warnings: [] }],
    duplicates: [],
    lastReconcile: null,
    progress: {},
    simulated: false,
    host: { kind: 'browser', filePicker: false, launchAtLogin: false, platform: 'linux' },
    ...over,
  };
}

export const settings: Settings = { projects: ['/p/ragnatramp.yaml'], providers: {}, watched: {}, names: {}, pollSeconds: 10, notifications: true, autoSync: false, autoSyncAsked: false, launchAtLogin: false, sshConfig: false, muted: [] };

export function fakeApi(state: AppState, overrides: Partial<RagnatrampApi> = {}) {
  const calls: Array<[string, unknown[]]> = [];
  const listeners = new Set<(e: AppEvent) => void>();
  const record = (name: string, value: unknown) => async (...args: unknown[]) => {
    calls.push([name, args]);
    return value;
  };
  const api = {
    getState: record('getState', state),
    getSettings: record('getSettings', settings),
    updateSettings: record('updateSettings', settings),
    setProjectProvider: record('setProjectProvider', settings),
    setProxmoxToken: record('setProxmoxToken', '/home/u/.config/ragnatramp-tray/proxmox/pve_8006.token'),
    addProject: record('addProject', settings),
    saveWatchedProject: record('saveWatchedProject', settings),
    setProjectNames: record('setProjectNames', settings),
    removeProject: record('removeProject', { ...settings, projects: [] }),
    pickProjectFile: record('pickProjectFile', null),
    reconcileNow: record('reconcileNow', { at: new Date().toISOString(), projects: 1, synced: 1, updated: 1, skipped: 0, failed: 0, changes: 0, hypervisorError: null }),
    reconcileVm: record('reconcileVm', { at: new Date().toISOString(), projects: 1, synced: 1, updated: 0, skipped: 1, failed: 0, changes: 0, hypervisorError: null }),
    setPaused: record('setPaused', state),
    diagnose: record('diagnose', []),
    hostChecks: record('hostChecks', { at: new Date().toISOString(), providers: [{ provider: 'hyperv', label: 'Hyper-V', checks: [{ step: 'PowerShell found', ok: true, detail: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', fix: null }, { step: 'Virtual Machine Management service (vmms)', ok: false, detail: 'Stopped', fix: "Start it from Services (or 'Start-Service vmms' in an administrator PowerShell), or restart the PC." }] }] }),
    fixKvp: record('fixKvp', { machineName: 'web', dryRun: false, commands: [], steps: [], success: true }),
    acceptHostKey: record('acceptHostKey', null),
    openExternal: record('openExternal', undefined),
    openSsh: record('openSsh', undefined),
    vmLog: record('vmLog', []),
    powerVm: record('powerVm', { machineName: 'web', action: 'stop', changed: true, message: "'web' shut down (Hyper-V says Off)." }),
    collectDiagnostics: record('collectDiagnostics', '/home/u/.config/ragnatramp-tray/support/ragnatramp-tray-support.zip'),
    subscribe: (l: (e: AppEvent) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    ...overrides,
  } as RagnatrampApi;
  return { api, calls, push: (e: AppEvent) => listeners.forEach((l) => l(e)) };
}

/** The window connected to a fake API, once it has rendered. */
export async function mountApp(state: AppState = appState(), overrides: object = {}) {
  // Canned answers, loosely typed: a test gives only the fields a view reads.
  const fake = fakeApi(state, overrides as Partial<RagnatrampApi>);
  await act(async () => {
    useStore.getState().connect(fake.api);
  });
  render(<App />);
  await screen.findByText('Ragnatramp Tray');
  return fake;
}
