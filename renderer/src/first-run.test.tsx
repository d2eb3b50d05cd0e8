// Issue 23, points 10 to 14, in the window against a fake API: the first run (grey dot, nothing
// to pause, Add project and the checks of this PC, the auto-sync question asked once), "This PC"
// in Diagnostics, paths as users paste them, and fixes a user can follow (the outcome stays in
// sight and takes the focus, pass and fail said in words, buttons that name their VM).
/** @vitest-environment jsdom */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiagnosticView, RagnatrampApi, Settings } from '../../contract/api';
import { App } from './app';
import { useStore } from './store';
import { appState, fakeApi, settings, vmView } from './test-support';

const initial = useStore.getState();
Element.prototype.scrollIntoView = () => undefined;
beforeEach(() => useStore.setState({ ...initial, diagnostics: {}, fixes: {}, toasts: [] }, true));
afterEach(cleanup);

const none: Settings = { ...settings, projects: [] };

async function mount(state = appState(), overrides: Partial<RagnatrampApi> = {}) {
  const fake = fakeApi(state, overrides);
  await act(async () => {
    useStore.getState().connect(fake.api);
  });
  render(<App />);
  await screen.findByText('Ragnatramp Tray');
  return fake;
}

describe('the first run (point 10)', () => {
  it('with no project the dot is grey ("nothing watched yet"), Pause is disabled, and the view offers Add project and the checks of this PC', async () => {
    const fake = await mount(appState({ projects: [], health: 'idle', summary: 'Nothing watched yet: add a project' }), { getSettings: async () => none });
    const dot = screen.getByRole('img', { name: 'Nothing watched yet' });
    expect(dot.className).toContain('health-idle');
    expect((screen.getByRole('button', { name: 'Pause watching' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('button', { name: 'Add project' })).toBeTruthy();
    const pc = await screen.findByTestId('this-pc');
    await waitFor(() => expect(pc.textContent).toContain('1 of 2 checks fail'));
    expect(within(pc).getByText('Virtual Machine Management service (vmms)').parentElement!.textContent).toBe("✗failed: Virtual Machine Management service (vmms)StoppedFix: Start it from Services (or 'Start-Service vmms' in an administrator PowerShell), or restart the PC.");
    expect(fake.calls.filter((c) => c[0] === 'hostChecks')).toHaveLength(1);
  });
});

describe('auto-sync is asked once, at the first run (point 14)', () => {
  it('says what it does, and keeps the answer', async () => {
    const patches: unknown[] = [];
    await mount(appState({ projects: [] }), { getSettings: async () => none, updateSettings: async (patch) => (patches.push(patch), { ...none, ...patch }) });
    const question = screen.getByTestId('auto-sync-question');
    expect(question.textContent).toContain("log in to each guest over SSH (with the project's user and key) and rewrite the managed block in its /etc/hosts");
    await act(async () => fireEvent.click(within(question).getByRole('button', { name: 'Sync automatically' })));
    expect(patches).toEqual([{ autoSync: true, autoSyncAsked: true }]);
    expect(screen.queryByTestId('auto-sync-question')).toBeNull();
  });

  it('is not asked again once answered, nor of a user who already watches projects', async () => {
    await mount(appState({ projects: [] }), { getSettings: async () => ({ ...none, autoSyncAsked: true }) });
    expect(screen.queryByTestId('auto-sync-question')).toBeNull();
    cleanup();
    useStore.setState({ ...initial }, true);
    await mount();
    expect(screen.queryByTestId('auto-sync-question')).toBeNull();
  });
});

describe('"This PC" in Diagnostics (point 11)', () => {
  it('on the first run: the checks of this PC and Collect diagnostics', async () => {
    const fake = await mount(appState({ projects: [] }), { getSettings: async () => none });
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Diagnostics' })));
    expect(await screen.findByRole('heading', { name: 'This PC' })).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Collect diagnostics' })));
    expect(fake.calls).toContainEqual(['collectDiagnostics', []]);
  });

  it('with projects too, taken again every time the panel opens, with when', async () => {
    const fake = await mount();
    for (let i = 0; i < 2; i++) {
      await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Diagnostics' })));
      await screen.findByRole('heading', { name: 'This PC' });
      await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'VMs' })));
    }
    expect(fake.calls.filter((c) => c[0] === 'hostChecks')).toHaveLength(2);
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Diagnostics' })));
    expect((await screen.findByTestId('this-pc-summary')).textContent).toMatch(/Checked at /);
  });
});

