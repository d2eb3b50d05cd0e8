// A notification the OS refuses is said where the user looks for it: on macOS an unsigned build
// (or notifications not allowed) makes UNUserNotificationCenter fail the request, which Electron
// emits as 'failed' with the error's description (cocoa_notification.mm:203-217, modelled by the
// fake's Notification.failure); the Notifier reports that reason, and null once one is shown, and
// the controller puts it in the state Settings reads.
import { describe, expect, it, vi } from 'vitest';
import type { IpChange } from '../../contract/api.js';
import { DEFAULT_SETTINGS } from '../../contract/api.js';
import { AppController } from '../app/app-controller.js';

vi.mock('electron', async () => await import('../../dev/test-support/fake-electron.js'));
const fake = await import('../../dev/test-support/fake-electron.js');
const { Notifier } = await import('./notifications.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const change = (to: string): IpChange => ({ kind: 'changed', key: '/p#web', configPath: '/p', project: 'p', machineName: 'web', from: '172.18.0.2', to });

describe('a notification the OS refused', () => {
  it('is reported with its reason on macOS, and cleared once one is shown', async () => {
    fake.resetFakeElectron();
    const reports: Array<string | null> = [];
    const n = new Notifier(() => true, vi.fn(), 'darwin', () => Date.now(), undefined, (failure) => reports.push(failure));
    fake.Notification.failure = 'Notifications are not allowed for this application';
    expect(n.notify(change('172.18.0.9'))).toBe(true);
    await sleep(5);
    expect(reports).toEqual(['Notifications are not allowed for this application']);
    fake.Notification.failure = null;
    n.notify(change('172.18.0.10'));
    await sleep(5);
    expect(reports).toEqual(['Notifications are not allowed for this application', null]);
  });

  it("reaches the window's state as a note on the notifications setting", () => {
    let value = { ...DEFAULT_SETTINGS };
    const controller = new AppController({ get: () => value, set: (v) => (value = v), warning: null }, { call: vi.fn(), on: vi.fn() } as never, { kind: 'electron', platform: 'darwin' }, { simulated: false });
    const states: unknown[] = [];
    controller.on('event', (e) => e.type === 'state' && states.push(e.state.host));
    controller.setHostNote('notifications', 'Notifications are not allowed for this application');
    expect(controller.snapshot().host).toEqual({ kind: 'electron', filePicker: false, launchAtLogin: false, platform: 'darwin', notes: { launchAtLogin: null, notifications: 'Notifications are not allowed for this application' } });
    controller.setHostNote('notifications', 'Notifications are not allowed for this application');
    expect(states).toHaveLength(1); // the same note again is no news
  });
});
