// Proves the window shows a VM's address history in its row: newest first, the current one
// marked "now", nothing for a VM never seen with an address.
/** @vitest-environment jsdom */
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../store';
import { appState, mountApp, vmView } from '../test-support';

const initial = useStore.getState();
Element.prototype.scrollIntoView = () => undefined;
beforeEach(() => useStore.setState({ ...initial, diagnostics: {}, fixes: {}, toasts: [] }, true));
afterEach(cleanup);

describe("a VM's address history", () => {
  it('is listed in the row, newest first, the current stretch marked now', async () => {
    const history = [
      { ipv4: '172.18.185.170', seenAt: '2026-12-05T08:00:00.000Z', endedAt: null },
      { ipv4: '172.18.185.163', seenAt: '2026-12-04T08:00:00.000Z', endedAt: '2026-12-05T08:00:00.000Z' },
    ];
    await mountApp(appState({ projects: [{ configPath: '/p/ragnatramp.yaml', name: 'demo', error: null, hostsBlock: '', warnings: [], vms: [vmView({ ipv4: '172.18.185.170', history })] }] }));
    fireEvent.click(screen.getByRole('button', { name: 'web details' })); // the history is in the row's details
    const shown = within(screen.getByTestId('vm-web')).getByTestId('vm-history');
    expect(shown.querySelector('summary')!.textContent).toBe('Address history (2)');
    const items = within(shown).getByRole('list', { name: "web's last addresses, newest first" }).querySelectorAll('li');
    expect([...items].map((li) => li.textContent)).toEqual([expect.stringMatching(/^172\.18\.185\.170 since .* \(now\)$/), expect.stringMatching(/^172\.18\.185\.163 .+ – .+$/)]);
  });

  it('a VM never seen with an address shows none', async () => {
    await mountApp(appState());
    expect(within(screen.getByTestId('vm-web')).queryByTestId('vm-history')).toBeNull();
  });
});
