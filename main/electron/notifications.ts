// Native notifications for IP changes and new duplicates: once per change (the change detector
// reports each once; this also never repeats the last text shown for a VM), only when the
// setting is on, and a click opens the window on that VM, also when it comes from the Windows
// Action Center after the toast closed and its Notification object is gone.

import { Notification } from 'electron';
import type { IpChange, View } from '../../contract/api.js';
import { describeChange } from '../app/change-detector.js';

export class Notifier {
  private lastShown = new Map<string, string>();
  // Notifications are garbage-collected (and their clicks lost) unless something holds them.
  private live = new Set<Notification>();
  /** Where a click with no living Notification behind it leads: the latest change shown. */
  private latest: string | null = null;
  private clickedAt = -Infinity;

  constructor(
    private readonly enabled: () => boolean,
    private readonly show: (view: View, vmKey: string | null) => void,
    platform: NodeJS.Platform = process.platform,
  ) {
    // Windows only (Electron docs, Notification.handleActivation, "@platform win32"): called for
    // every activation, whether or not the Notification object still exists.
    if (platform === 'win32' && typeof Notification.handleActivation === 'function') {
      // A click on a living toast fires both: its own 'click' (which knows the VM) wins.
      Notification.handleActivation(() => {
        if (Date.now() - this.clickedAt > 1000) this.show('vms', this.latest);
      });
    }
  }

  notify(change: IpChange): boolean {
    if (!this.enabled() || !Notification.isSupported()) return false;
    const { title, body } = describeChange(change);
    const text = `${title}\n${body}`;
    if (this.lastShown.get(change.key) === text) return false;
    this.lastShown.set(change.key, text);
    const vmKey = change.kind === 'duplicate' ? null : change.key;
    const n = new Notification({ title, body, silent: false });
    this.live.add(n);
    this.latest = vmKey;
    n.on('click', () => {
      this.clickedAt = Date.now();
      this.show('vms', vmKey);
    });
    n.on('close', () => this.live.delete(n));
    n.show();
    return true;
  }
}
