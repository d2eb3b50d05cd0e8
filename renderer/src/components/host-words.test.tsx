/** @vitest-environment jsdom */
// What the window says depends on the machine the engine runs on and on what the OS made of a
// setting: a Mac user sees Mac paths (never C:\Users or /home/me), a login item waiting for
// approval in System Settings and a notification macOS refused are said beside their settings.
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useStore } from '../store';
import { appState, mountApp as mount } from '../test-support';

const initial = useStore.getState();
Element.prototype.scrollIntoView = () => undefined;
beforeEach(() => useStore.setState({ ...initial, diagnostics: {}, fixes: {}, toasts: [] }, true));
afterEach(cleanup);


describe('words for the host', () => {
  it("a Mac's paths in the examples: the project field and the provider folders", async () => {
    await mount(appState({ projects: [], host: { kind: 'browser', filePicker: false, launchAtLogin: false, platform: 'darwin' } }));
    expect(screen.getByLabelText('Path to a ragnatramp.yaml, or its folder').getAttribute('placeholder')).toBe('/Users/you/project/ragnatramp.yaml');
    cleanup();
    await mount(appState({ host: { kind: 'browser', filePicker: false, launchAtLogin: false, platform: 'darwin' } }));
    act(() => fireEvent.click(screen.getByRole('tab', { name: 'Settings' })));
    fireEvent.change(screen.getByLabelText('Provider'), { target: { value: 'quickemu' } });
    expect(screen.getByLabelText('Folder of .conf files').getAttribute('placeholder')).toBe('~/vms');
    expect(document.body.innerHTML).not.toMatch(/C:\\Users|\/home\/me/);
  });

  it('Settings says a login item waiting for approval and a notification the OS refused', async () => {
    const notes = { launchAtLogin: 'macOS is waiting for you to allow Ragnatramp Tray to open at login: System Settings > General > Login Items (Open at Login / Allow in the Background).', notifications: 'Notifications are not allowed for this application' };
    await mount(appState({ host: { kind: 'electron', filePicker: true, launchAtLogin: true, platform: 'darwin', notes } }));
    act(() => fireEvent.click(screen.getByRole('tab', { name: 'Settings' })));
    expect(screen.getByTestId('login-item-note').textContent).toBe(notes.launchAtLogin);
    expect(screen.getByTestId('notifications-note').textContent).toBe('The last notification was not shown: Notifications are not allowed for this application');
  });
});