describe('Add project takes what users paste (point 13)', () => {
  it("the placeholder is a path of main's platform; the text goes to main as pasted, which decides, and its refusal shows under the field", async () => {
    const added: string[] = [];
    await mount(appState({ projects: [], host: { kind: 'browser', filePicker: false, launchAtLogin: false, platform: 'win32' } }), {
      getSettings: async () => none,
      addProject: async (p) => {
        added.push(p);
        throw new Error('The project\'s path "demo\\ragnatramp.yaml" is relative, and the tray has no working folder it could be relative to: give the full path (such as C:\\Users\\you\\project\\ragnatramp.yaml).');
      },
    });
    const field = screen.getByLabelText(/^Path to a ragnatramp\.yaml, or its folder/) as HTMLInputElement;
    expect(field.placeholder).toBe('C:\\Users\\you\\project\\ragnatramp.yaml');
    fireEvent.change(field, { target: { value: '"C:\\Users\\me\\demo\\ragnatramp.yaml"' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Add project' })));
    expect(added).toEqual(['"C:\\Users\\me\\demo\\ragnatramp.yaml"']);
    expect(screen.getByRole('alert').textContent).toMatch(/is relative, and the tray has no working folder/);
    cleanup();
    useStore.setState({ ...initial }, true);
    await mount(appState({ projects: [] }), { getSettings: async () => none });
    expect((screen.getByLabelText(/^Path to a ragnatramp\.yaml/) as HTMLInputElement).placeholder).toBe('/home/you/project/ragnatramp.yaml');
  });
});

describe('fixes that can be followed (point 12)', () => {
  const fix = ['sudo -n apt-get install -y linux-cloud-tools-6.8.0-45-generic', 'sudo -n modprobe -r hv_utils && sudo -n modprobe hv_utils'];
  const failing: DiagnosticView = { key: '/p/ragnatramp.yaml#web', machineName: 'web', vmName: 'v', facts: [{ label: 'KVP', value: 'No Contact', ok: false, why: 'no daemon' }], sshOpen: true, warnings: [], guest: { os: 'Ubuntu', kvpDaemon: { installed: false, running: false, package: 'linux-cloud-tools-6.8.0-45-generic', fix }, sudo: true, cloudInitManagesHosts: false, hostsBlock: 'current', machineId: null, warnings: [] } };
  const fixed: DiagnosticView = { ...failing, facts: [{ label: 'KVP', value: 'OK', ok: true, why: null }], guest: { ...failing.guest, kvpDaemon: { installed: true, running: true, package: null, fix: [] } } as DiagnosticView['guest'] };

  it('after Run them the outcome stays in the VM\'s card, is announced, and takes the focus', async () => {
    let calls = 0;
    await mount(appState(), { diagnose: async () => (calls++ === 0 ? [failing] : [fixed]) });
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Diagnostics' })));
    const card = await screen.findByTestId('diag-web');
    fireEvent.click(within(card).getByRole('button', { name: 'Fix over SSH…' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Run them' })));
    await waitFor(() => expect(calls).toBe(2));
    const outcome = within(screen.getByTestId('diag-web')).getByRole('status');
    await waitFor(() => expect(outcome.textContent).toBe('Fixed: the KVP daemon runs on web.'));
    await waitFor(() => expect(document.activeElement).toBe(outcome));
    // The check passes now: said in words, not by colour alone.
    expect(screen.getByTestId('diag-web').textContent).toMatch(/✓passed: KVPOK/);
  });

  it('"How to fix" names its VM', async () => {
    await mount(appState({ projects: [{ configPath: '/p/ragnatramp.yaml', name: 'demo', error: null, hostsBlock: '', warnings: [], vms: [vmView({ facts: [{ label: 'KVP', value: 'No Contact', ok: false, why: 'no daemon' }] })] }] }));
    fireEvent.click(screen.getByRole('button', { name: 'web details' })); // the fix link is in the row's details
    expect(screen.getByRole('button', { name: 'How to fix KVP on web' })).toBeTruthy();
  });
});
