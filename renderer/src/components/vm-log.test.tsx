// Proves the Diagnostics card of a VM shows the log's last lines about it, asked for when the
// list is opened (so they are fresh), repeats counted, warnings marked, and says when there are none.
/** @vitest-environment jsdom */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../store';
import { appState, mountApp } from '../test-support';
import type { VmLogLineView } from '../../../contract/api';

const initial = useStore.getState();
Element.prototype.scrollIntoView = () => undefined;
beforeEach(() => useStore.setState({ ...initial, diagnostics: {}, fixes: {}, toasts: [] }, true));
afterEach(cleanup);

describe("a VM's log lines in Diagnostics", () => {
  it('are asked for when opened, with repeats counted and warnings marked', async () => {
    const lines: VmLogLineView[] = [
      { at: '2026-12-05T08:00:00.000Z', lastAt: '2026-12-05T08:05:00.000Z', count: 31, level: 'info', event: 'pass', text: 'status=running ipv4=172.18.185.163 tier=kvp' },
      { at: '2026-12-05T08:06:00.000Z', lastAt: '2026-12-05T08:06:00.000Z', count: 1, level: 'warn', event: 'ssh failure', text: 'error=connection refused' },
    ];
    const diagnose = async () => [{ key: '/p/ragnatramp.yaml#web', machineName: 'web', vmName: 'demo-web', facts: [], sshOpen: true, warnings: [], guest: { unavailable: 'not inspected' } }];
    const fake = await mountApp(appState(), { diagnose, vmLog: async (...args: unknown[]) => (fake.calls.push(['vmLog', args]), lines) });
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Diagnostics' })));
    const card = await screen.findByTestId('diag-web');
    expect(fake.calls.filter((c) => c[0] === 'vmLog')).toEqual([]);
    const log = within(card).getByTestId('vm-log-web') as HTMLDetailsElement;
    await act(async () => {
      log.open = true;
      fireEvent(log, new Event('toggle'));
    });
    expect(fake.calls).toContainEqual(['vmLog', ['/p/ragnatramp.yaml', 'web']]);
    const items = [...within(log).getByRole('list', { name: "The log's last lines about web, oldest first" }).querySelectorAll('li')].map((li) => li.textContent);
    expect(items[0]).toMatch(/pass: status=running ipv4=172\.18\.185\.163 tier=kvp \(×31, the last at .+\)$/);
    expect(items[1]).toMatch(/warn ssh failure: error=connection refused$/);
  });

  it('says when the log holds nothing about the VM, and the error when it cannot be read', async () => {
    const diagnose = async () => [{ key: '/p/ragnatramp.yaml#web', machineName: 'web', vmName: 'demo-web', facts: [], sshOpen: true, warnings: [], guest: { unavailable: 'not inspected' } }];
    let answer: () => Promise<VmLogLineView[]> = async () => [];
    await mountApp(appState(), { diagnose, vmLog: () => answer() });
    await act(async () => fireEvent.click(screen.getByRole('tab', { name: 'Diagnostics' })));
    const log = within(await screen.findByTestId('diag-web')).getByTestId('vm-log-web') as HTMLDetailsElement;
    const open = async () =>
      act(async () => {
        log.open = !log.open;
        fireEvent(log, new Event('toggle'));
      });
    await open();
    expect(log.textContent).toContain('Nothing in the log about web yet.');
    await open();
    answer = async () => {
      throw new Error('The engine stopped unexpectedly');
    };
    await open();
    expect(log.textContent).toContain('The engine stopped unexpectedly');
  });
});
