// A VM's power buttons against a fake API: Start for a stopped VM at once, Stop and Restart only
// after the question is answered (Cancel sends nothing), the row's progress while one runs, what
// it did once done, and a manifest VM's reason instead of buttons.
/** @vitest-environment jsdom */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppState, VmView } from '../../../contract/api';
import { useStore } from '../store';
import { appState, fakeApi, vmView } from '../test-support';
import { VmPowerActions } from './vm-power-actions';

const initial = useStore.getState();
beforeEach(() => useStore.setState({ ...initial }, true));
afterEach(cleanup);

async function mount(vm: VmView, over: Partial<AppState> = {}) {
  const fake = fakeApi(appState({ projects: [{ configPath: '/p/ragnatramp.yaml', name: 'demo', error: null, vms: [vm], hostsBlock: '', warnings: [] }], ...over }));
  await act(async () => {
    useStore.getState().connect(fake.api);
  });
  render(<VmPowerActions vm={vm} configPath="/p/ragnatramp.yaml" />);
  return fake;
}

describe('the power buttons', () => {
  it('a stopped VM offers Start, which runs at once and says what it did', async () => {
    const fake = await mount(vmView({ status: 'stopped', vmState: 'Off', ipv4: null }));
    expect(screen.queryByRole('button', { name: /Stop/ })).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Start web' })));
    expect(fake.calls).toContainEqual(['powerVm', ['/p/ragnatramp.yaml', 'web', 'start']]);
    expect(screen.getByTestId('power-said').textContent).toBe("'web' shut down (Hyper-V says Off).");
  });

  it('a running VM offers Stop and Restart, which ask first: Cancel sends nothing, the answer sends the call', async () => {
    const fake = await mount(vmView());
    expect(screen.queryByRole('button', { name: 'Start web' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Stop web…' }));
    expect(screen.getByRole('dialog', { name: 'Stop web' }).textContent).toContain('asked to shut down');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.calls.some((c) => c[0] === 'powerVm')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Restart web…' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Restart' })));
    expect(fake.calls).toContainEqual(['powerVm', ['/p/ragnatramp.yaml', 'web', 'restart']]);
  });

  it('while a power call runs the row says so, with no buttons', async () => {
    await mount(vmView(), { powering: { '/p/ragnatramp.yaml#web': 'stop' } });
    expect(screen.getByTestId('power-progress').textContent).toBe('stopping…');
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });

  it('a VM whose provider cannot power VMs says why, with no buttons', async () => {
    await mount(vmView({ powerUnavailable: 'Linux (manifest) cannot start or stop VMs: it only reads what it is given.' }));
    expect(screen.getByTestId('power-unavailable').textContent).toContain('cannot start or stop VMs');
    expect(screen.queryAllByRole('button')).toHaveLength(0);
  });
});
